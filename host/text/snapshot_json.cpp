#include "host/text/snapshot_json.hpp"

#include <cmath>

#include "core/io/alarm.hpp"
#include "core/store/layout.hpp"

namespace softbms::host {
namespace {

// Rounds to the resolution of the source (mV -> 0.001 V) so JSON shows no float noise.
double scaled(int64_t v, double div) { return std::round(static_cast<double>(v)) / div; }
double volts(Millivolts v) { return scaled(v.count(), 1000.0); }
double amps(Milliamps i) { return scaled(i.count(), 1000.0); }
double celsius(DeciCelsius t) { return scaled(t.count(), 10.0); }
double amp_hours(MilliampHours q) { return scaled(q.count(), 1000.0); }

constexpr const char* kBalanceStates[] = {"off", "charging_cell", "discharging_cell"};
constexpr const char* kPowerStates[] = {"on", "sleeping", "shut_down"};
constexpr const char* kTimers[] = {"discharge_ocp", "discharge_scp", "charge_ocp", "charge_scp", "uvp", "ovp"};

nlohmann::json cells_json(const core::Snapshot& s) {
  nlohmann::json cells = nlohmann::json::array();
  for (std::size_t i = 0; i < core::kMaxCells; ++i) {
    if ((s.cell_present_mask & (uint32_t{1} << i)) == 0) continue;
    cells.push_back({{"index", i + 1},
                     {"voltage", volts(s.cell[i])},
                     {"wire_resistance_ohm", scaled(s.wire_resistance[i].count(), 1000.0)},
                     {"wire_alarm", (s.wire_alarm_mask & (uint32_t{1} << i)) != 0}});
  }
  return cells;
}

nlohmann::json temps_json(const core::Snapshot& s) {
  nlohmann::json t = nlohmann::json::object();
  const auto present = [&](std::size_t i) { return (s.temp_present_mask & (1u << i)) != 0; };
  t["mos"] = present(0) ? nlohmann::json(celsius(s.temp[0])) : nlohmann::json(nullptr);
  for (std::size_t i = 1; i < core::kMaxTempSensors; ++i) {
    t["t" + std::to_string(i)] = present(i) ? nlohmann::json(celsius(s.temp[i])) : nlohmann::json(nullptr);
  }
  return t;
}

}  // namespace

nlohmann::json alarm_names(uint32_t mask) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& a : core::kAlarms) {
    if ((mask & core::alarm_mask(a.bit)) != 0) names.push_back(a.name);
  }
  return names;
}

nlohmann::json snapshot_json(const core::Snapshot& s) {
  nlohmann::json lost = nlohmann::json::array();
  for (const auto& r : core::kRecords) {
    if ((s.store_damage & (1u << static_cast<unsigned>(r.id))) != 0) lost.push_back(r.name);
  }
  nlohmann::json timers = nlohmann::json::object();
  for (std::size_t i = 0; i < s.release_timer_s.size(); ++i) timers[kTimers[i]] = s.release_timer_s[i];
  return {
      {"uptime_s", s.uptime.count() / 1000},
      {"voltage", volts(s.pack_voltage)},
      {"current", amps(s.current)},
      {"power", scaled(s.power.count(), 1000.0)},
      {"soc", s.soc_percent},
      {"soc_permille", s.soc_permille},
      {"soc_method", s.soc_method == 1 ? "model" : "coulomb"},
      {"soc_coulomb_permille", s.soc_coulomb_permille},
      {"soc_model_permille", s.soc_model_permille},
      {"soc_model_sigma_permille", s.soc_model_sigma_permille},
      {"model_resistance_mohm", scaled(s.model_r0.count(), 1000.0)},
      {"model_current_offset", amps(s.model_current_offset)},
      {"model_capacity_ah", amp_hours(s.model_capacity)},
      {"model_soh", scaled(s.model_soh_permille, 10.0)},
      {"remaining_ah", amp_hours(s.remaining)},
      {"full_capacity_ah", amp_hours(s.full_capacity)},
      {"design_capacity_ah", amp_hours(s.design_capacity)},
      {"cycles", s.cycles},
      {"cycle_capacity_ah", amp_hours(s.cycle_capacity)},
      {"soh", s.soh_percent},
      {"runtime_s", s.runtime.count()},
      {"power_on_count", s.power_on_count},
      {"charged_energy_wh", scaled(s.charged_energy.count(), 1000.0)},
      {"discharged_energy_wh", scaled(s.discharged_energy.count(), 1000.0)},
      {"cell_count", s.cell_count},
      {"cells", cells_json(s)},
      {"cell_avg", volts(s.cell_avg)},
      {"cell_delta", volts(s.cell_delta)},
      {"cell_min", volts(s.cell_min)},
      {"cell_max", volts(s.cell_max)},
      {"cell_min_index", s.cell_min_index + 1},
      {"cell_max_index", s.cell_max_index + 1},
      {"temperatures", temps_json(s)},
      {"charge_fet", s.charge_fet},
      {"discharge_fet", s.discharge_fet},
      {"precharge", s.precharge},
      {"balancing", kBalanceStates[static_cast<int>(s.balance_state)]},
      {"balance_current", amps(s.balance_current)},
      {"balance_source", s.balance_source == core::kNoCell ? nlohmann::json(nullptr)
                                                           : nlohmann::json(s.balance_source + 1)},
      {"balance_sink", s.balance_sink == core::kNoCell ? nlohmann::json(nullptr)
                                                       : nlohmann::json(s.balance_sink + 1)},
      {"heater", s.heater},
      {"heater_current", amps(s.heater_current)},
      {"buzzer", s.buzzer},
      {"dry_contact1", s.dry_contact1},
      {"dry_contact2", s.dry_contact2},
      {"alarm_bits", s.alarms},
      {"alarms", alarm_names(s.alarms)},
      {"release_timers_s", timers},
      {"power_state", kPowerStates[static_cast<int>(s.power_state)]},
      {"store_lost", lost},
      {"sleep_countdown_s", s.sleep_countdown.count()},
      {"emergency_remaining_s", s.emergency_remaining.count()},
      {"charger_present", s.charger_present},
      {"charge_stage", kChargeStageNames[static_cast<std::size_t>(s.charge_stage)]},
      {"capacity_learning", s.capacity_learning},
      {"charge_voltage_limit", volts(s.charge_voltage_limit)},
      {"charge_current_limit", amps(s.charge_current_limit)},
      {"discharge_current_limit", amps(s.discharge_current_limit)},
      {"discharge_voltage_limit", volts(s.discharge_voltage_limit)},
      {"request_charge", s.request_charge},
      {"request_discharge", s.request_discharge},
      {"request_force_charge", s.request_force_charge},
      {"request_full_charge", s.request_full_charge},
  };
}

}  // namespace softbms::host
