#include "host/history/series.hpp"

#include <algorithm>
#include <array>

namespace softbms::host::history {
namespace {

using Value = std::optional<double>;

double v(Millivolts x) {
  return x.count() / 1000.0;
}
double a(Milliamps x) {
  return x.count() / 1000.0;
}

bool temp_present(const core::Snapshot& s, std::size_t i) {
  return (s.temp_present_mask & (1u << i)) != 0;
}

// The battery sensors (T1..T5) that are present, lowest or highest.
Value battery_temp(const core::Snapshot& s, bool highest) {
  Value out;
  for (std::size_t i = 1; i < core::kMaxTempSensors; ++i) {
    if (!temp_present(s, i)) continue;
    const double t = s.temp[i].count() / 10.0;
    if (!out || (highest ? t > *out : t < *out)) out = t;
  }
  return out;
}

struct Row {
  std::string_view name;
  std::string_view unit;
  Value (*get)(const core::Snapshot&);
};
// clang-format off
constexpr std::array kFixed = {
  Row{"voltage", "V", [](const core::Snapshot& s) -> Value { return v(s.pack_voltage); }},
  Row{"current", "A", [](const core::Snapshot& s) -> Value { return a(s.current); }},
  Row{"power", "W", [](const core::Snapshot& s) -> Value { return static_cast<double>(s.power.count()) / 1000.0; }},
  Row{"soc", "%", [](const core::Snapshot& s) -> Value { return s.soc_permille / 10.0; }},
  Row{"cell_min", "V", [](const core::Snapshot& s) -> Value { return v(s.cell_min); }},
  Row{"cell_max", "V", [](const core::Snapshot& s) -> Value { return v(s.cell_max); }},
  Row{"cell_avg", "V", [](const core::Snapshot& s) -> Value { return v(s.cell_avg); }},
  Row{"cell_delta", "V", [](const core::Snapshot& s) -> Value { return v(s.cell_delta); }},
  Row{"temp_mos", "°C", [](const core::Snapshot& s) -> Value { return temp_present(s, 0) ? Value(s.temp[0].count() / 10.0) : Value(); }},
  Row{"temp_battery_min", "°C", [](const core::Snapshot& s) { return battery_temp(s, false); }},
  Row{"temp_battery_max", "°C", [](const core::Snapshot& s) { return battery_temp(s, true); }},
  Row{"balance_current", "A", [](const core::Snapshot& s) -> Value { return a(s.balance_current); }},
  Row{"remaining_ah", "Ah", [](const core::Snapshot& s) -> Value { return static_cast<double>(s.remaining.count()) / 1000.0; }},
  Row{"charged_energy_wh", "Wh", [](const core::Snapshot& s) -> Value { return static_cast<double>(s.charged_energy.count()) / 1000.0; }},
  Row{"discharged_energy_wh", "Wh", [](const core::Snapshot& s) -> Value { return static_cast<double>(s.discharged_energy.count()) / 1000.0; }},
  // 0/1; a downsampled average is the fraction of time the FET was on.
  Row{"charge_fet", "", [](const core::Snapshot& s) -> Value { return s.charge_fet ? 1.0 : 0.0; }},
  Row{"discharge_fet", "", [](const core::Snapshot& s) -> Value { return s.discharge_fet ? 1.0 : 0.0; }},
};
// clang-format on

std::vector<SeriesInfo> make_series() {
  std::vector<SeriesInfo> out;
  for (const auto& r : kFixed) out.push_back({std::string(r.name), std::string(r.unit)});
  for (std::size_t i = 1; i <= core::kMaxCells; ++i)
    out.push_back({"cell_" + std::to_string(i), "V"});
  return out;
}

}  // namespace

const std::vector<SeriesInfo>& all_series() {
  static const std::vector<SeriesInfo> series = make_series();
  return series;
}

std::optional<std::size_t> series_index(std::string_view name) {
  const auto& all = all_series();
  const auto it =
      std::find_if(all.begin(), all.end(), [&](const SeriesInfo& s) { return s.name == name; });
  if (it == all.end()) return std::nullopt;
  return static_cast<std::size_t>(it - all.begin());
}

std::vector<std::optional<double>> series_values(const core::Snapshot& s) {
  std::vector<std::optional<double>> out;
  out.reserve(all_series().size());
  for (const auto& r : kFixed) out.push_back(r.get(s));
  for (std::size_t i = 0; i < core::kMaxCells; ++i) {
    const bool present = (s.cell_present_mask & (uint32_t{1} << i)) != 0;
    out.push_back(present ? Value(v(s.cell[i])) : Value());
  }
  return out;
}

}  // namespace softbms::host::history
