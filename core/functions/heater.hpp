// Heating film control ([M-BD4A] "Heating function", [M-PB] P10): warm a cold pack so that it
// may be charged. The heater only runs while charging is wanted, because the charger is what
// should pay for the heat, not the cells.
#pragma once

#include "core/measure/measured.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

class Heater {
 public:
  enum class State : uint8_t { off, on };

  // charge_requested: something asks for charge besides a charger on the terminals (an
  // inverter's charge request on the JK-PB); the charge switch must be on as well.
  State update(const Measured& m, const Settings& s, bool charge_requested);

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool on() const { return state_ == State::on; }

 private:
  static bool may_heat(const Measured& m, const Settings& s, bool charge_requested);

  State state_ = State::off;
};

}  // namespace softbms::core
