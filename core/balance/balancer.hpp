// The active (energy-transfer) balancer's decision: when to run, which cell gives and which
// takes, and what to report. See docs/measurement-and-balancing.md.
#pragma once

#include <cstdint>

#include "core/base/units.hpp"
#include "core/io/outputs.hpp"
#include "core/io/snapshot.hpp"
#include "core/measure/measured.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

// Why the balancer is not running (the first reason that applies, in this order).
enum class BalanceBlock : uint8_t {
  none,            // not blocked: runs when the cells ask for it
  asleep,          // the board is asleep or shut down
  switched_off,    // balance_enabled = 0
  wire_alarm,      // a balance wire is above wire_resistance_alarm (JK: "can not open the balance")
  too_few_cells,   // fewer than two cells present
  outside_window,  // balance_mode 1 and |pack current| > balance_window_current
};

// What the tick reports and what the front end is asked to do.
struct BalanceReport {
  BalancerCommand command{};
  BalanceState state = BalanceState::off;  // JK BalanSta
  Milliamps current{};                     // JK sign: - while the high cell gives energy
  uint8_t source = kNoCell;                // 0-based, kNoCell while off
  uint8_t sink = kNoCell;
  BalanceBlock blocked = BalanceBlock::none;
};

class Balancer {
 public:
  enum class State : uint8_t { idle, balancing };

  // alarms: the JK alarm mask of this tick; asleep: the board is sleeping or shut down.
  BalanceReport update(const Measured& m, const Settings& s, uint32_t alarms, bool asleep);

  [[nodiscard]] State state() const { return state_; }

 private:
  State state_ = State::idle;
};

// The first reason balancing may not run now, or BalanceBlock::none.
BalanceBlock balance_block(const Measured& m, const Settings& s, uint32_t alarms, bool asleep);

}  // namespace softbms::core
