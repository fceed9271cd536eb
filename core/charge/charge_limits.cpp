#include "core/charge/charge_limits.hpp"

#include <algorithm>
#include <array>

namespace softbms::core {
namespace {

struct Factor {
  Limiter limiter;
  int32_t permille;
};

template <std::size_t N>
CurrentLimit apply(Milliamps ceiling, const std::array<Factor, N>& factors) {
  Factor least{Limiter::ceiling, kFull};
  for (const Factor& f : factors) {
    if (f.permille < least.permille) least = f;
  }
  const int64_t ma = int64_t{ceiling.count()} * least.permille / kFull;
  return {Milliamps(static_cast<int32_t>(ma)), least.limiter};
}

int32_t cold_factor(DeciCelsius t, DeciCelsius utp) {
  return ramp_permille(t.count(), utp.count(), (utp + kTemperatureRamp).count());
}
int32_t hot_factor(DeciCelsius t, DeciCelsius otp) {
  return ramp_permille(t.count(), otp.count(), (otp - kTemperatureRamp).count());
}
int32_t mos_factor(const Measured& m, const Settings& s) {
  return m.mos_temp_valid ? hot_factor(m.mos, s.temp(Param::mos_otp)) : kFull;
}
Milliamps with_margin(Milliamps ocp) {
  return Milliamps(static_cast<int32_t>(int64_t{ocp.count()} * (100 - kOcpMarginPercent) / 100));
}

}  // namespace

Milliamps charge_ceiling(const Settings& s) {
  return with_margin(s.ma(Param::charge_ocp_current));
}
Milliamps discharge_ceiling(const Settings& s) {
  return with_margin(s.ma(Param::discharge_ocp_current));
}

CurrentLimit charge_current_target(const Measured& m, const ChargeInputs& in, const Settings& s) {
  if (in.charge_blocked || (in.alarms & kChargeStopAlarms) != 0 || !s.on(Param::charge_enabled)) {
    return {Milliamps(0), Limiter::protection};
  }
  const Millivolts ovp = s.mv(Param::cell_ovp);
  const int32_t voltage = ramp_permille(m.max.count(), (ovp - kChargeStopMargin).count(),
                                        (ovp - kChargeTaperWindow).count());
  // Charging a cell whose temperature nobody reads is the one case we refuse outright.
  const bool sensors_off = s.on(Param::disable_temp_sensors);
  const bool known = m.battery_temp_valid;
  const std::array<Factor, 4> factors = {{
      {Limiter::cell_voltage, voltage},
      {known ? Limiter::cold : Limiter::no_temperature,
       known ? cold_factor(m.battery_min, s.temp(Param::charge_utp)) : (sensors_off ? kFull : 0)},
      {Limiter::hot, known ? hot_factor(m.battery_max, s.temp(Param::charge_otp)) : kFull},
      {Limiter::mos_temperature, mos_factor(m, s)},
  }};
  return apply(charge_ceiling(s), factors);
}

CurrentLimit discharge_current_target(const Measured& m, const ChargeInputs& in,
                                      const Settings& s) {
  if (in.discharge_blocked || (in.alarms & kDischargeStopAlarms) != 0 ||
      !s.on(Param::discharge_enabled)) {
    return {Milliamps(0), Limiter::protection};
  }
  const Millivolts uvp = s.mv(Param::cell_uvp);
  const bool known = m.battery_temp_valid;
  const std::array<Factor, 4> factors = {{
      {Limiter::cell_voltage, ramp_permille(m.min.count(), (uvp + kDischargeStopMargin).count(),
                                            (uvp + kDischargeTaperWindow).count())},
      {Limiter::cold, known ? cold_factor(m.battery_min, s.temp(Param::discharge_utp)) : kFull},
      {Limiter::hot, known ? hot_factor(m.battery_max, s.temp(Param::discharge_otp)) : kFull},
      {Limiter::mos_temperature, mos_factor(m, s)},
  }};
  return apply(discharge_ceiling(s), factors);
}

Millivolts stage_cell_voltage(ChargeStage stage, const Settings& s) {
  return stage == ChargeStage::floating ? s.mv(Param::request_float_voltage)
                                        : s.mv(Param::request_charge_voltage);
}

Millivolts charge_voltage_target(ChargeStage stage, const Measured& m, const Settings& s) {
  const int32_t n = s.cells();
  const Millivolts cell =
      std::min(stage_cell_voltage(stage, s), s.mv(Param::cell_ovp) - kCvlOvpHeadroom);
  Millivolts cvl = cell * n;
  // A cell above the stage voltage would climb further if the charger pushed the pack to n x
  // cell: ask only for the present pack voltage minus the high cell's overshoot.
  if (m.cells_present > 0 && m.max > cell) cvl = std::min(cvl, m.pack - (m.max - cell));
  // Never ask for less than the recovery voltage: a CVL near zero reads as over-voltage to
  // some inverters (Victron), which then try to empty the battery.
  return std::max(cvl, s.mv(Param::cell_uvpr) * n);
}

Millivolts discharge_voltage_target(const Settings& s) {
  const Millivolts cell =
      std::max(s.mv(Param::soc_0_voltage), s.mv(Param::cell_uvp) + kDvlAboveUvp);
  return cell * s.cells();
}

}  // namespace softbms::core
