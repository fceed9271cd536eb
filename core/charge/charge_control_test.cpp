#include "core/charge/charge_control.hpp"

#include <gtest/gtest.h>

#include "core/charge/charge_test_support.hpp"

namespace softbms::core {
namespace {

using namespace test;

// Runs the controller at a 100 ms tick from `from` to `to` (inclusive) with fixed inputs.
const ChargeResult& run(ChargeControl& c, Milliseconds from, Milliseconds to, const Measured& m,
                        const ChargeInputs& in, const Settings& s) {
  for (Milliseconds t = from; t <= to; t += 100_ms) c.step(t, m, in, s);
  return c.result();
}

TEST(ChargeControl, currents_start_at_zero_and_rise_to_the_ceiling_in_10_s) {
  const Settings s = lfp16();
  ChargeControl c;
  const Measured m = pack_at(3400_mV);
  const ChargeResult& first = c.step(0_ms, m, healthy(), s);
  EXPECT_EQ(first.limits.charge_current, Milliamps(0));
  EXPECT_EQ(first.limits.charge_voltage, Millivolts(55200));  // CVL starts at its target
  EXPECT_EQ(first.target.charge_current, Milliamps(90000));
  run(c, 100_ms, 1000_ms, m, healthy(), s);
  EXPECT_EQ(c.result().limits.charge_current, Milliamps(9000));  // 9 A per second
  EXPECT_EQ(c.result().limits.discharge_current, Milliamps(9000));
  run(c, 1100_ms, 10000_ms, m, healthy(), s);
  EXPECT_EQ(c.result().limits.charge_current, Milliamps(90000));
  EXPECT_EQ(c.result().limits.discharge_voltage, Millivolts(44800));
}

TEST(ChargeControl, a_protection_trip_drops_ccl_to_zero_on_the_same_tick) {
  const Settings s = lfp16();
  ChargeControl c;
  const Measured m = pack_at(3400_mV);
  run(c, 0_ms, 20000_ms, m, healthy(), s);
  ASSERT_EQ(c.result().limits.charge_current, Milliamps(90000));
  ChargeInputs tripped = healthy();
  tripped.alarms = alarm_mask(AlarmBit::cell_ovp);
  const ChargeResult& r = c.step(20100_ms, m, tripped, s);
  EXPECT_EQ(r.limits.charge_current, Milliamps(0));
  EXPECT_FALSE(r.request.charge_enable);
  EXPECT_TRUE(r.request.discharge_enable);
  EXPECT_EQ(r.charge_limiter, Limiter::protection);
}

TEST(ChargeControl, cvl_rises_from_float_to_bulk_at_160_mv_per_second) {
  const Settings s = lfp16();
  ChargeControl c;
  run(c, 0_ms, 0_ms, pack_at(3450_mV), healthy(100), s);  // absorption
  ASSERT_EQ(c.result().stage, ChargeStage::absorption);
  run(c, 100_ms, Milliseconds(1800 * 1000), pack_at(3450_mV), healthy(100), s);
  ASSERT_EQ(c.result().stage, ChargeStage::floating);
  EXPECT_EQ(c.result().limits.charge_voltage, Millivolts(53600));
  // SOC falls below rebulk_soc with the pack resting at 3.30 V: CVL goes back to 55.2 V, slowly.
  const Milliseconds t0(1800 * 1000 + 100);
  c.step(t0, pack_at(3300_mV), healthy(80), s);
  EXPECT_EQ(c.result().stage, ChargeStage::bulk);
  run(c, t0 + 100_ms, t0 + 5000_ms, pack_at(3300_mV), healthy(80), s);
  // 5.1 s of rise: the re-bulk tick itself is 100 ms after the last float tick.
  EXPECT_EQ(c.result().limits.charge_voltage, Millivolts(53600 + 16 * 51));
  run(c, t0 + 5100_ms, t0 + 20000_ms, pack_at(3300_mV), healthy(80), s);
  EXPECT_EQ(c.result().limits.charge_voltage, Millivolts(55200));
}

TEST(ChargeControl, force_charge_i_sets_at_5_percent_and_clears_at_10_percent) {
  const Settings s = lfp16();
  ChargeControl c;
  const Measured m = pack_at(3000_mV);
  EXPECT_FALSE(c.step(0_ms, m, healthy(6), s).request.force_charge_1);
  EXPECT_TRUE(c.step(100_ms, m, healthy(5), s).request.force_charge_1);
  EXPECT_TRUE(c.result().request.force_charge_2);
  EXPECT_TRUE(c.step(200_ms, m, healthy(9), s).request.force_charge_1);
  EXPECT_FALSE(c.step(300_ms, m, healthy(10), s).request.force_charge_1);
  EXPECT_TRUE(c.result().request.force_charge_2);  // II holds until 13 %
  EXPECT_FALSE(c.step(400_ms, m, healthy(13), s).request.force_charge_2);
}

TEST(ChargeControl, no_force_charge_request_while_charging_is_blocked) {
  const Settings s = lfp16();
  ChargeControl c;
  ChargeInputs in = healthy(3);
  in.alarms = alarm_mask(AlarmBit::charge_utp);
  const ChargeResult& r = c.step(0_ms, pack_at(3000_mV), in, s);
  EXPECT_FALSE(r.request.force_charge_1);
  EXPECT_FALSE(r.request.charge_enable);
}

TEST(ChargeControl, full_charge_request_after_30_days_below_97_percent_clears_at_97) {
  const Settings s = lfp16();
  ChargeControl c;
  const Measured m = pack_at(3300_mV);
  const Milliseconds day(24LL * 3600 * 1000);
  c.step(0_ms, m, healthy(60), s);
  EXPECT_FALSE(c.step(day * 30 - 1_ms, m, healthy(96), s).request.full_charge);
  EXPECT_TRUE(c.step(day * 30, m, healthy(96), s).request.full_charge);
  EXPECT_FALSE(c.step(day * 30 + 100_ms, m, healthy(97), s).request.full_charge);
  EXPECT_FALSE(c.step(day * 59, m, healthy(90), s).request.full_charge);
}

TEST(ChargeControl, enables_follow_the_targets_so_flag_and_limit_go_to_zero_together) {
  const Settings s = lfp16();
  ChargeControl c;
  const ChargeResult& r = c.step(0_ms, with_cell(pack_at(3400_mV), 0, 3595_mV), healthy(), s);
  EXPECT_EQ(r.target.charge_current, Milliamps(0));
  EXPECT_FALSE(r.request.charge_enable);
  EXPECT_TRUE(r.request.discharge_enable);
  EXPECT_EQ(r.charge_limiter, Limiter::cell_voltage);
}

TEST(ChargeControl, time_running_backwards_adds_no_slew_step) {
  const Settings s = lfp16();
  ChargeControl c;
  const Measured m = pack_at(3400_mV);
  run(c, 0_ms, 1000_ms, m, healthy(), s);
  const Milliamps before = c.result().limits.charge_current;
  c.step(500_ms, m, healthy(), s);
  EXPECT_EQ(c.result().limits.charge_current, before);
}

TEST(ChargeControl, slew_rises_at_least_one_unit_per_tick_even_with_a_tiny_rate) {
  EXPECT_EQ(slew_up(Milliamps(0), Milliamps(10), Milliamps(1), 1_ms), Milliamps(1));
  EXPECT_EQ(slew_up(Milliamps(50), Milliamps(10), Milliamps(1), 1_ms), Milliamps(10));
  EXPECT_EQ(slew_up(Milliamps(0), Milliamps(10), Milliamps(1), 0_ms), Milliamps(0));
}

}  // namespace
}  // namespace softbms::core
