// A settings form submission ({name: value, ...} in display units) checked as a whole before
// anything is sent to the board: every value parsed, every range and rule checked on a copy.
// Changes are ordered so that fields that move together (raising cell_ovp and cell_ovpr in one
// save) pass whatever order the form lists them in.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/status.hpp"
#include "core/settings/settings.hpp"

namespace softbms::host::web {

struct SettingChange {
  core::Param param;
  int32_t raw;
};

// What the dashboard shows at the field: {field, rule, message}.
struct FieldError {
  std::string field;
  std::string rule;  // a core Rule name ("range", "uvpr_below_ovpr"), or bad_value / unknown_field
  std::string message;
};
nlohmann::json to_json(const FieldError& e);
FieldError field_error(Status st, const core::Settings& s);

// The changes in an order that applies cleanly, or the first field that cannot be set.
std::variant<std::vector<SettingChange>, FieldError> plan_changes(const core::Settings& current,
                                                                  const nlohmann::json& body);

}  // namespace softbms::host::web
