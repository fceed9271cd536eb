// Failed MOSFETs (issue 11; JK alarm bits 16 "charge MOS fault" and 17 "discharge MOS fault",
// jk-protocols.md §2.2). The manuals name the alarms but give no rule; the rule is in
// docs/protections.md, "Failed MOSFETs".
#include "core/protect/fet_monitor.hpp"

#include <gtest/gtest.h>

namespace softbms::core {
namespace {
using namespace softbms::literals;

constexpr Milliseconds kTick{100};

Measured reading(bool charge_rb, bool discharge_rb, Milliamps current = 0_mA) {
  Measured m;
  m.charge_fet_readback = charge_rb;
  m.discharge_fet_readback = discharge_rb;
  m.current = current;
  return m;
}

// Steps the monitor for span with the same inputs; returns the last step's changes.
struct Clock {
  FetMonitor mon;
  Milliseconds t{0};
  std::array<FetMonitor::Change, 2> last{};
  int trips = 0;
  int releases = 0;
  void run(Milliseconds span, const Measured& m, FetCommand cmd, bool powered = true) {
    const Milliseconds end = t + span;
    for (; t < end; t += kTick) {
      last = mon.step(t, m, cmd, powered);
      for (const auto& c : last) {
        trips += c.tripped ? 1 : 0;
        releases += c.released ? 1 : 0;
      }
    }
  }
};

TEST(FetMonitor, healthy_fets_raise_nothing_whatever_they_are_told) {
  Clock c;
  c.run(5000_ms, reading(true, true, 50000_mA), {true, true});
  c.run(5000_ms, reading(false, true, -50000_mA), {false, true});
  c.run(5000_ms, reading(true, false), {true, false});
  c.run(5000_ms, reading(false, false), {false, false});
  EXPECT_EQ(c.mon.alarms(), 0u);
  EXPECT_EQ(c.trips, 0);
}

TEST(FetMonitor, charge_fet_read_back_on_while_commanded_off_is_stuck_on_after_the_delay) {
  Clock c;
  c.run(kFetFaultDelay, reading(true, true), {false, true});
  EXPECT_EQ(c.mon.alarms(), 0u) << "one delay of evidence is not yet a fault";
  c.run(kTick, reading(true, true), {false, true});
  EXPECT_EQ(c.mon.fault(Fet::charge), FetFault::stuck_on);
  EXPECT_EQ(c.mon.alarms(), alarm_mask(AlarmBit::charge_mos_fault));
  EXPECT_TRUE(c.last[0].tripped);
  // Stuck on blocks nothing: the discharge FET stays the way back down from over-voltage.
  EXPECT_FALSE(c.mon.charge_blocked());
  EXPECT_FALSE(c.mon.discharge_blocked());
}

TEST(FetMonitor, charge_current_while_the_charge_fet_is_off_is_stuck_on_without_a_read_back) {
  // A front end whose read-back echoes the gate drive: only the current tells.
  Clock c;
  c.run(1200_ms, reading(false, true, 10000_mA), {false, true});
  EXPECT_EQ(c.mon.fault(Fet::charge), FetFault::stuck_on);
  EXPECT_EQ(c.mon.fault(Fet::discharge), FetFault::none);
}

TEST(FetMonitor, discharge_current_while_the_discharge_fet_is_off_is_stuck_on) {
  Clock c;
  c.run(1200_ms, reading(true, false, -20000_mA), {true, false});
  EXPECT_EQ(c.mon.fault(Fet::discharge), FetFault::stuck_on);
  EXPECT_EQ(c.mon.alarms(), alarm_mask(AlarmBit::discharge_mos_fault));
}

TEST(FetMonitor, current_with_both_fets_read_back_off_is_the_current_sensors_fault_not_a_fet) {
  Clock c;
  c.run(5000_ms, reading(false, false, -5000_mA), {false, false});
  EXPECT_EQ(c.mon.alarms(), 0u);
}

TEST(FetMonitor, discharge_current_through_the_precharge_resistor_is_no_evidence) {
  Clock c;
  c.run(5000_ms, reading(true, false, -3000_mA), {true, false, true});
  EXPECT_EQ(c.mon.alarms(), 0u);
}

TEST(FetMonitor, a_small_current_through_a_body_diode_direction_is_no_evidence) {
  Clock c;
  // Charge FET off, 0.5 A of charge (shunt offset, a trickle): below kFetStuckCurrent.
  c.run(5000_ms, reading(false, true, 500_mA), {false, true});
  // Discharging with the charge FET off is normal: its body diode carries it.
  c.run(5000_ms, reading(false, true, -30000_mA), {false, true});
  EXPECT_EQ(c.mon.alarms(), 0u);
}

TEST(FetMonitor, a_fet_that_stays_off_while_commanded_on_is_stuck_off_and_opens_the_other) {
  Clock c;
  c.run(1200_ms, reading(false, true), {true, true});
  EXPECT_EQ(c.mon.fault(Fet::charge), FetFault::stuck_off);
  EXPECT_TRUE(c.mon.discharge_blocked()) << "discharge current would heat the dead FET's diode";
  EXPECT_FALSE(c.mon.charge_blocked());

  Clock d;
  d.run(1200_ms, reading(true, false), {true, true});
  EXPECT_EQ(d.mon.fault(Fet::discharge), FetFault::stuck_off);
  EXPECT_TRUE(d.mon.charge_blocked());
  EXPECT_FALSE(d.mon.discharge_blocked());
}

TEST(FetMonitor, one_tick_of_mismatch_from_the_short_circuit_latch_is_not_a_fault) {
  Clock c;
  c.run(kTick, reading(true, false), {true, true});  // the latch opened it before the core did
  c.run(3000_ms, reading(true, false), {true, false});
  EXPECT_EQ(c.mon.alarms(), 0u);
}

TEST(FetMonitor, an_unpowered_board_gathers_no_evidence) {
  Clock c;
  c.run(5000_ms, reading(false, false), {true, true}, false);
  EXPECT_EQ(c.mon.alarms(), 0u);
}

// Campaign seed 1, run 84154: a short's latch opened the discharge FET one tick before the
// board was shut down; on the wake 35 minutes later the latch opened it again at once, and the
// old tick's start made that look like a second of "stuck off" (a MOSFET fault that kept the
// charge FET open).
TEST(FetMonitor, evidence_from_before_a_power_off_does_not_carry_over_the_wake) {
  Clock c;
  c.run(kTick, reading(true, false), {true, true});  // the latch, one tick before the shutdown
  c.run(2000_ms, reading(false, false), {false, false}, false);
  c.run(kTick, reading(true, false), {true, true});  // the wake: the latch again
  c.run(3000_ms, reading(true, false), {true, false});
  EXPECT_EQ(c.mon.alarms(), 0u);
  EXPECT_EQ(c.trips, 0);
}

// The good behaviour that releases a latched fault must also be seen while powered, unbroken.
TEST(FetMonitor, a_release_hold_does_not_run_across_a_power_off) {
  Clock c;
  c.run(1200_ms, reading(false, true), {true, true});
  ASSERT_EQ(c.mon.fault(Fet::charge), FetFault::stuck_off);
  c.run(3000_ms, reading(true, true), {true, true});  // conducts again: 3 s of the 5 s hold
  c.run(10'000_ms, reading(false, false), {false, false}, false);
  c.run(kTick, reading(true, true), {true, true});
  EXPECT_EQ(c.mon.fault(Fet::charge), FetFault::stuck_off) << "the hold starts again";
  c.run(kFetFaultReleaseHold, reading(true, true), {true, true});
  EXPECT_EQ(c.mon.fault(Fet::charge), FetFault::none);
}

TEST(FetMonitor, stuck_on_latches_until_the_fet_is_seen_blocking_again_for_the_hold) {
  Clock c;
  c.run(1200_ms, reading(true, true), {false, true});
  ASSERT_EQ(c.mon.fault(Fet::charge), FetFault::stuck_on);
  // Switched on again: nothing can be learnt, the fault holds.
  c.run(20000_ms, reading(true, true), {true, true});
  EXPECT_EQ(c.mon.fault(Fet::charge), FetFault::stuck_on);
  // Off again and now blocking: released after the hold, not before.
  c.run(kFetFaultReleaseHold, reading(false, true), {false, true});
  EXPECT_EQ(c.mon.fault(Fet::charge), FetFault::stuck_on);
  c.run(kTick, reading(false, true), {false, true});
  EXPECT_EQ(c.mon.fault(Fet::charge), FetFault::none);
  EXPECT_EQ(c.releases, 1);
}

TEST(FetMonitor, stuck_off_releases_when_the_fet_conducts_again) {
  Clock c;
  c.run(1200_ms, reading(true, false), {true, true});
  ASSERT_EQ(c.mon.fault(Fet::discharge), FetFault::stuck_off);
  c.run(2000_ms, reading(true, true), {true, true});
  c.run(1000_ms, reading(true, false), {true, true});  // flickers: the hold starts again
  c.run(kFetFaultReleaseHold + kTick, reading(true, true), {true, true});
  EXPECT_EQ(c.mon.fault(Fet::discharge), FetFault::none);
  EXPECT_FALSE(c.mon.charge_blocked());
}

}  // namespace
}  // namespace softbms::core
