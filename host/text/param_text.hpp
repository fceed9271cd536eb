// Parameters as people and JSON see them: display units (°C with one decimal for 0.1 °C values)
// and parsing of what a user types. Driven by the settings table only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/base/status.hpp"
#include "core/settings/settings.hpp"
#include "core/settings/validate.hpp"

namespace softbms::host {

// A stored value in the unit users see (0.1 °C -> °C, 0.1 h -> h).
double to_display(core::Param p, int32_t raw);
// Parses what a user typed, in the displayed unit ("3650" for mV, "-12.5" for °C, "on"/"off"
// for flags), into the stored value. Rejects junk and values that do not fit.
Result<int32_t> parse_display(core::Param p, std::string_view text);
std::string format_display(core::Param p, int32_t raw);
// The displayed value as a JSON number: an integer, or one decimal for 0.1-unit values.
nlohmann::json display_json(core::Param p, int32_t raw);

// {name, unit, min, max, defaults: {"li-ion", "lfp", "lto"}, description, ...} for one row,
// with the range narrowed for the given settings' model.
nlohmann::json param_json(const core::ParamInfo& row, const core::Settings& for_model);
// The whole current settings as {name: display value}.
nlohmann::json settings_json(const core::Settings& s);
// "cell_ovpr: cell_uvpr must be below cell_ovpr" for a rejected change.
std::string describe_setting_error(Status st);

}  // namespace softbms::host
