// Smart sleep ([M-B2A], [M-BD4A]): after smart_sleep_hours with |current| below 1 A the board
// sleeps to save its standby power; a charger, the button or current flowing wakes it.
#pragma once

#include "core/base/units.hpp"
#include "core/measure/measured.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

// "Idle" is a pack current whose magnitude is below this.
inline constexpr Milliamps kSleepIdleCurrent{1000};

class SmartSleep {
 public:
  enum class State : uint8_t { awake, asleep };

  // keep_awake: something else needs the board running (the emergency switch); it restarts
  // the idle time.
  State update(Milliseconds now, const Measured& m, const Settings& s, bool keep_awake);

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool asleep() const { return state_ == State::asleep; }
  // Seconds left before sleep at the last update, rounded up; 0 while disabled or asleep.
  [[nodiscard]] Seconds countdown() const { return countdown_; }

 private:
  static bool wake_reason(const Measured& m);
  State update_awake(Milliseconds now, const Measured& m, const Settings& s, bool keep_awake);

  State state_ = State::awake;
  bool idle_ = false;
  Milliseconds idle_since_{};
  Seconds countdown_{};
};

}  // namespace softbms::core
