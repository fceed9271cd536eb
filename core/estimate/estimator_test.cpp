#include "core/estimate/estimator.hpp"

#include <cstring>

#include <gtest/gtest.h>

namespace softbms::core {
namespace {

using namespace softbms::literals;

constexpr int kCells = 16;

Settings pack_100ah() {
  Settings s = Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, kCells);
  s.set_raw(Param::design_capacity, 100000);  // soc_100 3450 mV, soc_0 2800 mV (LFP preset)
  return s;
}

Measured cells_at(Millivolts low, Millivolts high, Milliamps current) {
  Measured m;
  m.cells_present = kCells;
  m.cells_expected = kCells;
  m.min = low;
  m.max = high;
  m.avg = Millivolts((low.count() + high.count()) / 2);
  m.delta = high - low;
  m.pack = m.avg * kCells;
  m.current = current;
  return m;
}

Measured cells_at(Millivolts v, Milliamps current) {
  return cells_at(v, v, current);
}

constexpr FetState kBothOn{true, true};

// Drives the estimator with a constant measurement in 100 ms ticks for `duration` after the
// tick at `last`; returns the time of the last tick and ORs the notes seen.
struct Ticks {
  Milliseconds end;
  EstimateNotes notes;
};
Ticks run(Estimator& e, Milliseconds last, Milliseconds duration, const Measured& m,
          const Settings& s, FetState fets = kBothOn) {
  Ticks r{last, {}};
  for (Milliseconds t = last + 100_ms; t <= last + duration; t += 100_ms) {
    const EstimateNotes n = e.update(t, m, s, fets);
    r.notes.soc_full |= n.soc_full;
    r.notes.soc_empty |= n.soc_empty;
    r.notes.capacity_learned |= n.capacity_learned;
    r.notes.capacity_rejected |= n.capacity_rejected;
    r.end = t;
  }
  return r;
}

// Holds a measurement long enough for a SOC rule to confirm.
Ticks hold(Estimator& e, Milliseconds last, const Measured& m, const Settings& s,
           FetState fets = kBothOn) {
  return run(e, last, kSocRuleConfirm + 100_ms, m, s, fets);
}

// Brings a fresh estimator to SOC 100 % by the SOC-100 rule (resting at soc_100_voltage).
Milliseconds make_full(Estimator& e, const Settings& s) {
  e.update(0_ms, cells_at(3450_mV, 0_mA), s, kBothOn);
  return hold(e, 0_ms, cells_at(3450_mV, 0_mA), s).end;
}

Milliseconds make_empty(Estimator& e, const Settings& s, Milliseconds last) {
  return hold(e, last, cells_at(2800_mV, 0_mA), s).end;
}

TEST(Estimator, discharge_50a_for_one_hour_from_full_100ah_leaves_50_percent_and_50000_mah) {
  const Settings s = pack_100ah();
  Estimator e;
  const Milliseconds t = make_full(e, s);
  ASSERT_EQ(e.soc_percent(), 100);
  run(e, t, Milliseconds(3'600'000), cells_at(3300_mV, -50_A), s);
  EXPECT_EQ(e.remaining(), 50000_mAh);
  EXPECT_EQ(e.counters().remaining, MilliampMilliseconds(50'000LL * 3'600'000));
  EXPECT_EQ(e.soc_percent(), 50);
  EXPECT_EQ(e.soc_permille(), 500);
  EXPECT_EQ(e.cycle_capacity(), 50000_mAh);
}

TEST(Estimator, odd_currents_and_ticks_integrate_without_rounding_loss) {
  const Settings s = pack_100ah();
  Estimator e;
  Milliseconds t = make_full(e, s);
  // 7 ms ticks at -1 mA for 360 000 ticks: 2 520 000 mA·ms = 0.7 mAh, each tick far below 1 mAh.
  for (int i = 0; i < 360'000; ++i) {
    t += 7_ms;
    e.update(t, cells_at(3300_mV, -1_mA), s, kBothOn);
  }
  EXPECT_EQ(e.counters().remaining, to_charge(100000_mAh) - MilliampMilliseconds(2'520'000));
}

TEST(Estimator, soc_is_clamped_between_empty_and_full) {
  const Settings s = pack_100ah();
  Estimator e;
  Milliseconds t = make_full(e, s);
  // Charging on at 10 A, above the tail current, at a cell voltage below the full rule.
  t = run(e, t, 60'000_ms, cells_at(3400_mV, 10_A), s).end;
  EXPECT_EQ(e.remaining(), 100000_mAh);
  EXPECT_EQ(e.soc_percent(), 100);
  // 100 A for 61 minutes takes more than the 100 Ah in the pack.
  run(e, t, Milliseconds(61LL * 60'000), cells_at(3000_mV, -100_A), s);
  EXPECT_EQ(e.remaining(), 0_mAh);
  EXPECT_EQ(e.soc_percent(), 0);
}

TEST(Estimator, soc_100_rule_fires_at_exactly_soc_100_voltage_when_current_tapers) {
  const Settings s = pack_100ah();
  Estimator e;
  Milliseconds t = make_full(e, s);
  t = run(e, t, 3'600'000_ms, cells_at(3300_mV, -30_A), s).end;  // 70 %
  ASSERT_EQ(e.soc_percent(), 70);
  // 1 mV short of the voltage while resting: no full.
  t = run(e, t, 10'000_ms, cells_at(3300_mV, 3449_mV, 0_mA), s).end;
  EXPECT_EQ(e.soc_percent(), 70);
  // At the voltage but still charging at 10 A, above the 5 A tail (0.05 C): no full.
  t = run(e, t, 10'000_ms, cells_at(3300_mV, 3450_mV, 10_A), s).end;
  EXPECT_LT(e.soc_percent(), 100);
  // Exactly the tail current is not yet below it.
  t = run(e, t, 10'000_ms, cells_at(3300_mV, 3450_mV, 5000_mA), s).end;
  EXPECT_LT(e.soc_percent(), 100);
  // The current tapers to 4.9 A: full after the 2 s confirmation.
  const Measured tapered = cells_at(3300_mV, 3450_mV, 4900_mA);
  e.update(t + 100_ms, tapered, s, kBothOn);
  EXPECT_FALSE(e.update(t + 2099_ms, tapered, s, kBothOn).soc_full);
  EXPECT_LT(e.soc_percent(), 100);
  EXPECT_TRUE(e.update(t + 2100_ms, tapered, s, kBothOn).soc_full);
  EXPECT_EQ(e.soc_percent(), 100);
  EXPECT_EQ(e.remaining(), 100000_mAh);
}

TEST(Estimator, soc_100_rule_fires_when_the_charge_fet_stops_charging) {
  const Settings s = pack_100ah();
  Estimator e;
  Milliseconds t = make_full(e, s);
  t = run(e, t, 600'000_ms, cells_at(3300_mV, -60_A), s).end;  // 90 %
  ASSERT_EQ(e.soc_percent(), 90);
  const Ticks r = hold(e, t, cells_at(3300_mV, 3460_mV, 20_A), s, {false, true});
  EXPECT_TRUE(r.notes.soc_full);
  EXPECT_EQ(e.soc_percent(), 100);
}

TEST(Estimator, soc_0_rule_fires_at_exactly_soc_0_voltage) {
  const Settings s = pack_100ah();
  Estimator e;
  Milliseconds t = make_full(e, s);
  t = run(e, t, 10'000_ms, cells_at(2801_mV, 3000_mV, 0_mA), s).end;
  EXPECT_EQ(e.soc_percent(), 100);
  const Measured at_soc0 = cells_at(2800_mV, 3000_mV, -1_A);
  e.update(t + 100_ms, at_soc0, s, kBothOn);
  EXPECT_FALSE(e.update(t + 2099_ms, at_soc0, s, kBothOn).soc_empty);
  EXPECT_TRUE(e.update(t + 2100_ms, at_soc0, s, kBothOn).soc_empty);
  EXPECT_EQ(e.soc_percent(), 0);
  EXPECT_EQ(e.remaining(), 0_mAh);
  EXPECT_TRUE(e.learning());
}

TEST(Estimator, a_short_dip_to_soc_0_voltage_does_not_reset_soc) {
  const Settings s = pack_100ah();
  Estimator e;
  Milliseconds t = make_full(e, s);
  t = run(e, t, 1900_ms, cells_at(2700_mV, 3000_mV, -200_A), s).end;
  run(e, t, 5000_ms, cells_at(3200_mV, 0_mA), s);
  EXPECT_GT(e.soc_percent(), 90);
  EXPECT_FALSE(e.learning());
}

TEST(Estimator, full_capacity_is_learned_after_a_complete_discharge_then_a_complete_charge) {
  const Settings s = pack_100ah();
  Estimator e;
  Milliseconds t = make_full(e, s);
  t = make_empty(e, s, t);
  ASSERT_TRUE(e.learning());
  // 92 Ah goes in (46 A for 2 h), then the charge tapers at the SOC-100 voltage.
  t = run(e, t, Milliseconds(7'200'000), cells_at(3350_mV, 46_A), s).end;
  EXPECT_EQ(e.full_capacity(), 100000_mAh);  // not learned before the full rule
  const Ticks r = hold(e, t, cells_at(3450_mV, 0_mA), s);
  EXPECT_TRUE(r.notes.capacity_learned);
  EXPECT_EQ(e.full_capacity(), 92000_mAh);
  EXPECT_EQ(e.remaining(), 92000_mAh);
  EXPECT_EQ(e.soh_percent(), 92);
  EXPECT_EQ(e.design_capacity(), 100000_mAh);
  EXPECT_FALSE(e.learning());
}

TEST(Estimator, a_partial_charge_without_a_complete_discharge_teaches_nothing) {
  const Settings s = pack_100ah();
  Estimator e;
  Milliseconds t = make_full(e, s);
  t = run(e, t, 3'600'000_ms, cells_at(3300_mV, -40_A), s).end;  // 60 %, never empty
  t = run(e, t, 3'600'000_ms, cells_at(3350_mV, 30_A), s).end;
  const Ticks r = hold(e, t, cells_at(3450_mV, 0_mA), s);
  EXPECT_TRUE(r.notes.soc_full);
  EXPECT_FALSE(r.notes.capacity_learned);
  EXPECT_EQ(e.full_capacity(), 100000_mAh);
}

TEST(Estimator, a_complete_discharge_followed_by_a_partial_charge_teaches_nothing_yet) {
  const Settings s = pack_100ah();
  Estimator e;
  Milliseconds t = make_full(e, s);
  t = make_empty(e, s, t);
  t = run(e, t, 3'600'000_ms, cells_at(3300_mV, 40_A), s).end;  // charger removed
  t = run(e, t, 60'000_ms, cells_at(3300_mV, 0_mA), s).end;
  EXPECT_EQ(e.full_capacity(), 100000_mAh);
  EXPECT_TRUE(e.learning());
  EXPECT_EQ(e.remaining(), 40000_mAh);
}

TEST(Estimator, an_implausible_learned_capacity_is_rejected) {
  const Settings s = pack_100ah();
  Estimator e;
  Milliseconds t = make_full(e, s);
  t = make_empty(e, s, t);
  // Only 40 Ah to the full voltage: below 50 % of design, so not believed.
  t = run(e, t, 3'600'000_ms, cells_at(3350_mV, 40_A), s).end;
  const Ticks r = hold(e, t, cells_at(3450_mV, 0_mA), s);
  EXPECT_TRUE(r.notes.capacity_rejected);
  EXPECT_FALSE(r.notes.capacity_learned);
  EXPECT_EQ(e.full_capacity(), 100000_mAh);
  EXPECT_EQ(e.soc_percent(), 100);
}

TEST(Estimator, one_cycle_counts_per_full_capacity_discharged) {
  const Settings s = pack_100ah();
  Estimator e;
  Milliseconds t = make_full(e, s);
  // 3 x 60 Ah out and 60 Ah back in: 180 Ah discharged = 1 cycle (+80 Ah towards the next).
  for (int i = 0; i < 3; ++i) {
    t = run(e, t, Milliseconds(3'600'000), cells_at(3300_mV, -60_A), s).end;
    t = run(e, t, Milliseconds(3'600'000), cells_at(3300_mV, 60_A), s).end;
  }
  EXPECT_EQ(e.cycles(), 1u);
  EXPECT_EQ(e.cycle_capacity(), 180000_mAh);
  t = run(e, t, Milliseconds(1'200'000), cells_at(3300_mV, -60_A), s).end;
  EXPECT_EQ(e.cycles(), 2u);
  EXPECT_EQ(e.cycle_capacity(), 200000_mAh);
}

TEST(Estimator, energy_is_pack_voltage_times_current_in_mwh) {
  const Settings s = pack_100ah();
  Estimator e;
  Milliseconds t = make_full(e, s);
  // 16 x 3.2 V = 51.2 V at 10 A for 1 h = 512 000 mWh out; 51.2 V x 5 A for 30 min = 128 000 in.
  t = run(e, t, Milliseconds(3'600'000), cells_at(3200_mV, -10_A), s).end;
  EXPECT_EQ(e.discharged_energy(), MilliwattHours(512000));
  EXPECT_EQ(e.charged_energy(), MilliwattHours(0));
  run(e, t, Milliseconds(1'800'000), cells_at(3200_mV, 5_A), s);
  EXPECT_EQ(e.charged_energy(), MilliwattHours(128000));
  EXPECT_EQ(e.discharged_energy(), MilliwattHours(512000));
}

TEST(Estimator, runtime_and_power_on_count_accumulate_across_restarts) {
  const Settings s = pack_100ah();
  Estimator first;
  first.boot();
  first.update(0_ms, cells_at(3300_mV, 0_mA), s, kBothOn);
  run(first, 0_ms, 3'600'000_ms, cells_at(3300_mV, 0_mA), s);
  EXPECT_EQ(first.runtime(), 3600_s);
  EXPECT_EQ(first.power_on_count(), 1u);

  // After a restart the uptime clock starts again at 0; runtime continues.
  Estimator second;
  ASSERT_TRUE(second.restore(first.counters()).ok());
  second.boot();
  second.update(0_ms, cells_at(3300_mV, 0_mA), s, kBothOn);
  run(second, 0_ms, 1'800'000_ms, cells_at(3300_mV, 0_mA), s);
  EXPECT_EQ(second.runtime(), 5400_s);
  EXPECT_EQ(second.power_on_count(), 2u);
}

TEST(Estimator, counters_survive_restore_byte_for_byte) {
  const Settings s = pack_100ah();
  Estimator e;
  e.boot();
  Milliseconds t = make_full(e, s);
  t = run(e, t, 5'400'000_ms, cells_at(3300_mV, -80_A), s).end;  // 120 Ah > 1 cycle
  t = make_empty(e, s, t);
  run(e, t, 1'800'000_ms, cells_at(3300_mV, 20_A), s);

  // Through raw bytes, as the store keeps them.
  const Counters saved = e.counters();
  unsigned char bytes[sizeof(Counters)];
  std::memcpy(bytes, &saved, sizeof bytes);
  Counters loaded;
  std::memcpy(&loaded, bytes, sizeof bytes);

  Estimator back;
  ASSERT_TRUE(back.restore(loaded).ok());
  EXPECT_EQ(back.remaining(), e.remaining());
  EXPECT_EQ(back.remaining(), 10000_mAh);
  EXPECT_EQ(back.soc_percent(), 10);
  EXPECT_EQ(back.cycles(), 1u);
  EXPECT_EQ(back.cycle_capacity(), e.cycle_capacity());
  EXPECT_EQ(back.discharged_energy(), e.discharged_energy());
  EXPECT_EQ(back.charged_energy(), e.charged_energy());
  EXPECT_EQ(back.runtime(), e.runtime());
  EXPECT_EQ(back.power_on_count(), 1u);
  EXPECT_TRUE(back.learning());
  EXPECT_EQ(std::memcmp(&loaded, &saved, sizeof saved), 0);
}

TEST(Estimator, counters_of_another_version_are_refused_and_change_nothing) {
  const Settings s = pack_100ah();
  Estimator e;
  make_full(e, s);
  Counters other = e.counters();
  other.version = kCountersVersion + 1;
  other.cycles = 77;
  const Status st = e.restore(other);
  EXPECT_EQ(st.code(), Errc::corrupt);
  EXPECT_EQ(e.cycles(), 0u);
  EXPECT_EQ(e.soc_percent(), 100);
}

TEST(Estimator, restored_remaining_above_full_is_clamped_to_full) {
  Estimator e;
  Counters c;
  c.design_capacity = 100000_mAh;
  c.full_capacity = 90000_mAh;
  c.remaining = to_charge(95000_mAh);
  c.seeded = 1;
  ASSERT_TRUE(e.restore(c).ok());
  EXPECT_EQ(e.remaining(), 90000_mAh);
  EXPECT_EQ(e.soc_percent(), 100);
}

TEST(Estimator, changing_design_capacity_resets_learned_capacity_and_keeps_soc) {
  Settings s = pack_100ah();
  Estimator e;
  Milliseconds t = make_full(e, s);
  t = make_empty(e, s, t);
  t = run(e, t, Milliseconds(3'600'000), cells_at(3350_mV, 90_A), s).end;
  t = hold(e, t, cells_at(3450_mV, 0_mA), s).end;
  ASSERT_EQ(e.full_capacity(), 90000_mAh);
  t = run(e, t, 1'800'000_ms, cells_at(3300_mV, -45_A), s).end;  // 67.5 Ah of 90: 75 %
  ASSERT_EQ(e.soc_percent(), 75);

  s.set_raw(Param::design_capacity, 200000);
  e.update(t + 100_ms, cells_at(3300_mV, 0_mA), s, kBothOn);
  EXPECT_EQ(e.design_capacity(), 200000_mAh);
  EXPECT_EQ(e.full_capacity(), 200000_mAh);
  EXPECT_EQ(e.soh_percent(), 100);
  EXPECT_EQ(e.soc_percent(), 75);
  EXPECT_EQ(e.remaining(), 150000_mAh);
}

TEST(Estimator, reset_counters_clears_cycles_energy_and_learning_but_keeps_runtime_and_soc) {
  const Settings s = pack_100ah();
  Estimator e;
  e.boot();
  Milliseconds t = make_full(e, s);
  t = make_empty(e, s, t);
  t = run(e, t, 3'600'000_ms, cells_at(3350_mV, 90_A), s).end;
  t = hold(e, t, cells_at(3450_mV, 0_mA), s).end;
  ASSERT_EQ(e.full_capacity(), 90000_mAh);
  // 60 Ah out, 60 in, 60 out: 120 Ah discharged = 1 cycle of 90 Ah; 30 Ah left = 33 %.
  for (const Milliamps i : {-60_A, 60_A, -60_A}) {
    t = run(e, t, 3'600'000_ms, cells_at(3300_mV, i), s).end;
  }
  ASSERT_EQ(e.cycles(), 1u);
  ASSERT_EQ(e.soc_percent(), 33);
  const Seconds runtime = e.runtime();
  ASSERT_GT(runtime, 10000_s);

  e.reset_counters();
  EXPECT_EQ(e.cycles(), 0u);
  EXPECT_EQ(e.cycle_capacity(), 0_mAh);
  EXPECT_EQ(e.discharged_energy(), MilliwattHours(0));
  EXPECT_EQ(e.charged_energy(), MilliwattHours(0));
  EXPECT_EQ(e.full_capacity(), 100000_mAh);
  EXPECT_EQ(e.soh_percent(), 100);
  EXPECT_EQ(e.soc_percent(), 33);
  EXPECT_EQ(e.remaining(), 33333_mAh);
  EXPECT_EQ(e.runtime(), runtime);
  EXPECT_EQ(e.power_on_count(), 1u);
}

TEST(Estimator, a_first_start_reads_the_soc_off_the_chemistrys_open_circuit_voltage) {
  const Settings s = pack_100ah();  // LFP
  Estimator e;
  // LFP table: 3.265 V is 50 %, 3.304 V is 80 % (LibreSolar's measured-shape table).
  e.update(0_ms, cells_at(3265_mV, 0_mA), s, kBothOn);
  EXPECT_EQ(e.soc_permille(), 500);
  EXPECT_EQ(e.remaining(), 50000_mAh);
  Estimator high;
  high.update(0_ms, cells_at(3304_mV, 0_mA), s, kBothOn);
  EXPECT_EQ(high.soc_permille(), 800);
  Settings nmc = s;
  nmc.set_chemistry(Chemistry::li_ion);
  Estimator li;
  li.update(0_ms, cells_at(3751_mV, 0_mA), nmc, kBothOn);  // Chen2020 NMC: 3.751 V is 50 %
  EXPECT_EQ(li.soc_permille(), 500);
}

TEST(Estimator, a_long_gap_between_updates_is_counted_as_at_most_one_minute) {
  const Settings s = pack_100ah();
  Estimator e;
  const Milliseconds t = make_full(e, s);
  e.update(t + 3'600'000_ms, cells_at(3300_mV, -60_A), s, kBothOn);
  EXPECT_EQ(e.remaining(), 99000_mAh);  // 60 A for 60 s = 1 Ah, not 60 Ah
}

TEST(Estimator, publish_fills_the_snapshot_estimation_fields) {
  const Settings s = pack_100ah();
  Estimator e;
  e.boot();
  Milliseconds t = make_full(e, s);
  run(e, t, Milliseconds(1'800'000), cells_at(3250_mV, -20_A), s);
  Snapshot snap;
  e.publish(snap);
  EXPECT_EQ(snap.soc_percent, 90);
  EXPECT_EQ(snap.soc_permille, 900);
  EXPECT_EQ(snap.remaining, 90000_mAh);
  EXPECT_EQ(snap.full_capacity, 100000_mAh);
  EXPECT_EQ(snap.design_capacity, 100000_mAh);
  EXPECT_EQ(snap.cycle_capacity, 10000_mAh);
  EXPECT_EQ(snap.discharged_energy, MilliwattHours(520000));  // 52 V x 10 Ah
  EXPECT_EQ(snap.power_on_count, 1u);
  EXPECT_EQ(snap.soh_percent, 100);
  EXPECT_FALSE(snap.capacity_learning);
}

}  // namespace
}  // namespace softbms::core
