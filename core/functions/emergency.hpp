// The emergency switch ([M-BD4A]): for emergency_minutes both FETs stay on, also below the
// auto-shutdown voltage, so a user can drive home or start a generator. Which protections it
// overrides is decided in protect/; this is the switch, its timer and its countdown.
#pragma once

#include <cstdint>

#include "core/base/units.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

class Emergency {
 public:
  enum class State : uint8_t { off, on };
  enum class Change : uint8_t { none, started, ended };

  // The emergency command. Starting while on changes nothing (the time is not extended: a
  // protection override is not renewed by repeating the request).
  Change start(Milliseconds now, const Settings& s);
  Change stop();
  // Every tick. button: the button level; a press (rising edge) while the board is powered
  // starts the emergency. A press that wakes a sleeping board does not: waking must not
  // override protections.
  Change update(Milliseconds now, bool button, const Settings& s, bool powered);

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool active() const { return state_ == State::on; }
  // Seconds left at the last call, rounded up (30:00 at the start); 0 when off.
  [[nodiscard]] Seconds remaining() const { return remaining_; }

 private:
  State state_ = State::off;
  Milliseconds until_{};
  Seconds remaining_{};
  bool button_was_down_ = true;  // a button held at power-up is not a press
};

}  // namespace softbms::core
