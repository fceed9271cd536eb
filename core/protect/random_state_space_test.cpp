// Explores the state space with seeded random measurement sequences, settings and emergency /
// short-circuit events, and checks invariants on every step rather than chosen examples:
//  - the alarm mask is exactly the set of rows in tripped or recovering state;
//  - a FET is blocked iff an active alarm has that effect and the emergency switch does not
//    override it;
//  - the transitions of a step turn the previous mask into the new one, one change per bit;
//  - no trip comes before its delay, no timed release before its release time;
//  - no hang: once every input is normal again, every alarm clears within the longest release
//    time the settings allow (120 s) plus the fault hold.
#include <gtest/gtest.h>

#include <array>
#include <random>

#include "core/protect/protect_test_support.hpp"

namespace softbms::core::test {
namespace {

constexpr int kSequences = 2000;
constexpr int kStepsPerSequence = 150;
constexpr Milliseconds kNoHangBound{120'000 + 5'000};

class Explorer {
 public:
  explicit Explorer(uint32_t seed) : rng_(seed) {}

  void run() {
    randomise_settings();
    b_.now = Milliseconds(pick(0, 1'000'000));
    for (int i = 0; i < kStepsPerSequence && !::testing::Test::HasFatalFailure(); ++i) {
      mutate();
      b_.now += Milliseconds(pick(1, 700));
      if (pick(0, 200) == 0) fast_short(b_.now - Milliseconds(1));
      step_and_check();
    }
    settle_and_check_no_hang();
  }

 private:
  int32_t pick(int32_t lo, int32_t hi) {
    return std::uniform_int_distribution<int32_t>(lo, hi)(rng_);
  }
  template <std::size_t N>
  int32_t one_of(const std::array<int32_t, N>& values) {
    return values[static_cast<std::size_t>(pick(0, static_cast<int32_t>(N) - 1))];
  }
  bool chance(int percent) { return pick(0, 99) < percent; }

  // Short delays and release times, so that trips and releases happen often.
  void randomise_settings() {
    const std::array<std::pair<Param, std::pair<int32_t, int32_t>>, 10> ranges = {{
        {Param::cell_ovp_delay, {0, 3}},
        {Param::cell_uvp_delay, {0, 3}},
        {Param::temp_protection_delay, {0, 3}},
        {Param::charge_ocp_delay, {1, 4}},
        {Param::discharge_ocp_delay, {1, 4}},
        {Param::charge_ocp_release, {2, 8}},
        {Param::discharge_ocp_release, {2, 8}},
        {Param::scp_release, {2, 8}},
        {Param::discharge_ocp2_delay, {10, 2000}},
        {Param::discharge_ocp3_delay, {10, 500}},
    }};
    for (const auto& [param, range] : ranges) {
      ASSERT_TRUE(apply_change(b_.s, param, pick(range.first, range.second)).ok());
    }
    ASSERT_TRUE(apply_change(b_.s, Param::discharge_ocp2_enabled, pick(0, 1)).ok());
    ASSERT_TRUE(apply_change(b_.s, Param::discharge_ocp3_enabled, pick(0, 1)).ok());
  }

