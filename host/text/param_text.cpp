#include "host/text/param_text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

namespace softbms::host {
using core::info;
using core::Param;

double to_display(Param p, int32_t raw) {
  return static_cast<double>(raw) / core::unit_info(info(p).unit).display_divisor;
}

std::string format_display(Param p, int32_t raw) {
  const int32_t div = core::unit_info(info(p).unit).display_divisor;
  if (info(p).unit == core::Unit::flag) return raw != 0 ? "on" : "off";
  if (div == 1) return std::to_string(raw);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", to_display(p, raw));
  return buf;
}

Result<int32_t> parse_display(Param p, std::string_view text) {
  const core::ParamInfo& row = info(p);
  if (row.unit == core::Unit::flag) {
    if (text == "on" || text == "1" || text == "true") return 1;
    if (text == "off" || text == "0" || text == "false") return 0;
    return Status(Errc::bad_value, static_cast<uint16_t>(p));
  }
  const int32_t div = core::unit_info(row.unit).display_divisor;
  double v = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || !std::isfinite(v))
    return Status(Errc::bad_value, static_cast<uint16_t>(p));
  const double scaled = std::round(v * div);
  if (std::fabs(scaled - v * div) > 1e-6) return Status(Errc::bad_value, static_cast<uint16_t>(p));
  if (scaled < -2.0e9 || scaled > 2.0e9)
    return Status(Errc::out_of_range, static_cast<uint16_t>(p));
  return static_cast<int32_t>(scaled);
}

