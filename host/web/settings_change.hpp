// A settings form submission ({name: value, ...} in display units) decoded into one set of
// changes. Decoding only: names and values are parsed here; ranges and rules are the core's,
// which applies the whole set as one step (core::Bms::apply(SettingsChange)), all or nothing.
#pragma once

#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "core/base/status.hpp"
#include "core/settings/change.hpp"
#include "core/settings/settings.hpp"

namespace softbms::host::web {

// What the dashboard shows at the field: {field, rule, message}.
struct FieldError {
  std::string field;
  std::string rule;  // a core Rule name ("range", "uvpr_below_ovpr"), or bad_value / unknown_field
  std::string message;
};
nlohmann::json to_json(const FieldError& e);
FieldError field_error(Status st, const core::Settings& s);

// The set of changes, or the first field that is unknown or not a value.
std::variant<core::ChangeList, FieldError> parse_changes(const nlohmann::json& body);

}  // namespace softbms::host::web
