#include "core/charge/charge_stage.hpp"

#include <gtest/gtest.h>

#include "core/charge/charge_test_support.hpp"

namespace softbms::core {
namespace {

using namespace test;

constexpr Milliseconds at_s(int64_t s) {
  return Milliseconds(s * 1000);
}

// Charges to RCV (3450 mV per cell) at t = 0 and returns the machine in absorption.
ChargeStageMachine absorbing(const Settings& s) {
  ChargeStageMachine sm;
  sm.step(at_s(0), pack_at(3450_mV), 95, s);
  return sm;
}

TEST(ChargeStage, stays_bulk_below_rcv_and_enters_absorption_on_reaching_it) {
  const Settings s = lfp16();
  ChargeStageMachine sm;
  sm.step(at_s(0), pack_at(3430_mV), 80, s);
  EXPECT_EQ(sm.stage(), ChargeStage::bulk);
  sm.step(at_s(1), pack_at(3440_mV), 85, s);  // within 10 mV of RCV
  EXPECT_EQ(sm.stage(), ChargeStage::absorption);
  EXPECT_EQ(sm.elapsed(at_s(31)), Seconds(30));
}

TEST(ChargeStage, one_cell_at_rcv_counts_as_reaching_it) {
  const Settings s = lfp16();
  ChargeStageMachine sm;
  sm.step(at_s(0), with_cell(pack_at(3380_mV), 5, 3450_mV), 80, s);
  EXPECT_EQ(sm.stage(), ChargeStage::absorption);
}

TEST(ChargeStage, absorption_moves_to_float_after_rcv_time) {
  const Settings s = lfp16();  // rcv_time 5 = 0.5 h = 1800 s
  ChargeStageMachine sm = absorbing(s);
  ASSERT_EQ(sm.stage(), ChargeStage::absorption);
  sm.step(at_s(1799), pack_at(3450_mV), 100, s);
  EXPECT_EQ(sm.stage(), ChargeStage::absorption);
  sm.step(at_s(1800), pack_at(3450_mV), 100, s);
  EXPECT_EQ(sm.stage(), ChargeStage::floating);
}

TEST(ChargeStage, float_goes_back_to_bulk_below_rebulk_soc) {
  const Settings s = lfp16();  // rebulk_soc 90 %
  ChargeStageMachine sm = absorbing(s);
  sm.step(at_s(1800), pack_at(3450_mV), 100, s);
  ASSERT_EQ(sm.stage(), ChargeStage::floating);
  sm.step(at_s(5000), pack_at(3330_mV), 90, s);
  EXPECT_EQ(sm.stage(), ChargeStage::floating);
  sm.step(at_s(5001), pack_at(3320_mV), 89, s);
  EXPECT_EQ(sm.stage(), ChargeStage::bulk);
}

TEST(ChargeStage, float_is_unlimited_with_rfv_time_0_and_ends_after_rfv_time_otherwise) {
  Settings s = lfp16();
  ChargeStageMachine sm = absorbing(s);
  sm.step(at_s(1800), pack_at(3350_mV), 100, s);
  sm.step(at_s(1800 + 100 * 3600), pack_at(3350_mV), 100, s);
  EXPECT_EQ(sm.stage(), ChargeStage::floating);

  s.set_raw(Param::rfv_time, 10);  // 1 h
  ChargeStageMachine timed = absorbing(s);
  timed.step(at_s(1800), pack_at(3350_mV), 100, s);
  timed.step(at_s(1800 + 3599), pack_at(3350_mV), 100, s);
  EXPECT_EQ(timed.stage(), ChargeStage::floating);
  timed.step(at_s(1800 + 3600), pack_at(3350_mV), 100, s);
  EXPECT_EQ(timed.stage(), ChargeStage::bulk);
}

TEST(ChargeStage, low_soc_estimate_at_rcv_does_not_restart_absorption) {
  const Settings s = lfp16();
  ChargeStageMachine sm = absorbing(s);
  sm.step(at_s(600), pack_at(3450_mV), 40, s);  // SOC drifted low, voltage says full
  EXPECT_EQ(sm.stage(), ChargeStage::absorption);
  EXPECT_EQ(sm.elapsed(at_s(600)), Seconds(600));
  sm.step(at_s(700), pack_at(3300_mV), 40, s);  // voltage left RCV: re-bulk
  EXPECT_EQ(sm.stage(), ChargeStage::bulk);
}

TEST(ChargeStage, float_mode_off_stays_in_bulk) {
  Settings s = lfp16();
  s.set_raw(Param::float_mode, 0);
  ChargeStageMachine sm;
  sm.step(at_s(0), pack_at(3450_mV), 100, s);
  sm.step(at_s(7200), pack_at(3450_mV), 100, s);
  EXPECT_EQ(sm.stage(), ChargeStage::bulk);
}

TEST(ChargeStage, rcv_time_0_passes_absorption_on_the_next_tick) {
  Settings s = lfp16();
  s.set_raw(Param::rcv_time, 0);
  ChargeStageMachine sm = absorbing(s);
  EXPECT_EQ(sm.stage(), ChargeStage::absorption);
  sm.step(Milliseconds(100), pack_at(3450_mV), 100, s);
  EXPECT_EQ(sm.stage(), ChargeStage::floating);
}

// From every stage, an empty pack returns to bulk within one tick and a full pack leaves bulk
// within one tick: no stage can hold on to the charge cycle.
TEST(ChargeStage, every_stage_reaches_bulk_and_leaves_it_within_bounded_ticks) {
  const Settings s = lfp16();
  for (int start = 0; start < 3; ++start) {
    ChargeStageMachine sm = absorbing(s);
    if (start == 0) sm.step(at_s(1), pack_at(3200_mV), 10, s);
    if (start == 2) sm.step(at_s(1800), pack_at(3400_mV), 100, s);
    sm.step(at_s(4000), pack_at(3200_mV), 10, s);
    EXPECT_EQ(sm.stage(), ChargeStage::bulk) << "start " << start;
    sm.step(at_s(4001), pack_at(3450_mV), 99, s);
    EXPECT_EQ(sm.stage(), ChargeStage::absorption) << "start " << start;
  }
}

}  // namespace
}  // namespace softbms::core
