// Auto shutdown ([M-B2A] 5.3 k): when the highest cell is below power_off_voltage the pack is
// empty beyond protection, and the board switches itself off so that its own consumption does
// not drain the cells further. A charger (charge activation) or, on the boards whose button wakes
// them, the button brings it back.
#pragma once

#include "core/base/units.hpp"
#include "core/measure/measured.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

// The highest cell must stay below power_off_voltage this long: a load step that pulls every
// cell down for a moment must not switch the board off.
inline constexpr Milliseconds kShutdownConfirm{5000};

class AutoShutdown {
 public:
  enum class State : uint8_t { on, confirming, shut_down };

  // emergency_active: the emergency switch keeps the board on below power_off_voltage.
  State update(Milliseconds now, const Measured& m, const Settings& s, bool emergency_active);

  // The button wakes a shut-down board ([M-BD4A]: the button activates the board); if the cells are
  // still below power_off_voltage it shuts down again after kShutdownConfirm.
  void wake() {
    if (state_ == State::shut_down) state_ = State::on;
  }

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool shut_down() const { return state_ == State::shut_down; }

 private:
  State state_ = State::on;
  Milliseconds since_{};
};

}  // namespace softbms::core
