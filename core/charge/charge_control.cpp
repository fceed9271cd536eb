#include "core/charge/charge_control.hpp"

namespace softbms::core {

const ChargeResult& ChargeControl::step(Milliseconds now, const Measured& m, const ChargeInputs& in,
                                        const Settings& s) {
  stages_.step(now, m, in.soc_percent, s);
  const CurrentLimit ccl = charge_current_target(m, in, s);
  const CurrentLimit dcl = discharge_current_target(m, in, s);

  ChargeLimits target;
  target.charge_voltage = charge_voltage_target(stages_.stage(), m, s);
  target.charge_current = ccl.current;
  target.discharge_current = dcl.current;
  target.discharge_voltage = discharge_voltage_target(s);

  // Currents start from 0 after boot; CVL starts at its target (a CVL of 0 means danger to
  // some inverters). Time that runs backwards counts as no time.
  const Milliseconds dt = started_ && now > last_ ? now - last_ : Milliseconds(0);
  ChargeLimits out = started_ ? result_.limits : ChargeLimits{target.charge_voltage, {}, {}, {}};
  out.charge_voltage =
      slew_up(out.charge_voltage, target.charge_voltage, kCvlRisePerCellPerSecond * s.cells(), dt);
  out.charge_current =
      slew_up(out.charge_current, target.charge_current,
              charge_ceiling(s) / static_cast<int32_t>(kCurrentRiseTime.count()), dt);
  out.discharge_current =
      slew_up(out.discharge_current, target.discharge_current,
              discharge_ceiling(s) / static_cast<int32_t>(kCurrentRiseTime.count()), dt);
  out.discharge_voltage = target.discharge_voltage;

  result_.limits = out;
  result_.target = target;
  result_.request =
      requests_.step(now, in.soc_percent, target.charge_current, target.discharge_current);
  result_.stage = stages_.stage();
  result_.stage_elapsed = stages_.elapsed(now);
  result_.charge_limiter = ccl.limiter;
  result_.discharge_limiter = dcl.limiter;
  last_ = now;
  started_ = true;
  return result_;
}

}  // namespace softbms::core
