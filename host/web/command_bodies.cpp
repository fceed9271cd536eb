#include "host/web/command_bodies.hpp"

#include <string_view>

namespace softbms::host::web {

using nlohmann::json;

namespace {

struct SwitchName {
  std::string_view name;
  core::Param param;
};
constexpr SwitchName kSwitches[] = {
    {"charge", core::Param::charge_enabled},
    {"discharge", core::Param::discharge_enabled},
    {"balance", core::Param::balance_enabled},
    {"heating", core::Param::heating_enabled},
};

std::optional<core::Param> switch_param(std::string_view name) {
  for (const auto& s : kSwitches) {
    if (s.name == name) return s.param;
  }
  return std::nullopt;
}

}  // namespace

Parsed<LoginBody> parse_login(const json& body) {
  const auto password = need_string(body, "password");
  if (const auto* e = failed(password)) return *e;
  const auto pack = maybe_string(body, "pack");
  if (const auto* e = failed(pack)) return *e;
  return LoginBody{std::get<std::string>(password), std::get<std::optional<std::string>>(pack)};
}

Parsed<SwitchBody> parse_switch(const json& body) {
  const auto name = need_string(body, "name");
  if (const auto* e = failed(name)) return *e;
  const auto param = switch_param(std::get<std::string>(name));
  if (!param) return RequestError{"name", "name: charge, discharge, balance or heating"};
  const auto on = need_bool(body, "on");
  if (const auto* e = failed(on)) return *e;
  return SwitchBody{std::get<std::string>(name), *param, std::get<bool>(on)};
}

Parsed<EmergencyBody> parse_emergency(const json& body) {
  const auto on = need_bool(body, "on");
  if (const auto* e = failed(on)) return *e;
  return EmergencyBody{std::get<bool>(on)};
}

Parsed<FactoryResetBody> parse_factory_reset(const json& body) {
  const auto confirm = need_bool(body, "confirm");
  if (failed(confirm) != nullptr || !std::get<bool>(confirm))
    return RequestError{"confirm", "confirm: a factory reset needs \"confirm\": true"};
  const auto name = need_string(body, "chemistry");
  if (const auto* e = failed(name)) return *e;
  const auto chemistry = core::chemistry_from_name(std::get<std::string>(name));
  if (!chemistry) return RequestError{"chemistry", "chemistry: li-ion, lfp or lto"};
  return FactoryResetBody{*chemistry};
}

}  // namespace softbms::host::web
