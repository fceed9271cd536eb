#include "host/web/history.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace softbms::host::web {
namespace {

constexpr float kNoValue = std::numeric_limits<float>::quiet_NaN();

float volts(Millivolts v) {
  return static_cast<float>(v.count()) / 1000.0F;
}

bool present(const core::Snapshot& s, std::size_t sensor) {
  return (s.temp_present_mask & (1U << sensor)) != 0;
}

// Battery sensors are T1..T5 (index 1..); the MOS sensor (0) is charted on its own.
std::pair<float, float> battery_temp_range(const core::Snapshot& s) {
  float lo = kNoValue;
  float hi = kNoValue;
  for (std::size_t i = 1; i < core::kMaxTempSensors; ++i) {
    if (!present(s, i)) continue;
    const float t = static_cast<float>(s.temp[i].count()) / 10.0F;
    lo = std::isnan(lo) ? t : std::min(lo, t);
    hi = std::isnan(hi) ? t : std::max(hi, t);
  }
  return {lo, hi};
}

}  // namespace

HistorySample sample_of(int64_t t_ms, const core::Snapshot& s) {
  const auto [tmin, tmax] = battery_temp_range(s);
  HistorySample h;
  h.t_ms = t_ms;
  h.voltage = volts(s.pack_voltage);
  h.current = static_cast<float>(s.current.count()) / 1000.0F;
  h.power = static_cast<float>(s.power.count()) / 1000.0F;
  h.soc = static_cast<float>(s.soc_permille) / 10.0F;
  h.cell_min = volts(s.cell_min);
  h.cell_max = volts(s.cell_max);
  h.cell_delta = volts(s.cell_delta);
  h.temp_mos = present(s, 0) ? static_cast<float>(s.temp[0].count()) / 10.0F : kNoValue;
  h.temp_battery_min = tmin;
  h.temp_battery_max = tmax;
  return h;
}

const SeriesInfo* find_series(std::string_view name) {
  for (const auto& s : kSeries) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

HistoryRing::HistoryRing(std::size_t capacity) : ring_(std::max<std::size_t>(capacity, 1)) {}

void HistoryRing::record(const HistorySample& s) {
  ring_[next_] = s;
  next_ = (next_ + 1) % ring_.size();
  size_ = std::min(size_ + 1, ring_.size());
}

std::vector<HistorySample> HistoryRing::between(int64_t from_ms, int64_t to_ms) const {
  std::vector<HistorySample> out;
  const std::size_t oldest = (next_ + ring_.size() - size_) % ring_.size();
  for (std::size_t i = 0; i < size_; ++i) {
    const HistorySample& s = ring_[(oldest + i) % ring_.size()];
    if (s.t_ms >= from_ms && s.t_ms <= to_ms) out.push_back(s);
  }
  return out;
}

std::vector<HistorySample> downsample(std::span<const HistorySample> in, std::size_t max_points) {
  if (max_points == 0 || in.size() <= max_points) return {in.begin(), in.end()};
  std::vector<HistorySample> out;
  out.reserve(max_points);
  for (std::size_t b = 0; b < max_points; ++b) {
    const std::size_t lo = b * in.size() / max_points;
    const std::size_t hi = (b + 1) * in.size() / max_points;
    HistorySample mean = in[hi - 1];  // the bucket is stamped with its newest time
    for (const auto& series : kSeries) {
      double sum = 0;
      std::size_t n = 0;
      for (std::size_t i = lo; i < hi; ++i) {
        const float v = in[i].*series.member;
        if (std::isnan(v)) continue;
        sum += v;
        ++n;
      }
      mean.*series.member = n == 0 ? kNoValue : static_cast<float>(sum / static_cast<double>(n));
    }
    out.push_back(mean);
  }
  return out;
}

std::optional<nlohmann::json> history_json(std::span<const HistorySample> samples,
                                           std::span<const std::string_view> series) {
  nlohmann::json j = nlohmann::json::object();
  nlohmann::json t = nlohmann::json::array();
  for (const auto& s : samples) t.push_back(static_cast<double>(s.t_ms) / 1000.0);
  j["t"] = std::move(t);
  j["units"] = nlohmann::json::object();
  for (const std::string_view name : series) {
    const SeriesInfo* info = find_series(name);
    if (info == nullptr) return std::nullopt;
    nlohmann::json values = nlohmann::json::array();
    for (const auto& s : samples) {
      const float v = s.*info->member;
      // Rounded to 4 decimals: float noise would otherwise fill the JSON with digits.
      values.push_back(std::isnan(v)
                           ? nlohmann::json(nullptr)
                           : nlohmann::json(std::round(static_cast<double>(v) * 1e4) / 1e4));
    }
    j[std::string(name)] = std::move(values);
    j["units"][std::string(name)] = info->unit;
  }
  return j;
}

nlohmann::json cell_history_json(const CellHistory& h, std::size_t max_points) {
  const std::size_t n = h.t_ms.size();
  const std::size_t buckets = max_points == 0 ? n : std::min(n, max_points);
  const auto bounds = [&](std::size_t b) {
    return std::pair{b * n / buckets, (b + 1) * n / buckets};
  };
  nlohmann::json j = nlohmann::json::object();
  nlohmann::json t = nlohmann::json::array();
  for (std::size_t b = 0; b < buckets; ++b)  // each bucket is stamped with its newest time
    t.push_back(static_cast<double>(h.t_ms[bounds(b).second - 1]) / 1000.0);
  j["t"] = std::move(t);
  j["units"] = nlohmann::json::object();
  for (std::size_t k = 0; k < h.cells.size(); ++k) {
    const std::vector<float>& column = h.cells[k];
    if (column.size() != n ||
        std::all_of(column.begin(), column.end(), [](float v) { return std::isnan(v); }))
      continue;  // a cell this pack does not have
    nlohmann::json values = nlohmann::json::array();
    for (std::size_t b = 0; b < buckets; ++b) {
      const auto [lo, hi] = bounds(b);
      double sum = 0;
      std::size_t count = 0;
      for (std::size_t i = lo; i < hi; ++i) {
        if (std::isnan(column[i])) continue;
        sum += column[i];
        ++count;
      }
      // Rounded to 0.1 mV, as history_json does.
      values.push_back(
          count == 0 ? nlohmann::json(nullptr)
                     : nlohmann::json(std::round(sum / static_cast<double>(count) * 1e4) / 1e4));
    }
    const std::string name = "cell_" + std::to_string(k + 1);
    j[name] = std::move(values);
    j["units"][name] = "V";
  }
  return j;
}

}  // namespace softbms::host::web
