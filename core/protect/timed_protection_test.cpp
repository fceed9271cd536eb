// Over-current and short-circuit protections: released a fixed time after the trip
// ([M-B2A] 5.3 l, m, n), with the manual's worked examples.
#include <gtest/gtest.h>

#include <string>

#include "core/protect/protect_test_support.hpp"

namespace softbms::core::test {
namespace {

struct TimedCase {
  std::string name;
  AlarmBit bit;
  Milliamps drive;  // + = charge
  Milliseconds delay;
  Seconds release;
  bool charge_off;
  bool discharge_off;
  ReleaseTimer timer;
};

// Presets on the JK-PB: 100 A / 30 s / 60 s both ways; stage II 150 A / 1000 ms; stage III
// 200 A / 100 ms; the stages share the discharge release time.
const TimedCase kCases[] = {
    {"charge_ocp", AlarmBit::charge_ocp, 100'100_mA, 30'000_ms, 60_s, true, false,
     ReleaseTimer::charge_ocp},
    {"discharge_ocp", AlarmBit::discharge_ocp, -100'100_mA, 30'000_ms, 60_s, false, true,
     ReleaseTimer::discharge_ocp},
    {"discharge_ocp2", AlarmBit::discharge_ocp2, -150'100_mA, 1000_ms, 60_s, false, true,
     ReleaseTimer::discharge_ocp},
    {"discharge_ocp3", AlarmBit::discharge_ocp3, -200'100_mA, 100_ms, 60_s, false, true,
     ReleaseTimer::discharge_ocp},
};

class TimedProtection : public ::testing::TestWithParam<TimedCase> {
 protected:
  void SetUp() override {
    b.tick = 10_ms;
    b.step();
  }
  // Drives the over-current from the next tick; returns the time of that tick.
  Milliseconds overload() {
    b.m.current = GetParam().drive;
    return b.now + b.tick;
  }
  Bench b;
};

TEST_P(TimedProtection, trips_after_its_delay_and_not_before) {
  const TimedCase& c = GetParam();
  const Milliseconds start = overload();
  b.run_until(start + c.delay - 10_ms);
  EXPECT_FALSE(b.alarm(c.bit));
  EXPECT_FALSE(b.p.charge_blocked());
  EXPECT_FALSE(b.p.discharge_blocked());

  b.run_until(start + c.delay);
  EXPECT_EQ(b.p.alarms(), alarm_mask(c.bit));
  EXPECT_EQ(b.p.charge_blocked(), c.charge_off);
  EXPECT_EQ(b.p.discharge_blocked(), c.discharge_off);
  ASSERT_EQ(b.p.transitions().size(), 1u);
  EXPECT_EQ(b.p.transitions()[0],
            (Transition{c.bit, TransitionKind::trip, std::abs(c.drive.count()), start + c.delay}));
}

TEST_P(TimedProtection, releases_exactly_the_release_time_after_the_trip) {
  const TimedCase& c = GetParam();
  const Milliseconds tripped_at = overload() + c.delay;
  b.run_until(tripped_at);
  ASSERT_TRUE(b.alarm(c.bit));
  EXPECT_EQ(b.timer(c.timer), c.release.count());
  b.m.current = 0_mA;  // the FET is off

  b.run_until(tripped_at + 10'500_ms);
  EXPECT_EQ(b.timer(c.timer), c.release.count() - 10);  // 49.5 s left shows as 50

  b.run_until(tripped_at + to_ms(c.release) - 10_ms);
  EXPECT_TRUE(b.alarm(c.bit));
  EXPECT_EQ(b.timer(c.timer), 1);

  b.run_until(tripped_at + to_ms(c.release));
  EXPECT_EQ(b.p.alarms(), 0u);
  EXPECT_FALSE(b.p.charge_blocked());
  EXPECT_FALSE(b.p.discharge_blocked());
  EXPECT_EQ(b.timer(c.timer), 0);
  EXPECT_TRUE(b.saw(c.bit, TransitionKind::release));
}

TEST_P(TimedProtection, trips_again_after_the_delay_when_the_overload_is_still_there) {
  const TimedCase& c = GetParam();
  const Milliseconds released_at = overload() + c.delay + to_ms(c.release);
  b.run_until(released_at);
  ASSERT_FALSE(b.alarm(c.bit));
  // The FET is back on from the next tick; the delay counts from there.
  const Milliseconds restart = released_at + b.tick;
  b.run_until(restart + c.delay - 10_ms);
  EXPECT_FALSE(b.alarm(c.bit));
  b.run_until(restart + c.delay);
  EXPECT_TRUE(b.alarm(c.bit));
}

TEST_P(TimedProtection, an_overload_shorter_than_the_delay_does_not_trip) {
  const TimedCase& c = GetParam();
  const Milliseconds start = overload();
  b.run_until(start + c.delay - 10_ms);
  b.m.current = 0_mA;
  b.run_for(1000_ms);
  b.m.current = c.drive;
  b.run_for(c.delay - 10_ms);
  EXPECT_EQ(b.p.alarms(), 0u);
}

INSTANTIATE_TEST_SUITE_P(EveryOverCurrentProtection, TimedProtection, ::testing::ValuesIn(kCases),
                         [](const auto& row) { return row.param.name; });

// Seed 002 §5.3 l: 10 A, 10 s delay, 50 s release.
TEST(ManualExample, charge_10_a_10_s_delay_50_s_release) {
  Bench b;
  SOFTBMS_APPLY(b.s, Param::charge_ocp_current, 10'000);
  SOFTBMS_APPLY(b.s, Param::charge_ocp_delay, 10);
  SOFTBMS_APPLY(b.s, Param::charge_ocp_release, 50);
  b.m.current = 10'500_mA;
  b.step();  // t = 0: the over-current starts

  b.run_until(9900_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::charge_ocp));
  EXPECT_FALSE(b.p.charge_blocked());
  b.run_until(10'000_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::charge_ocp));
  EXPECT_TRUE(b.p.charge_blocked());
  EXPECT_FALSE(b.p.discharge_blocked());
  EXPECT_EQ(b.p.transitions()[0].value, 10'500);
  EXPECT_EQ(b.timer(ReleaseTimer::charge_ocp), 50);

  b.m.current = 0_mA;
  b.run_until(59'000_ms);  // 49 s after the trip
  EXPECT_TRUE(b.alarm(AlarmBit::charge_ocp));
  EXPECT_TRUE(b.p.charge_blocked());
  b.run_until(60'000_ms);  // 50 s after the trip
  EXPECT_FALSE(b.alarm(AlarmBit::charge_ocp));
  EXPECT_FALSE(b.p.charge_blocked());
}

// Seed 002 §5.3 m: 100 A, 10 s delay, 50 s release.
TEST(ManualExample, discharge_100_a_10_s_delay_50_s_release) {
  Bench b;
  SOFTBMS_APPLY(b.s, Param::discharge_ocp_current, 100'000);
  SOFTBMS_APPLY(b.s, Param::discharge_ocp_delay, 10);
  SOFTBMS_APPLY(b.s, Param::discharge_ocp_release, 50);
  b.m.current = -101'000_mA;
  b.step();

  b.run_until(9900_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::discharge_ocp));
  EXPECT_FALSE(b.p.discharge_blocked());
  b.run_until(10'000_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::discharge_ocp));
  EXPECT_TRUE(b.p.discharge_blocked());
  EXPECT_FALSE(b.p.charge_blocked());
  EXPECT_EQ(b.p.transitions()[0].value, 101'000);
  EXPECT_EQ(b.timer(ReleaseTimer::discharge_ocp), 50);

  b.m.current = 0_mA;
  b.run_until(59'000_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::discharge_ocp));
  b.run_until(60'000_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::discharge_ocp));
  EXPECT_FALSE(b.p.discharge_blocked());
}

TEST(DischargeOcpStages, do_nothing_when_switched_off) {
  Bench b;
  SOFTBMS_APPLY(b.s, Param::discharge_ocp2_enabled, 0);
  SOFTBMS_APPLY(b.s, Param::discharge_ocp3_enabled, 0);
  b.m.current = -250'000_mA;
  b.run_for(29'000_ms);
  EXPECT_EQ(b.p.alarms(), 0u);  // only stage I is left, with its 30 s delay
  b.run_for(1100_ms);
  EXPECT_EQ(b.p.alarms(), alarm_mask(AlarmBit::discharge_ocp));
}

TEST(DischargeOcpStages, a_charge_current_never_trips_discharge_protection) {
  Bench b;
  b.m.current = 250'000_mA;
  b.run_for(5000_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::discharge_ocp2));
  EXPECT_FALSE(b.alarm(AlarmBit::discharge_ocp3));
  EXPECT_FALSE(b.p.discharge_blocked());
}

// Short circuit, preset scp_release 60 s.
TEST(ShortCircuit, switches_both_fets_off_on_the_tick_that_sees_it) {
  Bench b;
  b.step();
  b.m.short_circuit = true;
  b.run_for(100_ms);
  EXPECT_EQ(b.p.alarms(), alarm_mask(AlarmBit::discharge_scp));
  EXPECT_TRUE(b.p.charge_blocked());
  EXPECT_TRUE(b.p.discharge_blocked());
  EXPECT_EQ(b.timer(ReleaseTimer::discharge_scp), 60);
  EXPECT_EQ(b.p.transitions()[0],
            (Transition{AlarmBit::discharge_scp, TransitionKind::trip, 1, 100_ms}));
}

TEST(ShortCircuit, releases_scp_release_seconds_later_when_the_short_is_gone) {
  Bench b;
  b.m.short_circuit = true;
  b.step();
  b.m.short_circuit = false;
  b.run_until(59'900_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::discharge_scp));
  b.run_until(60'000_ms);
  EXPECT_EQ(b.p.alarms(), 0u);
  EXPECT_FALSE(b.p.discharge_blocked());
  EXPECT_FALSE(b.p.charge_blocked());
}

TEST(ShortCircuit, still_shorted_at_release_raises_release_failed_and_waits_again) {
  Bench b;
  SOFTBMS_APPLY(b.s, Param::scp_release, 20);
  b.m.short_circuit = true;
  b.step();
  b.run_until(20'000_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::discharge_scp));
  EXPECT_TRUE(b.alarm(AlarmBit::scp_release_failed));
  EXPECT_EQ(b.p.state(AlarmBit::scp_release_failed), ProtectionState::tripped);
  EXPECT_TRUE(b.p.discharge_blocked());
  EXPECT_TRUE(b.saw(AlarmBit::scp_release_failed, TransitionKind::trip));
  EXPECT_EQ(b.timer(ReleaseTimer::discharge_scp), 20);

  b.run_until(40'000_ms);  // still there: one release-failed alarm, not a second trip event
  EXPECT_TRUE(b.alarm(AlarmBit::scp_release_failed));
  EXPECT_TRUE(b.p.transitions().empty());

  b.m.short_circuit = false;
  b.run_until(59'900_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::discharge_scp));
  b.run_until(60'000_ms);
  EXPECT_EQ(b.p.alarms(), 0u);
  EXPECT_EQ(b.p.state(AlarmBit::scp_release_failed), ProtectionState::normal);
  EXPECT_TRUE(b.saw(AlarmBit::discharge_scp, TransitionKind::release));
  EXPECT_TRUE(b.saw(AlarmBit::scp_release_failed, TransitionKind::release));
}

// A front end whose flag is a latch (cleared once the FET is off) reports a lasting short only
// when the release closes the FET into it again: a trip within 1 s of the release.
struct LatchedShortBench : Bench {
  // Trips at 100 ms with scp_release 20 s and the latch clear after the trip tick; returns the
  // release time (20.1 s).
  Milliseconds trip_and_release() {
    EXPECT_TRUE(apply_change(s, Param::scp_release, 20).ok());
    m.short_circuit = true;
    run_for(100_ms);
    m.short_circuit = false;
    run_until(20'100_ms);
    EXPECT_EQ(p.alarms(), 0u) << "released 20 s after the trip";
    return now;
  }
};

TEST(ShortCircuit, a_short_that_trips_again_within_1_s_of_the_release_raises_release_failed) {
  LatchedShortBench b;
  const Milliseconds released = b.trip_and_release();
  b.m.short_circuit = true;  // the FETs closed into the short: the comparator trips at once
  b.run_for(100_ms);
  b.m.short_circuit = false;
  EXPECT_EQ(b.p.alarms(),
            alarm_mask(AlarmBit::discharge_scp) | alarm_mask(AlarmBit::scp_release_failed));
  EXPECT_TRUE(b.p.charge_blocked());
  EXPECT_TRUE(b.p.discharge_blocked());
  ASSERT_EQ(b.p.transitions().size(), 2u);
  EXPECT_EQ(b.p.transitions()[1],
            (Transition{AlarmBit::scp_release_failed, TransitionKind::trip, 1, released + 100_ms}));
  EXPECT_EQ(b.timer(ReleaseTimer::discharge_scp), 20);

  b.run_until(released + 100_ms + 19'900_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::scp_release_failed)) << "held until the next release";
  b.run_for(100_ms);
  EXPECT_EQ(b.p.alarms(), 0u);
  EXPECT_TRUE(b.saw(AlarmBit::scp_release_failed, TransitionKind::release));
}

TEST(ShortCircuit, a_short_exactly_1_s_after_the_release_still_counts_as_release_failed) {
  LatchedShortBench b;
  const Milliseconds released = b.trip_and_release();
  b.run_until(released + 900_ms);
  b.m.short_circuit = true;
  b.run_for(100_ms);  // 1000 ms after the release
  EXPECT_TRUE(b.alarm(AlarmBit::scp_release_failed));
}

TEST(ShortCircuit, a_short_more_than_1_s_after_the_release_is_a_new_short_circuit) {
  LatchedShortBench b;
  const Milliseconds released = b.trip_and_release();
  b.run_until(released + 1000_ms);
  b.m.short_circuit = true;
  b.run_for(100_ms);  // 1100 ms after the release
  EXPECT_EQ(b.p.alarms(), alarm_mask(AlarmBit::discharge_scp));
}

TEST(ShortCircuit, the_fast_path_raises_release_failed_when_it_trips_right_after_a_release) {
  LatchedShortBench b;
  const Milliseconds released = b.trip_and_release();
  b.p.short_circuit(released + 2_ms);
  EXPECT_EQ(b.p.alarms(),
            alarm_mask(AlarmBit::discharge_scp) | alarm_mask(AlarmBit::scp_release_failed));
  EXPECT_TRUE(b.p.discharge_blocked());
}

TEST(ShortCircuit, fast_path_trips_between_ticks_and_the_next_step_reports_it) {
  Bench b;
  b.step();
  b.p.short_circuit(50_ms);
  EXPECT_EQ(b.p.alarms(), alarm_mask(AlarmBit::discharge_scp));
  EXPECT_TRUE(b.p.charge_blocked());
  EXPECT_TRUE(b.p.discharge_blocked());
  const Transition expected{AlarmBit::discharge_scp, TransitionKind::trip, 1, 50_ms};
  ASSERT_EQ(b.p.transitions().size(), 1u);
  EXPECT_EQ(b.p.transitions()[0], expected);

  b.p.short_circuit(60_ms);  // a second interrupt while off changes nothing
  EXPECT_EQ(b.p.transitions().size(), 1u);

  b.run_for(100_ms);  // the front end's flag is already clear again
  ASSERT_EQ(b.p.transitions().size(), 1u);
  EXPECT_EQ(b.p.transitions()[0], expected);
  b.run_for(100_ms);
  EXPECT_TRUE(b.p.transitions().empty());

  b.run_until(60'000_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::discharge_scp));
  b.run_until(60'100_ms);  // the first tick at or after 60 s past the interrupt
  EXPECT_FALSE(b.alarm(AlarmBit::discharge_scp));
}

TEST(ShortCircuit, fast_path_keeps_the_last_steps_transitions_until_the_next_step) {
  Bench b;
  b.step();
  set_cell(b.m, 0, 3700_mV);
  SOFTBMS_APPLY(b.s, Param::cell_ovp_delay, 0);
  b.run_for(100_ms);
  ASSERT_EQ(b.p.transitions().size(), 1u);
  b.p.short_circuit(b.now + 1_ms);
  ASSERT_EQ(b.p.transitions().size(), 2u);
  EXPECT_EQ(b.p.transitions()[0].bit, AlarmBit::cell_ovp);
  EXPECT_EQ(b.p.transitions()[1].bit, AlarmBit::discharge_scp);
}

}  // namespace
}  // namespace softbms::core::test
