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
  if (ec != std::errc() || ptr != end || !std::isfinite(v)) return Status(Errc::bad_value, static_cast<uint16_t>(p));
  const double scaled = std::round(v * div);
  if (std::fabs(scaled - v * div) > 1e-6) return Status(Errc::bad_value, static_cast<uint16_t>(p));
  if (scaled < -2.0e9 || scaled > 2.0e9) return Status(Errc::out_of_range, static_cast<uint16_t>(p));
  return static_cast<int32_t>(scaled);
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
  for (const auto& row : core::kParams) j[std::string(row.name)] = display_json(row.id, s.raw(row.id));
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
