#include "core/balance/balancer.hpp"

#include <gtest/gtest.h>

#include <initializer_list>

#include "core/io/alarm.hpp"
#include "core/measure/measure.hpp"
#include "core/settings/validate.hpp"

namespace softbms::core {
namespace {

using namespace softbms::literals;

// LFP on a JK-PB: balance_trigger_delta 10 mV, start_balance_voltage 3300 mV, 2 A balancer.
class BalancerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(s.raw(Param::balance_trigger_delta), 10);
    ASSERT_EQ(s.raw(Param::start_balance_voltage), 3300);
    ASSERT_EQ(s.raw(Param::max_balance_current), 2000);
  }

  Measured cells(std::initializer_list<int32_t> mv, Milliamps pack_current = 0_mA,
                 Milliamps balance_current = 0_mA) {
    Measurements raw;
    std::size_t i = 0;
    for (int32_t v : mv) raw.cell_raw[i++] = Millivolts(v);
    raw.current_raw = pack_current;
    raw.balance_current = balance_current;
    return measure.update(raw, s);
  }

  BalanceReport step(const Measured& m, uint32_t alarms = 0, bool asleep = false) {
    return balancer.update(m, s, alarms, asleep);
  }

  Settings s = Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, 16);
  Measure measure;
  Balancer balancer;
};

TEST_F(BalancerTest, starts_only_when_the_spread_exceeds_the_trigger_delta) {
  EXPECT_FALSE(step(cells({3340, 3330, 3335})).command.active);  // spread 10 mV = trigger
  const BalanceReport r = step(cells({3341, 3330, 3335}));       // 11 mV
  EXPECT_TRUE(r.command.active);
  EXPECT_EQ(balancer.state(), Balancer::State::balancing);
}

TEST_F(BalancerTest, starts_only_when_the_highest_cell_is_above_the_start_voltage) {
  EXPECT_FALSE(step(cells({3300, 3250, 3280})).command.active);  // highest = 3300 mV
  EXPECT_TRUE(step(cells({3301, 3250, 3280})).command.active);
}

TEST_F(BalancerTest, keeps_running_at_the_trigger_delta_and_stops_below_it) {
  ASSERT_TRUE(step(cells({3350, 3330})).command.active);
  EXPECT_TRUE(step(cells({3340, 3330})).command.active);   // 10 mV: still running
  EXPECT_FALSE(step(cells({3339, 3330})).command.active);  // 9 mV: stops
  EXPECT_EQ(balancer.state(), Balancer::State::idle);
  EXPECT_FALSE(step(cells({3340, 3330})).command.active);  // 10 mV does not restart it
}

TEST_F(BalancerTest, keeps_running_at_the_start_voltage_and_stops_below_it) {
  ASSERT_TRUE(step(cells({3320, 3200})).command.active);
  EXPECT_TRUE(step(cells({3300, 3200})).command.active);
  EXPECT_FALSE(step(cells({3299, 3200})).command.active);
  EXPECT_FALSE(step(cells({3300, 3200})).command.active);
}

TEST_F(BalancerTest, moves_energy_from_the_highest_to_the_lowest_cell_at_the_set_current) {
  const BalanceReport r = step(cells({3320, 3380, 3310, 3290, 3350}));
  EXPECT_TRUE(r.command.active);
  EXPECT_EQ(r.command.source_cell, 1);
  EXPECT_EQ(r.command.sink_cell, 3);
  EXPECT_EQ(r.command.current.count(), 2000);
  EXPECT_EQ(r.source, 1);
  EXPECT_EQ(r.sink, 3);
}

TEST_F(BalancerTest, skips_absent_cells_when_choosing_source_and_sink) {
  // Input 1 reads 0 V (not connected); it must not become the sink.
  const BalanceReport r = step(cells({3320, 0, 3380, 3300}));
  EXPECT_EQ(r.command.source_cell, 2);
  EXPECT_EQ(r.command.sink_cell, 3);
}

TEST_F(BalancerTest, follows_the_cells_when_another_becomes_the_highest) {
  ASSERT_EQ(step(cells({3380, 3300, 3350})).command.source_cell, 0);
  EXPECT_EQ(step(cells({3350, 3300, 3380})).command.source_cell, 2);
}

TEST_F(BalancerTest, uses_the_model_capped_current_on_a_0_4_A_board) {
  s = Settings::preset(Chemistry::lfp, ModelId::jk_bd4a24s_12p, 16);
  EXPECT_EQ(step(cells({3380, 3300})).command.current.count(), 400);
}

TEST_F(BalancerTest, balance_switch_off_stops_and_blocks_balancing) {
  ASSERT_TRUE(step(cells({3380, 3300})).command.active);
  ASSERT_TRUE(apply_change(s, Param::balance_enabled, 0).ok());
  const BalanceReport r = step(cells({3380, 3300}));
  EXPECT_FALSE(r.command.active);
  EXPECT_EQ(r.blocked, BalanceBlock::switched_off);
  EXPECT_EQ(r.state, BalanceState::off);
  EXPECT_EQ(r.source, kNoCell);
  EXPECT_EQ(r.sink, kNoCell);
}

