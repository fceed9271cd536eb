#include "host/web/settings_change.hpp"

#include "core/settings/validate.hpp"
#include "host/text/param_text.hpp"

namespace softbms::host::web {
namespace {

// What the user typed as text, the form parse_display understands.
std::string value_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "on" : "off";
  if (v.is_number()) return v.dump();
  return {};
}

struct Pending {
  core::Param param;
  int32_t raw;
  Status last;
};

}  // namespace

nlohmann::json to_json(const FieldError& e) {
  return {{"field", e.field}, {"rule", e.rule}, {"message", e.message}};
}

FieldError field_error(Status st, const core::Settings& s) {
  const core::Param p = core::error_field(st);
  if (static_cast<std::size_t>(p) >= core::kParamCount) {
    return {"", std::string(errc_name(st.code())), std::string(errc_name(st.code()))};
  }
  const core::Rule rule = core::error_rule(st);
  FieldError e{std::string(core::info(p).name), std::string(core::rule_info(rule).name),
               describe_setting_error(st)};
  if (rule == core::Rule::range || rule == core::Rule::none) {
    const core::Range r = core::allowed_range(p, s);
    const std::string unit(core::unit_info(core::info(p).unit).symbol);
    e.rule = "range";
    e.message = e.field + ": allowed from " + format_display(p, r.min) + " to " +
                format_display(p, r.max) + (unit.empty() ? "" : " " + unit);
  }
  return e;
}

std::variant<std::vector<SettingChange>, FieldError> plan_changes(const core::Settings& current,
                                                                  const nlohmann::json& body) {
  if (!body.is_object() || body.empty())
    return FieldError{"", "bad_value", "expected {name: value, ...}"};
  std::vector<Pending> pending;
  for (const auto& [name, value] : body.items()) {
    const auto p = core::param_from_name(name);
    if (!p) return FieldError{name, "unknown_field", name + ": no such setting"};
    const auto raw = parse_display(*p, value_text(value));
    if (!raw.ok()) return FieldError{name, "bad_value", name + ": not a valid value"};
    pending.push_back({*p, raw.value(), ok_status()});
  }
  core::Settings copy = current;
  std::vector<SettingChange> ordered;
  // Each pass applies what now fits; a pass that applies nothing means the rest never will.
  for (bool progress = true; progress && !pending.empty();) {
    progress = false;
    std::erase_if(pending, [&](Pending& c) {
      c.last = core::apply_change(copy, c.param, c.raw);
      if (!c.last.ok()) return false;
      ordered.push_back({c.param, c.raw});
      progress = true;
      return true;
    });
  }
  if (!pending.empty()) return field_error(pending.front().last, copy);
  return ordered;
}

}  // namespace softbms::host::web
