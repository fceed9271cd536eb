#include "core/functions/auto_shutdown.hpp"

#include <gtest/gtest.h>

#include "core/functions/test_support.hpp"

namespace softbms::core {
namespace {

using namespace softbms::literals;
using test::lfp16;
using test::pack;
using State = AutoShutdown::State;

// LFP preset: power_off_voltage 2500 mV.
TEST(AutoShutdown, shuts_down_5s_after_the_highest_cell_falls_below_power_off_voltage) {
  const Settings s = lfp16();
  const Measured low = pack(2499_mV, 0_mA);
  AutoShutdown a;
  EXPECT_EQ(a.update(0_ms, low, s, false), State::confirming);
  EXPECT_EQ(a.update(4999_ms, low, s, false), State::confirming);
  EXPECT_EQ(a.update(5000_ms, low, s, false), State::shut_down);
  EXPECT_TRUE(a.shut_down());
}

TEST(AutoShutdown, at_exactly_power_off_voltage_the_board_stays_on) {
  const Settings s = lfp16();
  AutoShutdown a;
  a.update(0_ms, pack(2500_mV, 0_mA), s, false);
  EXPECT_EQ(a.update(60'000_ms, pack(2500_mV, 0_mA), s, false), State::on);
}

TEST(AutoShutdown, only_the_highest_cell_counts) {
  const Settings s = lfp16();
  Measured m = pack(2400_mV, 0_mA);
  m.max = 2600_mV;  // one cell still above power-off: not shut down, even with others below
  AutoShutdown a;
  a.update(0_ms, m, s, false);
  EXPECT_EQ(a.update(60'000_ms, m, s, false), State::on);
}

TEST(AutoShutdown, a_short_dip_does_not_shut_down) {
  const Settings s = lfp16();
  AutoShutdown a;
  a.update(0_ms, pack(2400_mV, -100_A), s, false);
  a.update(4900_ms, pack(2400_mV, -100_A), s, false);
  EXPECT_EQ(a.update(5000_ms, pack(2600_mV, 0_mA), s, false), State::on);
  EXPECT_EQ(a.update(9000_ms, pack(2400_mV, 0_mA), s, false), State::confirming);
  EXPECT_EQ(a.update(13'999_ms, pack(2400_mV, 0_mA), s, false), State::confirming);
}

TEST(AutoShutdown, does_not_shut_down_while_the_emergency_switch_is_on) {
  const Settings s = lfp16();
  const Measured low = pack(2300_mV, -20_A);
  AutoShutdown a;
  a.update(0_ms, low, s, true);
  EXPECT_EQ(a.update(1'800'000_ms, low, s, true), State::on);
  // The emergency ends: the board goes down 5 s later.
  EXPECT_EQ(a.update(1'800'100_ms, low, s, false), State::confirming);
  EXPECT_EQ(a.update(1'805'100_ms, low, s, false), State::shut_down);
}

TEST(AutoShutdown, only_a_charger_wakes_a_shut_down_board) {
  const Settings s = lfp16();
  AutoShutdown a;
  a.update(0_ms, pack(2400_mV, 0_mA), s, false);
  ASSERT_EQ(a.update(5000_ms, pack(2400_mV, 0_mA), s, false), State::shut_down);
  Measured button = pack(2400_mV, 0_mA);
  button.button = true;
  EXPECT_EQ(a.update(6000_ms, button, s, false), State::shut_down);
  EXPECT_EQ(a.update(7000_ms, pack(2600_mV, 0_mA), s, false), State::shut_down);
  Measured charger = pack(2400_mV, 0_mA);
  charger.charger_present = true;
  EXPECT_EQ(a.update(8000_ms, charger, s, false), State::on);
  // While the charger raises the pack the board stays on, even below power-off.
  EXPECT_EQ(a.update(60'000_ms, charger, s, false), State::on);
}

TEST(AutoShutdown, no_cell_readings_is_not_an_empty_pack) {
  const Settings s = lfp16();
  AutoShutdown a;
  const Measured nothing;
  a.update(0_ms, nothing, s, false);
  EXPECT_EQ(a.update(60'000_ms, nothing, s, false), State::on);
}

}  // namespace
}  // namespace softbms::core