TEST_F(BalancerTest, wire_resistance_alarm_bit_blocks_balancing) {
  ASSERT_TRUE(step(cells({3380, 3300})).command.active);
  const BalanceReport r = step(cells({3380, 3300}), alarm_mask(AlarmBit::wire_resistance));
  EXPECT_FALSE(r.command.active);
  EXPECT_EQ(r.blocked, BalanceBlock::wire_alarm);
  // Other alarms (here cell over-voltage) do not stop the balancer.
  EXPECT_TRUE(step(cells({3380, 3300}), alarm_mask(AlarmBit::cell_ovp)).command.active);
}

TEST_F(BalancerTest, a_wire_above_the_limit_blocks_balancing_before_protection_raises_the_bit) {
  Measured m = cells({3380, 3300});
  m.wire_alarm_mask = 1u << 1;
  const BalanceReport r = step(m);
  EXPECT_FALSE(r.command.active);
  EXPECT_EQ(r.blocked, BalanceBlock::wire_alarm);
}

TEST_F(BalancerTest, asleep_the_balancer_is_off) {
  ASSERT_TRUE(step(cells({3380, 3300})).command.active);
  const BalanceReport r = step(cells({3380, 3300}), 0, true);
  EXPECT_FALSE(r.command.active);
  EXPECT_EQ(r.blocked, BalanceBlock::asleep);
  EXPECT_EQ(balancer.state(), Balancer::State::idle);
}

TEST_F(BalancerTest, a_single_cell_has_nothing_to_balance_with) {
  const BalanceReport r = step(cells({3400}));
  EXPECT_FALSE(r.command.active);
  EXPECT_EQ(r.blocked, BalanceBlock::too_few_cells);
}

TEST_F(BalancerTest, jk_mode_balances_at_any_pack_current) {
  ASSERT_EQ(s.raw(Param::balance_mode), 0);
  EXPECT_TRUE(step(cells({3380, 3300}, Milliamps(100000))).command.active);
  EXPECT_TRUE(step(cells({3380, 3300}, Milliamps(-150000))).command.active);
}

TEST_F(BalancerTest, window_mode_balances_only_while_pack_current_is_within_the_window) {
  ASSERT_TRUE(apply_change(s, Param::balance_mode, 1).ok());
  ASSERT_EQ(s.raw(Param::balance_window_current), 5000);
  EXPECT_TRUE(step(cells({3380, 3300}, 5000_mA)).command.active);
  BalanceReport r = step(cells({3380, 3300}, 5001_mA));
  EXPECT_FALSE(r.command.active);
  EXPECT_EQ(r.blocked, BalanceBlock::outside_window);
  EXPECT_TRUE(step(cells({3380, 3300}, Milliamps(-5000))).command.active);
  EXPECT_FALSE(step(cells({3380, 3300}, Milliamps(-5001))).command.active);
  r = step(cells({3380, 3300}, 0_mA));
  EXPECT_TRUE(r.command.active);
  EXPECT_EQ(r.blocked, BalanceBlock::none);
}

TEST_F(BalancerTest, after_a_block_it_restarts_only_on_the_start_conditions) {
  ASSERT_TRUE(step(cells({3380, 3300})).command.active);
  (void)step(cells({3380, 3300}), 0, true);
  EXPECT_FALSE(step(cells({3310, 3300})).command.active);  // 10 mV: would only keep it running
  EXPECT_TRUE(step(cells({3311, 3300})).command.active);
}

TEST_F(BalancerTest, reports_jk_balance_state_and_current_from_the_hardware_direction) {
  BalanceReport r = step(cells({3380, 3300}, 0_mA, Milliamps(-1900)));
  EXPECT_EQ(r.state, BalanceState::discharging_cell);
  EXPECT_EQ(static_cast<int>(r.state), 2);
  EXPECT_EQ(r.current.count(), -1900);

  r = step(cells({3380, 3300}, 0_mA, Milliamps(1700)));
  EXPECT_EQ(r.state, BalanceState::charging_cell);
  EXPECT_EQ(static_cast<int>(r.state), 1);
  EXPECT_EQ(r.current.count(), 1700);

  r = step(cells({3380, 3300}, 0_mA, 0_mA));  // first tick, hardware not moving yet
  EXPECT_EQ(r.state, BalanceState::discharging_cell);
}

TEST_F(BalancerTest, reports_off_with_no_cells_while_idle) {
  const BalanceReport r = step(cells({3305, 3300}));
  EXPECT_FALSE(r.command.active);
  EXPECT_EQ(r.blocked, BalanceBlock::none);
  EXPECT_EQ(r.state, BalanceState::off);
  EXPECT_EQ(static_cast<int>(r.state), 0);
  EXPECT_EQ(r.command.source_cell, kNoCell);
  EXPECT_EQ(r.command.sink_cell, kNoCell);
  EXPECT_EQ(r.command.current.count(), 0);
}

}  // namespace
}  // namespace softbms::core
