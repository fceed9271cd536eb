// Time series for the dashboard's charts: one sample per second per pack, the series users
// chart (voltage, current, SOC, cell spread, temperatures), and a bounded in-memory ring.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/io/snapshot.hpp"

namespace softbms::host::web {

// Display units (V, A, W, %, °C) as floats: charts need no integer exactness. NaN = no value
// (an absent temperature sensor).
struct HistorySample {
  int64_t t_ms = 0;  // Unix time
  float voltage = 0;
  float current = 0;
  float power = 0;
  float soc = 0;
  float cell_min = 0;
  float cell_max = 0;
  float cell_delta = 0;
  float temp_mos = 0;
  float temp_battery_min = 0;
  float temp_battery_max = 0;
};

HistorySample sample_of(int64_t t_ms, const core::Snapshot& s);

struct SeriesInfo {
  std::string_view name;
  std::string_view unit;
  float HistorySample::*member;
};
// clang-format off
inline constexpr SeriesInfo kSeries[] = {
    {"voltage", "V", &HistorySample::voltage},
    {"current", "A", &HistorySample::current},
    {"power", "W", &HistorySample::power},
    {"soc", "%", &HistorySample::soc},
    {"cell_min", "V", &HistorySample::cell_min},
    {"cell_max", "V", &HistorySample::cell_max},
    {"cell_delta", "V", &HistorySample::cell_delta},
    {"temp_mos", "°C", &HistorySample::temp_mos},
    {"temp_battery_min", "°C", &HistorySample::temp_battery_min},
    {"temp_battery_max", "°C", &HistorySample::temp_battery_max},
};
// clang-format on
const SeriesInfo* find_series(std::string_view name);

// The newest `capacity` samples; older ones are overwritten.
class HistoryRing {
 public:
  explicit HistoryRing(std::size_t capacity = 86'400);
  void record(const HistorySample& s);
  [[nodiscard]] std::size_t size() const { return size_; }
  // Samples with from_ms <= t_ms <= to_ms, oldest first.
  [[nodiscard]] std::vector<HistorySample> between(int64_t from_ms, int64_t to_ms) const;

 private:
  std::vector<HistorySample> ring_;
  std::size_t next_ = 0;
  std::size_t size_ = 0;
};

// Keeps at most max_points samples by averaging neighbours into buckets, so a day of 1 s
// samples stays a small response while spikes still move the bucket mean.
std::vector<HistorySample> downsample(std::span<const HistorySample> in, std::size_t max_points);

// {"t": [Unix seconds...], "units": {name: unit}, name: [values...]} (uPlot's column layout),
// null for NaN. nullopt when a name is not a series.
std::optional<nlohmann::json> history_json(std::span<const HistorySample> samples,
                                           std::span<const std::string_view> series);

// Every cell's voltage (V) over time. Only a stored history has it (the ring keeps no cells, to
// stay small): cells[k] is cell k+1's column, NaN where it has no value.
struct CellHistory {
  std::vector<int64_t> t_ms;  // Unix time, oldest first
  std::vector<std::vector<float>> cells;
};

// {"t": [Unix seconds...], "units": {"cell_N": "V"}, "cell_N": [values...]} for the cells that
// have a value in the window, at most max_points rows by averaging buckets as downsample() does.
nlohmann::json cell_history_json(const CellHistory& h, std::size_t max_points);

}  // namespace softbms::host::web
