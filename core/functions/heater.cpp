#include "core/functions/heater.hpp"

namespace softbms::core {

bool Heater::may_heat(const Measured& m, const Settings& s, bool charge_requested) {
  const bool charge_wanted = s.on(Param::charge_enabled) && (m.charger_present || charge_requested);
  // Without a battery sensor the heater could not know when to stop: it stays off. A sensor at
  // the charge over-temperature recovery level means the film is heating something it should
  // not (a sensor stuck to the film, a shifted pad): off, whatever the coldest cell says.
  return s.on(Param::heating_enabled) && charge_wanted && m.battery_temp_valid &&
         m.battery_max < s.temp(Param::charge_otpr);
}

Heater::State Heater::update(const Measured& m, const Settings& s, bool charge_requested) {
  const bool allowed = may_heat(m, s, charge_requested);
  switch (state_) {
    case State::off:
      if (allowed && m.battery_min < s.temp(Param::heating_start_temp)) state_ = State::on;
      break;
    case State::on:
      if (!allowed || m.battery_min >= s.temp(Param::heating_stop_temp)) state_ = State::off;
      break;
  }
  return state_;
}

}  // namespace softbms::core