namespace {

// The units a value may be written in, per stored unit. `bare`: a number without a unit may
// be in it: the table's own unit, and for mV, mA and mAh the JK app's V, A and Ah. `app`: the
// unit the JK app shows such values in (one per stored unit; app_unit(), MQTT's numbers).
struct UnitAlias {
  core::Unit unit;
  DisplayUnit shown;
  bool bare = false;
  bool app = false;
};
// clang-format off
constexpr UnitAlias kUnitAliases[] = {
    {core::Unit::mV, {"mV", 1}, true},            {core::Unit::mV, {"V", 1000}, true, true},
    {core::Unit::mA, {"mA", 1}, true},            {core::Unit::mA, {"A", 1000}, true, true},
    {core::Unit::mAh, {"mAh", 1}, true},          {core::Unit::mAh, {"Ah", 1000}, true, true},
    {core::Unit::s, {"s", 1}, true, true},        {core::Unit::s, {"min", 60}},
    {core::Unit::s, {"h", 3600}},                 {core::Unit::ms, {"ms", 1}, true, true},
    {core::Unit::ms, {"s", 1000}},                {core::Unit::us, {"us", 1}, true},
    {core::Unit::us, {"µs", 1}, false, true},     {core::Unit::us, {"ms", 1000}},
    {core::Unit::deci_celsius, {"°C", 10}, true, true}, {core::Unit::deci_celsius, {"C", 10}},
    {core::Unit::h, {"h", 1}, true, true},        {core::Unit::min, {"min", 1}, true, true},
    {core::Unit::min, {"h", 60}},                 {core::Unit::deci_hour, {"h", 10}, true, true},
    {core::Unit::percent, {"%", 1}, true, true},  {core::Unit::mohm, {"mOhm", 1}, true},
    {core::Unit::mohm, {"mΩ", 1}, false, true},   {core::Unit::mohm, {"Ohm", 1000}},
    {core::Unit::mohm, {"Ω", 1000}},              {core::Unit::ppm, {"ppm", 1}, true},
    {core::Unit::count, {"", 1}, true, true},     {core::Unit::choice, {"", 1}, true},
};
// clang-format on

bool same_letters(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// v in `unit` as a stored value, when it is a whole number of stored units.
std::optional<int32_t> stored(double v, DisplayUnit unit) {
  const double x = v * unit.stored_per;
  const double r = std::round(x);
  if (std::fabs(r - x) > 1e-6 * std::max(1.0, std::fabs(x)) || r < -2.0e9 || r > 2.0e9)
    return std::nullopt;
  return static_cast<int32_t>(r);
}

std::string range_in(Param p, DisplayUnit unit) {
  const core::ParamInfo& row = info(p);
  return format_in(p, row.min, unit).substr(0, format_in(p, row.min, unit).find(' ')) + ".." +
         format_in(p, row.max, unit);
}

}  // namespace

std::optional<DisplayUnit> app_unit(core::Unit u) {
  for (const auto& a : kUnitAliases) {
    if (a.unit == u && a.app) return a.shown;
  }
  return std::nullopt;
}

DisplayUnit table_unit(Param p) {
  const core::UnitInfo& u = core::unit_info(info(p).unit);
  return {u.symbol, static_cast<double>(u.display_divisor)};
}

std::string format_in(Param p, int32_t raw, DisplayUnit unit) {
  const double v = raw / unit.stored_per;
  char buf[48];
  // Enough decimals to show the stored value exactly (3650 mV = 3.65 V), trailing zeros cut.
  std::snprintf(buf, sizeof buf, "%.6f", v);
  std::string out = buf;
  out.erase(out.find_last_not_of('0') + 1);
  if (out.back() == '.') out.pop_back();
  if (info(p).unit == core::Unit::flag) out = raw != 0 ? "on" : "off";
  return unit.symbol.empty() ? out : out + " " + std::string(unit.symbol);
}

TypedValue parse_typed(Param p, std::string_view text) {
  const core::ParamInfo& row = info(p);
  const std::string name(row.name);
  TypedValue out{std::nullopt, table_unit(p), ""};
  if (row.unit == core::Unit::flag) {
    constexpr std::string_view kOn[] = {"on", "1", "true"};
    constexpr std::string_view kOff[] = {"off", "0", "false"};
    for (auto w : kOn) {
      if (same_letters(text, w)) out.raw = 1;
    }
    for (auto w : kOff) {
      if (same_letters(text, w)) out.raw = 0;
    }
    if (!out.raw) out.error = name + ": '" + std::string(text) + "' is not on or off";
    return out;
  }
  double v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  std::string_view suffix(ptr, static_cast<std::size_t>(end - ptr));
  while (!suffix.empty() && suffix.front() == ' ') suffix.remove_prefix(1);
  if (ec != std::errc() || ptr == text.data() || !std::isfinite(v)) {
    out.error = name + ": '" + std::string(text) + "' is not a number";
    return out;
  }
  std::vector<DisplayUnit> readings;  // what the text may mean
  std::string accepted;
  for (const auto& a : kUnitAliases) {
    if (a.unit != row.unit) continue;
    if (!a.shown.symbol.empty())
      accepted += (accepted.empty() ? "" : ", ") + std::string(a.shown.symbol);
    if (suffix.empty() ? a.bare : same_letters(suffix, a.shown.symbol)) readings.push_back(a.shown);
  }
  if (readings.empty()) {
    out.error = name + ": '" + std::string(text) + "': unknown unit '" + std::string(suffix) +
                "' (" + (accepted.empty() ? "a plain number" : accepted) + ")";
    return out;
  }
  std::vector<std::pair<DisplayUnit, int32_t>> fits;
  for (const DisplayUnit& u : readings) {
    const auto raw = stored(v, u);
    if (raw && *raw >= row.min && *raw <= row.max) fits.emplace_back(u, *raw);
  }
  if (fits.size() == 1) {
    out.unit = fits[0].first;
    out.raw = fits[0].second;
    return out;
  }
  if (fits.size() > 1) {
    out.error = name + ": '" + std::string(text) + "' could be " +
                format_in(p, fits[0].second, fits[0].first) + " or " +
                format_in(p, fits[1].second, fits[1].first) + "; write the unit";
    return out;
  }
  // Nothing fits: the value in the unit written (for a bare number the likelier one), for the
  // validation against the board's own range to refuse with that range in this unit.
  DisplayUnit u = readings.front();
  if (suffix.empty() && readings.size() > 1 && text.find('.') != std::string_view::npos)
    u = readings[1];
  out.unit = u;
  out.raw = stored(v, u);
  if (!out.raw) {
    out.error = name + ": " + std::string(text) + " is not a whole number of " +
                std::string(table_unit(p).symbol) + " or far outside " + range_in(p, u);
    out.outside = true;
  }
  return out;
}

nlohmann::json display_json(Param p, int32_t raw) {
  if (core::unit_info(info(p).unit).display_divisor == 1) return raw;
  return to_display(p, raw);
}

std::vector<core::Chemistry> model_chemistries(core::ModelId model) {
  std::vector<core::Chemistry> out;
  for (std::size_t c = 0; c < core::kChemistryCount; ++c) {
    if (core::model(model).cells[c].supported()) out.push_back(static_cast<core::Chemistry>(c));
  }
  return out;
}

core::Settings model_preset(core::Chemistry chemistry, const core::Settings& for_model) {
  const core::CellRange cells =
      core::model(for_model.model_id()).cells[static_cast<std::size_t>(chemistry)];
  const int32_t n = std::clamp<int32_t>(for_model.cells(), cells.min, cells.max);
  return core::Settings::preset(chemistry, for_model.model_id(), n);
}

nlohmann::json param_json(const core::ParamInfo& row, const core::Settings& for_model) {
  const core::Range r = core::allowed_range(row.id, for_model);
  nlohmann::json defaults = nlohmann::json::object();
  nlohmann::json ranges = nlohmann::json::object();
  bool ranges_differ = false;
  for (const core::Chemistry c : model_chemistries(for_model.model_id())) {
    const auto preset = model_preset(c, for_model);
    const std::string name(core::kChemistryNames[static_cast<std::size_t>(c)]);
    defaults[name] = display_json(row.id, preset.raw(row.id));
    const core::Range cr = core::allowed_range(row.id, preset);
    ranges[name] = {display_json(row.id, cr.min), display_json(row.id, cr.max)};
    ranges_differ = ranges_differ || cr.min != r.min || cr.max != r.max;
  }
  nlohmann::json j = {
      {"name", row.name},
      {"unit", core::unit_info(row.unit).symbol},
      {"min", display_json(row.id, r.min)},
      {"max", display_json(row.id, r.max)},
      {"defaults", defaults},
      {"description", row.help},
  };
  // cell_count: 3-8 Li-ion, 4-8 LFP on a B2A8S20P; min/max are for the settings' chemistry.
  if (ranges_differ) j["range_by_chemistry"] = ranges;
  if ((row.flags & core::kPerCell) != 0) j["per_cell_default"] = true;
  if ((row.flags & core::kSwitch) != 0) j["switch"] = true;
  // Calibration factors and the DIP address: shown, but no interface writes them directly;
  // factory values (MOS OTP/OTPR) not at all.
  if ((row.flags & (core::kSetByItsCommand | core::kFactoryFixed)) != 0) j["read_only"] = true;
  if ((row.flags & core::kFactoryFixed) != 0) j["factory_fixed"] = true;
  return j;
}

nlohmann::json settings_json(const core::Settings& s) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& row : core::kParams)
    j[std::string(row.name)] = display_json(row.id, s.raw(row.id));
  return j;
}

std::string describe_setting_error(Status st) {
  if (st.ok()) return "ok";
  const Param field = core::error_field(st);
  const core::Rule rule = core::error_rule(st);
  std::string out(info(field).name);
  out += ": ";
  if (rule == core::Rule::range || rule == core::Rule::none) {
    out += std::string(errc_name(st.code()));
  } else {
    out += std::string(core::rule_info(rule).text);
    out += " (rule ";
    out += std::string(core::rule_info(rule).name);
    out += ")";
  }
  return out;
}

}  // namespace softbms::host
