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

std::variant<core::ChangeList, FieldError> parse_changes(const nlohmann::json& body) {
  if (!body.is_object() || body.empty())
    return FieldError{"", "bad_value", "expected {name: value, ...}"};
  core::ChangeList changes;
  for (const auto& [name, value] : body.items()) {
    const auto p = core::param_from_name(name);
    if (!p) return FieldError{name, "unknown_field", name + ": no such setting"};
    const auto raw = parse_display(*p, value_text(value));
    if (!raw.ok()) return FieldError{name, "bad_value", name + ": not a valid value"};
    static_cast<void>(changes.set(*p, raw.value()));  // a table Param
  }
  return changes;
}

}  // namespace softbms::host::web
