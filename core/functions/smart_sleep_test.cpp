#include "core/functions/smart_sleep.hpp"

#include <gtest/gtest.h>

#include "core/functions/test_support.hpp"

namespace softbms::core {
namespace {

using namespace softbms::literals;
using test::lfp16;
using test::pack;

constexpr Milliseconds hours(int64_t h) {
  return Milliseconds(h * 3'600'000);
}
constexpr Milliseconds minutes(int64_t m) {
  return Milliseconds(m * 60'000);
}
using State = SmartSleep::State;

// A resting LFP pack drawing 0.9 A: idle by [M-BD4A]'s rule (below 1 A).
const Measured kIdle = pack(3250_mV, 900_mA);

TEST(SmartSleep, sleeps_after_exactly_26_hours_below_1a_and_not_after_25h59m) {
  const Settings s = lfp16();
  SmartSleep sleep;
  EXPECT_EQ(sleep.update(0_ms, kIdle, s, false), State::awake);
  EXPECT_EQ(sleep.countdown(), 93600_s);
  EXPECT_EQ(sleep.update(hours(25) + minutes(59), kIdle, s, false), State::awake);
  EXPECT_EQ(sleep.countdown(), 60_s);
  EXPECT_EQ(sleep.update(hours(26) - 1_ms, kIdle, s, false), State::awake);
  EXPECT_EQ(sleep.countdown(), 1_s);
  EXPECT_EQ(sleep.update(hours(26), kIdle, s, false), State::asleep);
  EXPECT_EQ(sleep.countdown(), 0_s);
}

TEST(SmartSleep, a_current_of_1a_either_way_restarts_the_idle_time) {
  const Settings s = lfp16();
  SmartSleep sleep;
  sleep.update(0_ms, kIdle, s, false);
  sleep.update(hours(20), pack(3250_mV, -1_A), s, false);
  EXPECT_EQ(sleep.countdown(), 93600_s);
  sleep.update(hours(21), kIdle, s, false);
  EXPECT_EQ(sleep.update(hours(46) + minutes(59), pack(3250_mV, -999_mA), s, false), State::awake);
  EXPECT_EQ(sleep.update(hours(47), kIdle, s, false), State::asleep);
}

TEST(SmartSleep, the_hours_setting_sets_the_wait) {
  Settings s = lfp16();
  s.set_raw(Param::smart_sleep_hours, 2);
  SmartSleep sleep;
  sleep.update(0_ms, kIdle, s, false);
  EXPECT_EQ(sleep.countdown(), 7200_s);
  EXPECT_EQ(sleep.update(hours(2) - 1_ms, kIdle, s, false), State::awake);
  EXPECT_EQ(sleep.update(hours(2), kIdle, s, false), State::asleep);
}

TEST(SmartSleep, wakes_on_charger_button_or_current_and_counts_again) {
  const Settings s = lfp16();
  struct Case {
    const char* name;
    Measured wake;
  };
  Measured charger = kIdle;
  charger.charger_present = true;
  Measured button = kIdle;
  button.button = true;
  const Case cases[] = {{"charger", charger}, {"button", button}, {"load", pack(3250_mV, -3_A)}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    SmartSleep sleep;
    sleep.update(0_ms, kIdle, s, false);
    ASSERT_EQ(sleep.update(hours(26), kIdle, s, false), State::asleep);
    EXPECT_EQ(sleep.update(hours(30), kIdle, s, false), State::asleep);
    EXPECT_EQ(sleep.update(hours(31), c.wake, s, false), State::awake);
    EXPECT_EQ(sleep.countdown(), 93600_s);
    EXPECT_EQ(sleep.update(hours(31) + 100_ms, kIdle, s, false), State::awake);
    EXPECT_EQ(sleep.update(hours(57), kIdle, s, false), State::awake);
    EXPECT_EQ(sleep.update(hours(57) + 100_ms, kIdle, s, false), State::asleep);
  }
}

TEST(SmartSleep, a_charger_present_keeps_the_board_awake) {
  const Settings s = lfp16();
  Measured m = kIdle;
  m.charger_present = true;
  SmartSleep sleep;
  sleep.update(0_ms, m, s, false);
  EXPECT_EQ(sleep.update(hours(100), m, s, false), State::awake);
}

TEST(SmartSleep, disabled_never_sleeps_and_shows_no_countdown) {
  Settings s = lfp16();
  s.set_raw(Param::smart_sleep_enabled, 0);
  SmartSleep sleep;
  sleep.update(0_ms, kIdle, s, false);
  EXPECT_EQ(sleep.update(hours(100), kIdle, s, false), State::awake);
  EXPECT_EQ(sleep.countdown(), 0_s);
}

// [M-BD4A] "Intelligent sleep": below 1 A for 26 consecutive hours, nothing about the voltage.
// An idle LFP pack at 95 % SOC (3.40 V a cell, above smart_sleep_voltage) sleeps on time.
TEST(SmartSleep, an_idle_full_lfp_pack_sleeps_after_26_hours_like_any_other) {
  const Settings s = lfp16();
  ASSERT_GT(3400, s.raw(Param::smart_sleep_voltage));
  SmartSleep sleep;
  const Measured full = pack(3400_mV, 0_mA);
  sleep.update(0_ms, full, s, false);
  EXPECT_EQ(sleep.update(hours(26) - 1_ms, full, s, false), State::awake);
  EXPECT_EQ(sleep.update(hours(26), full, s, false), State::asleep);
}

TEST(SmartSleep, the_emergency_switch_keeps_the_board_awake) {
  const Settings s = lfp16();
  SmartSleep sleep;
  sleep.update(0_ms, kIdle, s, true);
  EXPECT_EQ(sleep.update(hours(26), kIdle, s, true), State::awake);
  sleep.update(hours(26) + 100_ms, kIdle, s, false);
  EXPECT_EQ(sleep.update(hours(52), kIdle, s, false), State::awake);
  EXPECT_EQ(sleep.update(hours(52) + 100_ms, kIdle, s, false), State::asleep);
}

}  // namespace
}  // namespace softbms::core
