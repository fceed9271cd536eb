// The JSON bodies of the dashboard's commands (docs/web.md, API), read into typed requests.
// Each parser names the first field that is missing or wrong; none throws (fuzzed by
// host/web/fuzz/). PUT .../settings bodies are read by settings_change.hpp.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/settings/param.hpp"
#include "host/web/request_body.hpp"

namespace softbms::host::web {

// POST /api/login {password, pack?}
struct LoginBody {
  std::string password;
  std::optional<std::string> pack;
};
Parsed<LoginBody> parse_login(const nlohmann::json& body);

// POST .../switch {name: charge|discharge|balance|heating, on}
struct SwitchBody {
  std::string name;
  core::Param param;
  bool on;
};
Parsed<SwitchBody> parse_switch(const nlohmann::json& body);

// POST .../emergency {on}
struct EmergencyBody {
  bool on;
};
Parsed<EmergencyBody> parse_emergency(const nlohmann::json& body);

// POST .../factory-reset {chemistry: li-ion|lfp|lto, confirm: true}
struct FactoryResetBody {
  core::Chemistry chemistry;
};
Parsed<FactoryResetBody> parse_factory_reset(const nlohmann::json& body);

}  // namespace softbms::host::web
