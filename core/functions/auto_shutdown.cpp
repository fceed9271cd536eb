#include "core/functions/auto_shutdown.hpp"

namespace softbms::core {

AutoShutdown::State AutoShutdown::update(Milliseconds now, const Measured& m, const Settings& s,
                                         bool emergency_active) {
  // No cells read means no measurement yet, not an empty pack. A charger present is the pack
  // being rescued: switching off would stop the charge that raises the cells.
  const bool low = m.cells_present > 0 && m.max < s.mv(Param::power_off_voltage);
  const bool wanted = low && !emergency_active && !m.charger_present;
  switch (state_) {
    case State::on:
      if (wanted) {
        state_ = State::confirming;
        since_ = now;
      }
      break;
    case State::confirming:
      if (!wanted) {
        state_ = State::on;
      } else if (now - since_ >= kShutdownConfirm) {
        state_ = State::shut_down;
      }
      break;
    case State::shut_down:
      if (m.charger_present) state_ = State::on;
      break;
  }
  return state_;
}

}  // namespace softbms::core
