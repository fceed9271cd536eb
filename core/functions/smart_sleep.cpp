#include "core/functions/smart_sleep.hpp"

#include "core/functions/countdown.hpp"

namespace softbms::core {

bool SmartSleep::wake_reason(const Measured& m) {
  return m.charger_present || m.button || abs(m.current) >= kSleepIdleCurrent;
}

SmartSleep::State SmartSleep::update(Milliseconds now, const Measured& m, const Settings& s,
                                     bool keep_awake) {
  if (state_ == State::asleep) {
    if (!wake_reason(m) && !keep_awake) return state_;
    state_ = State::awake;
    idle_ = false;
  }
  state_ = update_awake(now, m, s, keep_awake);
  return state_;
}

SmartSleep::State SmartSleep::update_awake(Milliseconds now, const Measured& m, const Settings& s,
                                           bool keep_awake) {
  const bool enabled = s.on(Param::smart_sleep_enabled);
  const bool idle = enabled && !keep_awake && !wake_reason(m);
  if (!idle) {
    idle_ = false;
    countdown_ = enabled ? Seconds(int64_t{s.raw(Param::smart_sleep_hours)} * 3600) : Seconds(0);
    return State::awake;
  }
  if (!idle_) {
    idle_ = true;
    idle_since_ = now;
  }
  const Milliseconds wait = to_ms(Seconds(int64_t{s.raw(Param::smart_sleep_hours)} * 3600));
  const Milliseconds left = wait - (now - idle_since_);
  // [M-BD4A]: below 1 A for smart_sleep_hours, whatever the voltage (an idle full pack sleeps
  // too; JK's smart_sleep_voltage gates nothing here, see docs/counters-and-functions.md).
  countdown_ = ceil_seconds(left);
  if (left.count() > 0) return State::awake;
  countdown_ = Seconds(0);
  return State::asleep;
}

}  // namespace softbms::core
