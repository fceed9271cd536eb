#include "core/parallel/pack_allowance.hpp"

#include "core/charge/charge_limits.hpp"

namespace softbms::core {
namespace {

constexpr uint8_t kBatterySensors = 0x3E;  // T1..T5

struct TempRange {
  bool valid = false;
  DeciCelsius min{};
  DeciCelsius max{};
};

TempRange battery_range(const Snapshot& s) {
  TempRange r;
  for (std::size_t i = 1; i < kMaxTempSensors; ++i) {
    if ((s.temp_present_mask & (1U << i)) == 0) continue;
    if (!r.valid || s.temp[i] < r.min) r.min = s.temp[i];
    if (!r.valid || s.temp[i] > r.max) r.max = s.temp[i];
    r.valid = true;
  }
  return r;
}

}  // namespace

Measured measured_from(const Snapshot& s, const Settings& settings) {
  Measured m;
  m.cell = s.cell;
  m.present_mask = s.cell_present_mask;
  m.cells_present = s.cell_count;
  m.cells_expected = static_cast<uint8_t>(settings.cells());
  m.max = s.cell_max;
  m.min = s.cell_min;
  m.avg = s.cell_avg;
  m.delta = s.cell_delta;
  m.max_index = s.cell_max_index;
  m.min_index = s.cell_min_index;
  m.pack = s.pack_voltage;
  m.current = s.current;
  m.temp = s.temp;
  m.temp_present_mask = s.temp_present_mask;
  const TempRange battery = battery_range(s);
  m.battery_temp_valid = battery.valid && (s.temp_present_mask & kBatterySensors) != 0;
  m.battery_min = battery.min;
  m.battery_max = battery.max;
  m.mos_temp_valid = (s.temp_present_mask & 1U) != 0;
  m.mos = s.temp[kMosSensor];
  m.charger_present = s.charger_present;
  m.charge_fet_readback = s.charge_fet;
  m.discharge_fet_readback = s.discharge_fet;
  return m;
}

PackAllowance pack_allowance(const Snapshot& s, const Settings& settings) {
  const Measured m = measured_from(s, settings);
  const bool charge_off = !s.charge_fet || (s.alarms & kChargeStopAlarms) != 0;
  const bool discharge_off = !s.discharge_fet || (s.alarms & kDischargeStopAlarms) != 0;
  const ChargeInputs in{s.soc_percent, s.alarms, charge_off, discharge_off};
  const CurrentLimit ccl = charge_current_target(m, in, settings);
  const CurrentLimit dcl = discharge_current_target(m, in, settings);

  PackAllowance a;
  a.limits.charge_voltage = charge_voltage_target(s.charge_stage, m, settings);
  a.limits.charge_current = ccl.current;
  a.limits.discharge_current = dcl.current;
  a.limits.discharge_voltage = discharge_voltage_target(settings);
  a.charge_ceiling = charge_ceiling(settings);
  a.discharge_ceiling = discharge_ceiling(settings);
  a.blocks_charge = charge_off;
  a.blocks_discharge = discharge_off;
  a.charge_limiter = ccl.limiter;
  a.discharge_limiter = dcl.limiter;
  return a;
}

}  // namespace softbms::core
