#include "core/functions/emergency.hpp"

#include "core/functions/countdown.hpp"

namespace softbms::core {

Emergency::Change Emergency::start(Milliseconds now, const Settings& s) {
  if (state_ == State::on) return Change::none;
  state_ = State::on;
  until_ = now + to_ms(Seconds(int64_t{s.raw(Param::emergency_minutes)} * 60));
  remaining_ = ceil_seconds(until_ - now);
  return Change::started;
}

Emergency::Change Emergency::stop() {
  if (state_ == State::off) return Change::none;
  state_ = State::off;
  remaining_ = Seconds(0);
  return Change::ended;
}

Emergency::Change Emergency::update(Milliseconds now, bool button, const Settings& s,
                                    bool powered) {
  const bool pressed = button && !button_was_down_;
  button_was_down_ = button;
  if (state_ == State::off) return pressed && powered ? start(now, s) : Change::none;
  if (now >= until_) return stop();
  remaining_ = ceil_seconds(until_ - now);
  return Change::none;
}

}  // namespace softbms::core
