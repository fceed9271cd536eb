#include "core/functions/emergency.hpp"

#include <gtest/gtest.h>

#include "core/functions/test_support.hpp"

namespace softbms::core {
namespace {

using namespace softbms::literals;
using test::lfp16;
using Change = Emergency::Change;

TEST(Emergency, a_command_keeps_it_on_for_30_minutes_with_a_countdown_in_seconds) {
  const Settings s = lfp16();
  Emergency e;
  e.update(0_ms, false, s, true);
  EXPECT_EQ(e.start(1000_ms, s), Change::started);
  EXPECT_TRUE(e.active());
  EXPECT_EQ(e.remaining(), 1800_s);
  EXPECT_EQ(e.update(1100_ms, false, s, true), Change::none);
  EXPECT_EQ(e.remaining(), 1800_s);  // 1799.9 s shown as 1800
  EXPECT_EQ(e.update(601'000_ms, false, s, true), Change::none);
  EXPECT_EQ(e.remaining(), 1200_s);
  EXPECT_EQ(e.update(1'800'999_ms, false, s, true), Change::none);
  EXPECT_EQ(e.remaining(), 1_s);
  EXPECT_TRUE(e.active());
  EXPECT_EQ(e.update(1'801'000_ms, false, s, true), Change::ended);
  EXPECT_FALSE(e.active());
  EXPECT_EQ(e.remaining(), 0_s);
}

TEST(Emergency, emergency_minutes_sets_the_duration) {
  Settings s = lfp16();
  s.set_raw(Param::emergency_minutes, 5);
  Emergency e;
  e.start(0_ms, s);
  EXPECT_EQ(e.remaining(), 300_s);
  EXPECT_EQ(e.update(299'999_ms, false, s, true), Change::none);
  EXPECT_EQ(e.update(300'000_ms, false, s, true), Change::ended);
}

TEST(Emergency, a_stop_command_ends_it_early) {
  const Settings s = lfp16();
  Emergency e;
  e.start(0_ms, s);
  e.update(60'000_ms, false, s, true);
  EXPECT_EQ(e.stop(), Change::ended);
  EXPECT_FALSE(e.active());
  EXPECT_EQ(e.remaining(), 0_s);
  EXPECT_EQ(e.stop(), Change::none);
}

TEST(Emergency, a_second_start_does_not_extend_the_time) {
  const Settings s = lfp16();
  Emergency e;
  e.start(0_ms, s);
  EXPECT_EQ(e.start(600'000_ms, s), Change::none);
  e.update(600'000_ms, false, s, true);
  EXPECT_EQ(e.remaining(), 1200_s);
}

TEST(Emergency, a_button_press_starts_it_once_per_press) {
  const Settings s = lfp16();
  Emergency e;
  e.update(0_ms, false, s, true);
  EXPECT_EQ(e.update(100_ms, true, s, true), Change::started);
  EXPECT_EQ(e.remaining(), 1800_s);
  e.stop();
  // Still held: not a new press.
  EXPECT_EQ(e.update(200_ms, true, s, true), Change::none);
  EXPECT_FALSE(e.active());
  e.update(300_ms, false, s, true);
  EXPECT_EQ(e.update(400_ms, true, s, true), Change::started);
}

TEST(Emergency, a_press_that_wakes_a_powered_down_board_does_not_start_it) {
  const Settings s = lfp16();
  Emergency e;
  e.update(0_ms, false, s, false);
  EXPECT_EQ(e.update(100_ms, true, s, false), Change::none);
  EXPECT_EQ(e.update(200_ms, true, s, true), Change::none);  // awake now, button still held
  EXPECT_FALSE(e.active());
}

TEST(Emergency, a_button_held_at_power_up_is_not_a_press) {
  const Settings s = lfp16();
  Emergency e;
  EXPECT_EQ(e.update(0_ms, true, s, true), Change::none);
  EXPECT_FALSE(e.active());
}

}  // namespace
}  // namespace softbms::core