  // Values at and around every LFP preset limit.
  void mutate() {
    constexpr std::array<int32_t, 14> cells = {2400, 2599, 2600, 2601, 2999, 3000, 3001,
                                               3300, 3399, 3400, 3401, 3599, 3600, 3601};
    constexpr std::array<int32_t, 12> temps = {-300, -201, -200, -150, -100, -99,
                                               250,  549,  550,  600,  601,  760};
    constexpr std::array<int32_t, 13> currents = {0,        1500,    2000,     2100,     -2100,
                                                  100'000,  100'001, -100'001, -150'001, -200'001,
                                                  -300'000, 150'000, -50'000};
    if (chance(30)) set_cell(b_.m, pick(0, kCells - 1), Millivolts(one_of(cells)));
    if (chance(5)) set_all_cells(b_.m, Millivolts(one_of(cells)));
    if (chance(20)) set_battery_temp(b_.m, DeciCelsius(one_of(temps)));
    if (chance(10)) b_.m.mos = DeciCelsius(one_of(temps));
    if (chance(5)) b_.m.battery_temp_valid = !b_.m.battery_temp_valid;
    if (chance(3)) b_.m.mos_temp_valid = !b_.m.mos_temp_valid;
    if (chance(25)) b_.m.current = Milliamps(one_of(currents));
    if (chance(3)) b_.m.short_circuit = !b_.m.short_circuit;
    if (chance(3)) b_.m.temp_fault_mask = b_.m.temp_fault_mask != 0 ? 0 : 0b100;
    if (chance(3)) b_.m.wire_alarm_mask = b_.m.wire_alarm_mask != 0 ? 0 : 0b1000;
    if (chance(3)) toggle_cell_presence();
    if (chance(10)) {
      b_.m.charge_fet_readback = chance(50);
      b_.m.discharge_fet_readback = chance(50);
    }
    if (chance(5)) b_.in.emergency = !b_.in.emergency;
  }

  void toggle_cell_presence() {
    b_.m.present_mask ^= uint32_t{1} << pick(0, kCells - 1);
    derive(b_.m);
  }

  void fast_short(Milliseconds at) {
    const uint32_t before = b_.p.alarms();
    b_.p.short_circuit(at);
    EXPECT_NE(b_.p.alarms() & alarm_mask(AlarmBit::discharge_scp), 0u);
    EXPECT_TRUE(b_.p.charge_blocked());
    EXPECT_TRUE(b_.p.discharge_blocked());
    if ((before & alarm_mask(AlarmBit::discharge_scp)) == 0) {
      note_trip(*row_of(AlarmBit::discharge_scp), at);
    }
    fast_alarms_ = true;
  }

  void step_and_check() {
    std::array<ProtectionState, kProtectionCount> before_state{};
    for (std::size_t i = 0; i < kProtectionCount; ++i)
      before_state[i] = b_.p.state(kProtections[i].bit);
    // Transitions the fast path recorded since the last step are replayed in this step's list.
    const uint32_t before = fast_alarms_ ? before_fast_ : b_.p.alarms();
    b_.step();
    check_mask_matches_states();
    check_blocking();
    check_transitions(before, before_state);
    for (std::size_t i = 0; i < kProtectionCount; ++i) {
      if (b_.p.state(kProtections[i].bit) == ProtectionState::pending &&
          before_state[i] != ProtectionState::pending) {
        pending_since_[i] = b_.now;
      }
    }
    fast_alarms_ = false;
    before_fast_ = b_.p.alarms();
  }

  void check_mask_matches_states() {
    for (const ProtectionRow& row : kProtections) {
      const ProtectionState st = b_.p.state(row.bit);
      const bool active = st == ProtectionState::tripped || st == ProtectionState::recovering;
      ASSERT_EQ(b_.alarm(row.bit), active) << row.name;
    }
  }

  void check_blocking() {
    bool charge = false;
    bool discharge = false;
    for (const ProtectionRow& row : kProtections) {
      if (!b_.alarm(row.bit) || (b_.in.emergency && row.emergency == EmergencyRule::overrides))
        continue;
      charge = charge || affects_charge(row.effect);
      discharge = discharge || affects_discharge(row.effect);
    }
    ASSERT_EQ(b_.p.charge_blocked(), charge);
    ASSERT_EQ(b_.p.discharge_blocked(), discharge);
  }

  void check_transitions(uint32_t before,
                         const std::array<ProtectionState, kProtectionCount>& was) {
    uint32_t mask = before;
    for (const Transition& t : b_.p.transitions()) {
      const uint32_t bit = alarm_mask(t.bit);
      if (t.kind == TransitionKind::trip) {
        ASSERT_EQ(mask & bit, 0u) << protection_name(t.bit) << " tripped twice";
        mask |= bit;
        check_trip_timing(t, was);
      } else {
        ASSERT_NE(mask & bit, 0u) << protection_name(t.bit) << " released while clear";
        mask &= ~bit;
        check_release_timing(t);
      }
    }
    ASSERT_EQ(mask, b_.p.alarms());
  }

  void check_trip_timing(const Transition& t,
                         const std::array<ProtectionState, kProtectionCount>& was) {
    const auto i = row_of(t.bit);
    if (!i || t.at != b_.now) return;  // release-failed, or replayed from the fast path
    const Milliseconds delay = resolve_delay(kProtections[*i]);
    if (was[*i] == ProtectionState::pending) {
      ASSERT_GE(t.at - pending_since_[*i], delay) << kProtections[*i].name;
    } else {
      ASSERT_EQ(delay, Milliseconds(0)) << kProtections[*i].name << " tripped without pending";
    }
    note_trip(*i, t.at);
  }

  void check_release_timing(const Transition& t) {
    const auto i = row_of(t.bit);
    if (!i) return;
    const ProtectionRow& row = kProtections[*i];
    if (row.release.kind != ReleaseKind::timed) return;
    ASSERT_GE(t.at - tripped_at_[*i], to_ms(b_.s.seconds(row.release.after.param))) << row.name;
  }

  void note_trip(std::size_t i, Milliseconds at) { tripped_at_[i] = at; }

  Milliseconds resolve_delay(const ProtectionRow& row) const {
    if (row.delay.param == kNoParam) return row.delay.fixed;
    const int32_t v = b_.s.raw(row.delay.param);
    return info(row.delay.param).unit == Unit::s ? to_ms(Seconds(v)) : Milliseconds(v);
  }

  // Every input normal; the FETs read back what the protections allow.
  void settle_and_check_no_hang() {
    b_.m = healthy_pack();
    b_.in.emergency = false;
    const Milliseconds normal_from = b_.now + Milliseconds(100);
    while (b_.now < normal_from + kNoHangBound && !::testing::Test::HasFatalFailure()) {
      b_.m.charge_fet_readback = !b_.p.charge_blocked();
      b_.m.discharge_fet_readback = !b_.p.discharge_blocked();
      b_.now += Milliseconds(500);
      b_.p.step(b_.now, b_.m, b_.s, b_.in);
    }
    ASSERT_EQ(b_.p.alarms(), 0u);
    ASSERT_FALSE(b_.p.charge_blocked());
    ASSERT_FALSE(b_.p.discharge_blocked());
    for (const ProtectionRow& row : kProtections) {
      ASSERT_EQ(b_.p.state(row.bit), ProtectionState::normal) << row.name;
    }
  }

  std::mt19937 rng_;
  Bench b_;
  std::array<Milliseconds, kProtectionCount> pending_since_{};
  std::array<Milliseconds, kProtectionCount> tripped_at_{};
  bool fast_alarms_ = false;
  uint32_t before_fast_ = 0;
};

TEST(RandomStateSpace, invariants_hold_and_every_alarm_clears_once_inputs_are_normal) {
  for (uint32_t seed = 1; seed <= kSequences; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    Explorer(seed).run();
    if (::testing::Test::HasFailure()) break;
  }
}

TEST(RandomStateSpace, releases_happen_in_the_random_runs) {
  // Guards the explorer itself: the sequences must reach trips and releases of many rows,
  // or the invariants above would hold for want of anything happening.
  uint32_t tripped = 0;
  uint32_t released = 0;
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    Bench b;
    b.tick = 500_ms;  // one step per round, so every transition is seen
    std::mt19937 rng(seed);
    for (int i = 0; i < 300; ++i) {
      if (rng() % 3 == 0)
        set_cell(b.m, static_cast<int>(rng() % kCells), Millivolts(rng() % 2 == 0 ? 3700 : 2500));
      if (rng() % 5 == 0) set_all_cells(b.m, kHealthyCell);
      if (rng() % 7 == 0) b.m.current = Milliamps(rng() % 2 == 0 ? 0 : -220'000);
      if (rng() % 11 == 0) set_battery_temp(b.m, DeciCelsius(rng() % 2 == 0 ? 700 : 250));
      b.run_for(500_ms);
      for (const Transition& t : b.p.transitions()) {
        (t.kind == TransitionKind::trip ? tripped : released) |= alarm_mask(t.bit);
      }
    }
  }
  const uint32_t expected = alarm_mask(AlarmBit::cell_ovp) | alarm_mask(AlarmBit::cell_uvp) |
                            alarm_mask(AlarmBit::discharge_ocp3) | alarm_mask(AlarmBit::charge_otp);
  EXPECT_EQ(tripped & expected, expected);
  EXPECT_EQ(released & expected, expected);
}

}  // namespace
}  // namespace softbms::core::test
