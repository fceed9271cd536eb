#include "host/web/aggregate.hpp"

#include <cmath>

#include "host/text/snapshot_json.hpp"

namespace softbms::host::web {
namespace {

double round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}
double volts(Millivolts v) {
  return static_cast<double>(v.count()) / 1000.0;
}

struct Extreme {
  Millivolts value{};
  std::string pack;
  int cell = 0;
};

nlohmann::json extreme_json(const Extreme& e) {
  return {{"voltage", volts(e.value)}, {"pack", e.pack}, {"cell", e.cell}};
}

nlohmann::json temperature_range(std::span<const PackState> packs) {
  nlohmann::json lo = nullptr;
  nlohmann::json hi = nullptr;
  for (const auto& p : packs) {
    for (std::size_t i = 1; i < core::kMaxTempSensors; ++i) {
      if ((p.snapshot.temp_present_mask & (1U << i)) == 0) continue;
      const double t = static_cast<double>(p.snapshot.temp[i].count()) / 10.0;
      if (lo.is_null() || t < lo["celsius"].get<double>()) lo = {{"celsius", t}, {"pack", p.id}};
      if (hi.is_null() || t > hi["celsius"].get<double>()) hi = {{"celsius", t}, {"pack", p.id}};
    }
  }
  return {{"min", lo}, {"max", hi}};
}

nlohmann::json summed_json(std::span<const PackState> packs);

}  // namespace

nlohmann::json aggregate_json(std::span<const PackState> packs, const BankSource& bank) {
  if (bank) {
    if (auto view = bank()) return *std::move(view);
  }
  return summed_json(packs);
}

namespace {

nlohmann::json summed_json(std::span<const PackState> packs) {
  int64_t voltage_sum = 0, current = 0, power = 0, remaining = 0, full = 0;
  Extreme lo, hi;
  nlohmann::json alarms = nlohmann::json::array();
  int charging = 0, discharging = 0;
  for (const auto& p : packs) {
    const core::Snapshot& s = p.snapshot;
    voltage_sum += s.pack_voltage.count();
    current += s.current.count();
    power += s.power.count();
    remaining += s.remaining.count();
    full += s.full_capacity.count();
    if (lo.pack.empty() || s.cell_min < lo.value) lo = {s.cell_min, p.id, s.cell_min_index + 1};
    if (hi.pack.empty() || s.cell_max > hi.value) hi = {s.cell_max, p.id, s.cell_max_index + 1};
    for (const auto& name : alarm_names(s.alarms))
      alarms.push_back({{"pack", p.id}, {"alarm", name}});
    charging += s.charge_fet ? 1 : 0;
    discharging += s.discharge_fet ? 1 : 0;
  }
  const auto n = static_cast<int64_t>(packs.size());
  nlohmann::json j = {
      {"packs", n},
      {"voltage",
       n == 0 ? 0.0 : round3(static_cast<double>(voltage_sum) / static_cast<double>(n) / 1000.0)},
      {"current", static_cast<double>(current) / 1000.0},
      {"power", static_cast<double>(power) / 1000.0},
      {"remaining_ah", static_cast<double>(remaining) / 1000.0},
      {"full_capacity_ah", static_cast<double>(full) / 1000.0},
      // By capacity, not by pack: a 100 Ah pack at 10 % beside a 280 Ah pack at 90 % is a
      // bank at 69 %, not 50 %.
      {"soc",
       full == 0 ? 0.0
                 : std::round(static_cast<double>(remaining) * 1000.0 / static_cast<double>(full)) /
                       10.0},
      {"cell_min", n == 0 ? nlohmann::json(nullptr) : extreme_json(lo)},
      {"cell_max", n == 0 ? nlohmann::json(nullptr) : extreme_json(hi)},
      {"cell_delta", n == 0 ? 0.0 : round3(volts(hi.value - lo.value))},
      {"temperatures", temperature_range(packs)},
      {"charging_packs", charging},
      {"discharging_packs", discharging},
      {"alarms", alarms},
  };
  return j;
}

}  // namespace

}  // namespace softbms::host::web
