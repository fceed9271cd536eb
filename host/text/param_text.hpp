// Parameters as people and JSON see them: display units (°C with one decimal for 0.1 °C values)
// and parsing of what a user types. Driven by the settings table only.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// A unit a value may be written in: its symbol and how many stored units one of it is
// (V for a mV parameter: 1000).
struct DisplayUnit {
  std::string_view symbol;
  double stored_per = 1;
};
// The unit the settings table shows for the parameter (mV, °C, ...).
DisplayUnit table_unit(core::Param p);
// The unit the JK app shows values of a stored unit in (V for mV, A for mA, Ah for mAh, °C for
// 0.1 °C, µs, mΩ ...): what Home Assistant's numbers use. nullopt for units it shows no number
// in (ppm factors, choices, flags, masks).
std::optional<DisplayUnit> app_unit(core::Unit u);
// "3.65 V": a stored value in the given unit, with as many decimals as it needs.
std::string format_in(core::Param p, int32_t raw, DisplayUnit unit);

// A value as people type it, with or without a unit: "3.65V", "3650mV", "10A", "30s", "2min",
// "-5°C", "on". A bare number for a mV, mA or mAh parameter may be in that unit or in V, A or
// Ah (as the JK app shows them): the reading inside the parameter's range is taken; when both
// are, the value is refused as ambiguous. A value outside the range is returned (in the unit
// written) for the validation against the board's model to refuse with that model's range.
// On failure `error` says why, naming the parameter and the value (docs/cli.md).
struct TypedValue {
  std::optional<int32_t> raw;
  DisplayUnit unit;      // the unit written, or the one a bare number was read in
  std::string error;     // empty when raw holds a value
  bool outside = false;  // a number in a known unit, outside the range (else: not a value)
};
TypedValue parse_typed(core::Param p, std::string_view text);
// The displayed value as a JSON number: an integer, or one decimal for 0.1-unit values.
nlohmann::json display_json(core::Param p, int32_t raw);

// The chemistries a model supports, in table order (no LTO on a B2A8S20P).
std::vector<core::Chemistry> model_chemistries(core::ModelId model);
// A chemistry's preset on the settings' model, with the cell count moved into that chemistry's
// range on the model when it is outside.
core::Settings model_preset(core::Chemistry chemistry, const core::Settings& for_model);
// {name, unit, min, max, defaults: {chemistry: value}, description, ...} for one row, with the
// range narrowed for the given settings' model and chemistry; defaults only for the chemistries
// the model supports, and range_by_chemistry where the range depends on the chemistry.
nlohmann::json param_json(const core::ParamInfo& row, const core::Settings& for_model);
// The whole current settings as {name: display value}.
nlohmann::json settings_json(const core::Settings& s);
// "cell_ovpr: cell_uvpr must be below cell_ovpr" for a rejected change.
std::string describe_setting_error(Status st);

}  // namespace softbms::host
