#include "core/balance/balancer.hpp"

#include <array>

#include "core/io/alarm.hpp"

namespace softbms::core {
namespace {

struct BlockCheck {
  BalanceBlock reason;
  bool (*applies)(const Measured& m, const Settings& s, uint32_t alarms, bool asleep);
};

// clang-format off
constexpr std::array<BlockCheck, 5> kBlocks = {{
  {BalanceBlock::asleep, [](const Measured&, const Settings&, uint32_t, bool asleep) { return asleep; }},
  {BalanceBlock::switched_off, [](const Measured&, const Settings& s, uint32_t, bool) {
     return !s.on(Param::balance_enabled); }},
  // The alarm bit, or the raw wire mask when protection has not (yet) raised the bit.
  {BalanceBlock::wire_alarm, [](const Measured& m, const Settings&, uint32_t alarms, bool) {
     return (alarms & alarm_mask(AlarmBit::wire_resistance)) != 0 || m.wire_alarm_mask != 0; }},
  {BalanceBlock::too_few_cells, [](const Measured& m, const Settings&, uint32_t, bool) {
     return m.cells_present < 2; }},
  {BalanceBlock::outside_window, [](const Measured& m, const Settings& s, uint32_t, bool) {
     return s.raw(Param::balance_mode) == 1 && abs(m.current) > s.ma(Param::balance_window_current); }},
}};
// clang-format on

// JK: start when the spread is above the trigger and the highest cell above the start voltage.
bool should_start(const Measured& m, const Settings& s) {
  return m.delta > s.mv(Param::balance_trigger_delta) && m.max > s.mv(Param::start_balance_voltage);
}

// JK: stop when the spread is below the trigger or the highest cell below the start voltage.
// A value exactly at a threshold keeps the present state: a 1 mV dead band, no more.
bool should_stop(const Measured& m, const Settings& s) {
  return m.delta < s.mv(Param::balance_trigger_delta) || m.max < s.mv(Param::start_balance_voltage);
}

// BalanSta follows the direction the hardware reports: energy leaving the high cell (current
// below zero) is 2, energy entering the low cell (above zero) is 1. A transfer starts by taking
// from the high cell, so a running balancer whose current reads zero reports 2.
BalanceState reported_state(Milliamps hardware) {
  return hardware.count() > 0 ? BalanceState::charging_cell : BalanceState::discharging_cell;
}

// Every state leaves on a block, and each has exactly one way out otherwise.
Balancer::State next_state(Balancer::State now, BalanceBlock blocked, const Measured& m,
                           const Settings& s) {
  using State = Balancer::State;
  if (blocked != BalanceBlock::none) return State::idle;
  if (now == State::idle) return should_start(m, s) ? State::balancing : State::idle;
  return should_stop(m, s) ? State::idle : State::balancing;
}

}  // namespace

BalanceBlock balance_block(const Measured& m, const Settings& s, uint32_t alarms, bool asleep) {
  for (const BlockCheck& check : kBlocks) {
    if (check.applies(m, s, alarms, asleep)) return check.reason;
  }
  return BalanceBlock::none;
}

BalanceReport Balancer::update(const Measured& m, const Settings& s, uint32_t alarms, bool asleep) {
  BalanceReport r;
  r.current = m.balance_current;
  r.blocked = balance_block(m, s, alarms, asleep);
  state_ = next_state(state_, r.blocked, m, s);
  if (state_ == State::idle) return r;
  r.command = {true, m.max_index, m.min_index, s.ma(Param::max_balance_current)};
  r.state = reported_state(m.balance_current);
  r.source = m.max_index;
  r.sink = m.min_index;
  return r;
}

}  // namespace softbms::core
