#include <gtest/gtest.h>

#include "protocols/inverter/can_schedule.hpp"
#include "protocols/inverter/keepalive.hpp"
#include "protocols/inverter/test_support.hpp"

namespace softbms::protocols::inverter {
namespace {

using namespace softbms::literals;

std::size_t due_count(CanScheduler& s, Milliseconds now) {
  std::array<FrameKind, kMaxScheduled> out{};
  return s.due(now, out);
}

TEST(CanSchedule, pylon_sends_its_six_frames_as_one_burst_every_second) {
  CanScheduler s(*dialect(CanProtocol::pylon));
  std::array<FrameKind, kMaxScheduled> out{};
  ASSERT_EQ(s.due(0_ms, out), 6U);
  EXPECT_EQ(out[0], FrameKind::limits_351);
  EXPECT_EQ(out[5], FrameKind::name_35e);
  EXPECT_EQ(due_count(s, 500_ms), 0U);
  EXPECT_EQ(due_count(s, 999_ms), 0U);
  EXPECT_EQ(due_count(s, 1000_ms), 6U);
  EXPECT_EQ(due_count(s, 1100_ms), 0U);
}

TEST(CanSchedule, sma_sends_every_100_ms) {
  CanScheduler s(*dialect(CanProtocol::sma));
  EXPECT_EQ(due_count(s, 0_ms), 7U);
  EXPECT_EQ(due_count(s, 50_ms), 0U);
  EXPECT_EQ(due_count(s, 100_ms), 7U);
  EXPECT_EQ(due_count(s, 200_ms), 7U);
}

TEST(CanSchedule, victron_sends_limits_every_second_and_slow_frames_every_5_s) {
  CanScheduler s(*dialect(CanProtocol::victron));
  EXPECT_EQ(due_count(s, 0_ms), 15U);
  for (int t = 1; t < 5; ++t) EXPECT_EQ(due_count(s, Milliseconds(1000 * t)), 8U);
  EXPECT_EQ(due_count(s, 5000_ms), 15U);
}

TEST(CanSchedule, a_stalled_caller_gets_each_late_frame_once_not_a_backlog) {
  CanScheduler s(*dialect(CanProtocol::pylon));
  EXPECT_EQ(due_count(s, 0_ms), 6U);
  EXPECT_EQ(due_count(s, 10'000_ms), 6U);
  EXPECT_EQ(due_count(s, 10'100_ms), 0U);
  EXPECT_EQ(due_count(s, 11'000_ms), 6U);
}

TEST(CanSchedule, frames_encodes_what_is_due) {
  const core::Snapshot snap = test::pack_snapshot();
  const core::ChargeResult charge = test::pack_charge();
  const core::Settings settings = test::lfp16();
  const BatteryIdentity id;
  CanScheduler s(*dialect(CanProtocol::pylon));
  std::array<CanFrame, kMaxScheduled> out{};
  ASSERT_EQ(s.frames(0_ms, {snap, charge, settings, id}, CanOptions{}, out), 6U);
  EXPECT_EQ(out[0].id, 0x351U);
  EXPECT_EQ(out[5].id, 0x35EU);
  std::array<CanFrame, 2> small{};
  EXPECT_EQ(s.frames(1000_ms, {snap, charge, settings, id}, CanOptions{}, small), 2U);
}

CanFrame keepalive(bool extended = false) {
  CanFrame f = make_frame(0x305, 8);
  f.extended = extended;
  return f;
}

TEST(InverterLink, waits_then_is_present_then_lost_after_10_s_of_silence) {
  InverterLink link;
  EXPECT_EQ(link.step(0_ms), LinkState::waiting);
  EXPECT_EQ(link.step(60'000_ms), LinkState::waiting);  // never heard: no fail-safe
  link.on_frame(keepalive(), 61'000_ms);
  EXPECT_EQ(link.step(70'999_ms), LinkState::present);
  EXPECT_EQ(link.step(71'000_ms), LinkState::lost);
  EXPECT_EQ(link.losses(), 1U);
  link.on_frame(keepalive(), 75'000_ms);
  EXPECT_EQ(link.step(75'000_ms), LinkState::present);
}

TEST(InverterLink, extended_0x305_counts_only_when_enabled) {
  InverterLink plain;
  EXPECT_FALSE(plain.on_frame(keepalive(true), 0_ms));
  KeepAliveOptions o;
  o.accept_extended = true;
  InverterLink xw(o);
  EXPECT_TRUE(xw.on_frame(keepalive(true), 0_ms));
}

TEST(InverterLink, fail_safe_stops_charging_and_keeps_discharging_by_default) {
  core::ChargeResult r = test::pack_charge();
  r.request.force_charge_1 = true;
  const core::ChargeResult lost = apply_fail_safe(r, LinkState::lost, FailSafe::stop_charge);
  EXPECT_EQ(lost.limits.charge_current, Milliamps(0));
  EXPECT_FALSE(lost.request.charge_enable);
  EXPECT_FALSE(lost.request.force_charge_1);
  EXPECT_EQ(lost.limits.discharge_current, Milliamps(90000));
  EXPECT_TRUE(lost.request.discharge_enable);
  EXPECT_EQ(lost.limits.charge_voltage, Millivolts(55200));  // CVL stays sane

  const core::ChargeResult both = apply_fail_safe(r, LinkState::lost, FailSafe::stop_both);
  EXPECT_EQ(both.limits.discharge_current, Milliamps(0));
  EXPECT_FALSE(both.request.discharge_enable);
  EXPECT_EQ(apply_fail_safe(r, LinkState::lost, FailSafe::none), r);
  EXPECT_EQ(apply_fail_safe(r, LinkState::present, FailSafe::stop_both), r);
  EXPECT_EQ(apply_fail_safe(r, LinkState::waiting, FailSafe::stop_both), r);
}

}  // namespace
}  // namespace softbms::protocols::inverter
