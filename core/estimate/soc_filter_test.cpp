#include "core/estimate/soc_filter.hpp"

#include <cmath>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "core/estimate/model_soc.hpp"

namespace softbms::core {
namespace {

// A cell of its own for the tests (double precision): OCV from the chemistry's table shifted by
// offset_v, R0 and one RC branch scaled by r_factor, a capacity of its own.
struct TestCell {
  Chemistry chem = Chemistry::li_ion;
  double capacity_ah = 1.0;
  double soc = 0.5;
  double r_factor = 1.0;
  double offset_v = 0.0;
  double v_rc = 0.0;

  [[nodiscard]] double r0() const { return r_factor * 0.04 / capacity_ah; }
  [[nodiscard]] double r1() const { return r_factor * 0.06 / capacity_ah; }
  void step(double amps, double dt) {
    soc += amps * dt / 3600.0 / capacity_ah;
    const double a = std::exp(-dt / 40.0);
    v_rc = a * v_rc + (1.0 - a) * r1() * amps;
  }
  [[nodiscard]] double voltage(double amps) const {
    return ocv_at(chem, static_cast<float>(soc)).v + offset_v + v_rc + r0() * amps;
  }
};

// Pulses: 30 s at -1 C, 30 s rest, 20 s at +0.5 C, 20 s rest (+ = charge).
double pulse_current(double t, double capacity_ah) {
  const double p = std::fmod(t, 100.0);
  if (p < 30.0) return -1.0 * capacity_ah;
  if (p < 60.0) return 0.0;
  if (p < 80.0) return 0.5 * capacity_ah;
  return 0.0;
}

// One update of a single-cell filter after `dt` seconds at `amps` (both ways: the cell moves
// too); the filter's current reads offset_a more than the cell's.
void step_both(TestCell& cell, SocFilter& f, double amps, double dt, float full_v, float empty_v,
               double offset_a = 0.0) {
  cell.step(amps, dt);
  const float v[1] = {static_cast<float>(cell.voltage(amps))};
  FilterStep s;
  s.dt_s = static_cast<float>(dt);
  s.charge_as = static_cast<float>((amps + offset_a) * dt);
  s.current_a = static_cast<float>(amps + offset_a);
  s.cell_v = v;
  s.full_v = full_v;
  s.empty_v = empty_v;
  f.update(s);
}

// Runs cell and filter for seconds at 1 s steps; returns the largest |SOC error| in the last
// `tail_s` seconds.
double run(TestCell& cell, SocFilter& f, double seconds, double tail_s, double offset_a = 0.0,
           float full_v = 0.0F, float empty_v = 0.0F) {
  double worst = 0.0;
  for (double t = 0.0; t < seconds; t += 1.0) {
    step_both(cell, f, pulse_current(t, cell.capacity_ah), 1.0, full_v, empty_v, offset_a);
    if (t >= seconds - tail_s) worst = std::max(worst, std::fabs(f.pack_soc() - cell.soc));
  }
  return worst;
}

TEST(SocFilter, recovers_from_a_start_30_percent_wrong_on_nmc) {
  TestCell cell;
  cell.soc = 0.8;
  SocFilter f;
  f.start(Chemistry::li_ion, 1.0F, 1, 0.5F, 0.3F);
  const double worst = run(cell, f, 1800.0, 600.0);
  EXPECT_LT(worst, 0.03) << "true " << cell.soc << " estimated " << f.pack_soc();
}

TEST(SocFilter, learns_a_series_resistance_ten_times_the_model_and_keeps_soc) {
  TestCell cell;
  cell.soc = 0.9;
  cell.r_factor = 10.0;
  SocFilter f;
  f.start(Chemistry::li_ion, 1.0F, 1, 0.9F, 0.05F);
  const double worst = run(cell, f, 2400.0, 600.0);
  EXPECT_NEAR(f.cell_r0_ohm(0), cell.r0(), 0.2 * cell.r0());
  EXPECT_LT(worst, 0.04);  // polarisation x10 too: the slow branch is the last to settle
}

TEST(SocFilter, resumes_from_what_it_learned_instead_of_learning_again) {
  TestCell cell;
  cell.soc = 0.7;
  cell.r_factor = 5.0;
  SocFilter f;
  f.start(Chemistry::li_ion, 1.0F, 1, 0.7F, 0.05F);
  run(cell, f, 1200.0, 0.0);
  const LearnedCell learned = f.cell(0).learned();
  SocFilter again;
  again.start(Chemistry::li_ion, 1.0F, 1, 0.2F, 0.1F);  // the coulomb SOC: wrong
  again.resume(std::span<const LearnedCell>(&learned, 1), 0.05F);
  EXPECT_NEAR(again.cell_soc(0), f.cell_soc(0), 1e-4);
  EXPECT_NEAR(again.cell_r0_ohm(0), f.cell_r0_ohm(0), 1e-3 * f.cell_r0_ohm(0));
  EXPECT_NEAR(again.cell_capacity_ah(0), f.cell_capacity_ah(0), 1e-3);
  EXPECT_NEAR(again.cell_bias_a(0), f.cell_bias_a(0), 1e-4);
  EXPECT_NEAR(again.cell(0).state()[kOcvOffset], f.cell(0).state()[kOcvOffset], 1e-5);
  // A stored value that is out of range or not a number does not break the filter.
  LearnedCell bad = learned;
  bad.r0 = -32767;
  bad.inv_q = 0;
  again.resume(std::span<const LearnedCell>(&bad, 1), 0.05F);
  EXPECT_TRUE(again.cell(0).healthy());
  EXPECT_GT(again.cell_r0_ohm(0), 0.0F);
  EXPECT_GT(again.cell_capacity_ah(0), 0.0F);
}

// An LFP cell 5 mV above the table, discharged at 0.1 C across the plateau (65 % to 35 %) with
// the filter updated every `dt` seconds and started 10 % low: its error and sigma at the end.
struct PlateauRun {
  double error = 0.0;
  double sigma = 0.0;
};
PlateauRun lfp_plateau(double dt) {
  TestCell cell;
  cell.chem = Chemistry::lfp;
  cell.soc = 0.65;
  cell.offset_v = 0.005;
  SocFilter f;
  f.start(Chemistry::lfp, 1.0F, 1, 0.55F, 0.1F);
  for (double t = 0.0; t < 3.0 * 3600.0; t += dt) step_both(cell, f, -0.1, dt, 0.0F, 0.0F);
  return {std::fabs(f.pack_soc() - cell.soc), f.summary().soc_sigma};
}

TEST(SocFilter, its_doubt_on_the_lfp_plateau_counts_the_model_error_it_cannot_see) {
  // On the plateau a millivolt is 2 % of SOC. Three hours of readings a second apart, whose
  // model error (here the cell's 5 mV) is the same from one to the next, must not make the
  // filter sure of its SOC to 1 % (it was: sigma 1.1 %, before the correlated error was counted).
  const PlateauRun run = lfp_plateau(1.0);
  EXPECT_GT(run.sigma, 0.02);
  EXPECT_LE(run.error, 2.0 * run.sigma);
}

TEST(SocFilter, its_doubt_depends_less_on_how_often_it_runs) {
  // Readings closer together than the model error's correlation time are not independent: run
  // every second, the filter has 10 times the readings of one run every 10 s but not 3 times its
  // certainty (it had: sigma 1.1 % against 3.2 %). The part of the noise that is white (the cell
  // ADC, the per-C term) still counts per reading.
  const PlateauRun fast = lfp_plateau(1.0);
  const PlateauRun slow = lfp_plateau(10.0);
  EXPECT_GT(fast.sigma, 0.55 * slow.sigma);
}

TEST(SocFilter, a_cell_held_above_the_ocv_tables_top_teaches_no_ocv_offset) {
  // A charger holds an LFP cell at 3.45 V, 58 mV above the table's 100 %: the full rule says
  // 100 %; the reading itself is outside what the model knows and moves no other state.
  SocFilter f;
  f.start(Chemistry::lfp, 1.0F, 1, 0.95F, 0.1F);
  const float cell_v[1] = {3.45F};
  for (int i = 0; i < 3600; ++i) {
    FilterStep s;
    s.dt_s = 1.0F;
    s.cell_v = cell_v;
    s.full_v = 3.45F;
    s.empty_v = 2.8F;
    f.update(s);
  }
  EXPECT_NEAR(f.cell_soc(0), 1.0, 0.01);
  EXPECT_LT(std::fabs(f.cell(0).state()[kOcvOffset]), 0.002F);
  EXPECT_LT(std::fabs(f.cell(0).state()[kHysteresis]), 0.011F);
}

TEST(SocFilter, ocv_temperature_coefficient_is_the_tables_between_its_points) {
  EXPECT_FLOAT_EQ(ocv_temp_coeff_v_per_k(Chemistry::lfp, 0.5F), -39e-6F);
  EXPECT_FLOAT_EQ(ocv_temp_coeff_v_per_k(Chemistry::li_ion, 0.5F), 194e-6F);
  EXPECT_NEAR(ocv_temp_coeff_v_per_k(Chemistry::lfp, 0.125F), (-488e-6F - 370e-6F) / 2, 1e-9F);
  EXPECT_FLOAT_EQ(ocv_temp_coeff_v_per_k(Chemistry::lfp, -0.2F), -224e-6F);  // held at the ends
  EXPECT_FLOAT_EQ(ocv_temp_coeff_v_per_k(Chemistry::lfp, 1.3F), 102e-6F);
  EXPECT_FLOAT_EQ(ocv_temp_coeff_v_per_k(Chemistry::lto, 0.5F), 0.0F);  // none published
}

// A warm LFP cell at rest at 15 %: its OCV is the table's plus the coefficient times 30 K.
double rest_error_at(float told_temp_c) {
  constexpr float kSoc = 0.15F;
  constexpr float kTemp = 55.0F;
  const float v = ocv_at(Chemistry::lfp, kSoc).v +
                  ocv_temp_coeff_v_per_k(Chemistry::lfp, kSoc) * (kTemp - kReferenceC);
  SocFilter f;
  f.start(Chemistry::lfp, 1.0F, 1, kSoc, 0.1F);  // known to 10 %, as after a restart
  const float cell_v[1] = {v};
  for (int i = 0; i < 1800; ++i) {
    FilterStep s;
    s.dt_s = 1.0F;
    s.temp_c = told_temp_c;
    s.cell_v = cell_v;
    f.update(s);
  }
  return std::fabs(f.pack_soc() - kSoc);
}

TEST(SocFilter, a_warm_cell_at_rest_is_read_with_the_ocv_temperature_coefficient) {
  const double with = rest_error_at(55.0F);
  const double without = rest_error_at(25.0F);
  EXPECT_LT(with, 0.005);
  EXPECT_GT(without, 0.02) << "30 K on LFP's 15 % segment is worth more than 2 % SOC";
}

TEST(SocFilter, coulomb_counting_in_single_precision_keeps_a_small_current_on_a_big_pack) {
  // 280 Ah at 0.1 A for 10 h in 1 s steps: each step moves SOC by 1e-7, below float's
  // resolution at 0.5; the carried remainder keeps the total (0.357 %) exact.
  CellFilter c;
  const CellModelParams& m = cell_model(Chemistry::lfp);
  c.start(0.5F, 0.1F, 1.0F, FilterTuning{}, m);
  const float ic = 0.1F / 280.0F;
  for (int i = 0; i < 36000; ++i) c.predict(1.0F, ic, 1.0F, m, FilterTuning{});
  EXPECT_NEAR(c.soc(), 0.5 + 0.1 * 36000.0 / 3600.0 / 280.0, 2e-6);
}

TEST(SocFilter, full_rule_needs_the_charge_to_have_ended_not_a_cv_overshoot) {
  SocFilter f;
  f.start(Chemistry::lfp, 100.0F, 1, 0.8F, 0.05F);
  const float high[1] = {3.50F};
  FilterStep s;
  s.dt_s = 1.0F;
  s.cell_v = high;
  s.full_v = 3.45F;
  s.empty_v = 2.8F;
  // 3.50 V while still charging at 0.3 C: the charger's CV phase, not full.
  s.charge_as = 30.0F;
  s.current_a = 30.0F;
  for (int i = 0; i < 10; ++i) f.update(s);
  const float before = f.cell_soc(0);
  // The same voltage with the current at the tail (0.02 C) for the confirmation time: full.
  s.charge_as = 2.0F;
  s.current_a = 2.0F;
  for (int i = 0; i < 30; ++i) f.update(s);
  EXPECT_LT(before, 0.99F);
  EXPECT_GT(f.cell_soc(0), 0.98F);
}

// An LFP cell of 0.8 Ah, full, on a filter told 1 Ah, with the SOC rules at the table's 99.5 %
// and 2 % points.
struct FadedLfp {
  TestCell cell{.chem = Chemistry::lfp, .capacity_ah = 0.8, .soc = 1.0};
  float full_v = ocv_at(Chemistry::lfp, 0.995F).v;
  float empty_v = ocv_at(Chemistry::lfp, 0.02F).v;
  SocFilter f;
  FadedLfp() { f.start(Chemistry::lfp, 1.0F, 1, 0.9F, 0.1F); }
  void hold(double amps, double dt, int steps) {
    for (int k = 0; k < steps; ++k) step_both(cell, f, amps, dt, full_v, empty_v);
  }
  // At `amps` until the cell's SOC has passed `soc`, then 5 minutes at rest.
  void until(double amps, double dt, double soc) {
    while (amps < 0.0 ? cell.soc > soc : cell.soc < soc)
      step_both(cell, f, amps, dt, full_v, empty_v);
    hold(0.0, 5.0, 60);
  }
};

TEST(SocFilter, learns_a_faded_capacity_from_the_charge_between_full_and_empty) {
  // Updated every 5 s (the board may run the filter at a lower rate with the charge summed in
  // between): full at rest, discharged at 0.5 C to the SOC-0 rule's point, charged back to the
  // SOC-100 rule's. The charge counted between the two events is the capacity.
  FadedLfp p;
  p.hold(0.0, 5.0, 60);
  EXPECT_EQ(p.f.cell(0).capacity_measurements(), 0);
  p.until(-0.4, 5.0, 0.02);
  // Full to empty: measured once, the capacity within 3 % of the cell's.
  EXPECT_EQ(p.f.cell(0).capacity_measurements(), 1);
  EXPECT_NEAR(p.f.cell_capacity_ah(0), 0.8F, 0.024F);
  p.until(0.4, 5.0, 0.995);
  EXPECT_EQ(p.f.cell(0).capacity_measurements(), 2);
  EXPECT_NEAR(p.f.cell_capacity_ah(0), 0.8F, 0.024F);
  EXPECT_NEAR(p.f.summary().soh, 0.8F, 0.03F);
}

TEST(SocFilter, a_full_empty_pair_split_by_a_restart_still_measures_the_capacity) {
  // Full, discharged to 40 %, then the board restarts from what it stored (the learned values
  // and the last event with the charge counted since), and the discharge goes on to empty.
  FadedLfp p;
  p.hold(0.0, 5.0, 60);
  p.until(-0.4, 5.0, 0.4);
  const LearnedCell learned = p.f.cell(0).learned();
  const LearnedEvent event = p.f.cell(0).learned_event();
  EXPECT_EQ(event.kind, static_cast<int8_t>(SocEvent::full));
  EXPECT_NEAR(static_cast<double>(event.counted) * 1e-6, -0.6 * 0.8, 0.01);
  p.f.start(Chemistry::lfp, 1.0F, 1, 0.5F, 0.1F);
  p.f.resume(std::span<const LearnedCell>(&learned, 1), 0.05F,
             std::span<const LearnedEvent>(&event, 1));
  p.until(-0.4, 5.0, 0.02);
  EXPECT_EQ(p.f.cell(0).capacity_measurements(), 1);
  EXPECT_NEAR(p.f.cell_capacity_ah(0), 0.8F, 0.024F);
  // Without the event (a record of version 2), the same restart measures nothing.
  FadedLfp q;
  q.hold(0.0, 5.0, 60);
  q.until(-0.4, 5.0, 0.4);
  const LearnedCell only = q.f.cell(0).learned();
  q.f.start(Chemistry::lfp, 1.0F, 1, 0.5F, 0.1F);
  q.f.resume(std::span<const LearnedCell>(&only, 1), 0.05F);
  q.until(-0.4, 5.0, 0.02);
  EXPECT_EQ(q.f.cell(0).capacity_measurements(), 0);
  // A stored event that is none of the kinds, or older than a pair may span, is dropped.
  LearnedEvent bad = event;
  bad.kind = 7;
  LearnedEvent stale = event;
  stale.centihours = 73 * 100;
  for (const LearnedEvent& e : {bad, stale}) {
    SocFilter f;
    f.start(Chemistry::lfp, 1.0F, 1, 0.5F, 0.1F);
    f.resume(std::span<const LearnedCell>(&learned, 1), 0.05F,
             std::span<const LearnedEvent>(&e, 1));
    EXPECT_EQ(f.cell(0).learned_event().kind, 0);
  }
}

TEST(SocFilter, events_more_than_72_hours_apart_measure_no_capacity) {
  // Full, then three days at 90 % with no event (an unknown current offset grows with the
  // hours), then empty: the pair is too far apart to measure the capacity from.
  FadedLfp p;
  p.hold(0.0, 5.0, 60);
  p.until(-0.4, 5.0, 0.9);
  p.hold(0.0, 60.0, 73 * 60);
  p.until(-0.4, 5.0, 0.02);
  EXPECT_EQ(p.f.cell(0).capacity_measurements(), 0);
  EXPECT_NEAR(p.f.cell_capacity_ah(0), 1.0F, 1e-4F);
}

TEST(SocFilter, an_ordinary_reading_teaches_no_capacity) {
  // Pulses on NMC for two hours without a full or an empty event: the capacity stays the
  // design value, whatever the readings (a 0.9 Ah cell on a filter told 1 Ah).
  TestCell cell;
  cell.capacity_ah = 0.9;
  cell.soc = 0.6;
  SocFilter f;
  f.start(Chemistry::li_ion, 1.0F, 1, 0.6F, 0.05F);
  run(cell, f, 7200.0, 0.0);
  EXPECT_EQ(f.cell(0).capacity_measurements(), 0);
  EXPECT_NEAR(f.cell_capacity_ah(0), 1.0F, 1e-4F);
}

TEST(SocFilter, empty_rule_ignores_a_load_sag_the_model_explains) {
  // NMC at 50 %, resistance learned from current steps; then a 2 C load pulls the cell to 2.9 V
  // (below soc_0_voltage 3.0 V) for 10 s: the OCV behind it is ~3.7 V, so SOC stays.
  TestCell cell;
  cell.soc = 0.5;
  cell.r_factor = 10.0;
  SocFilter f;
  f.start(Chemistry::li_ion, 1.0F, 1, 0.5F, 0.05F);
  run(cell, f, 1200.0, 0.0, 0.0, 4.15F, 3.0F);
  const double before = f.pack_soc();
  for (int t = 0; t < 10; ++t) {
    const double i = -2.0;
    cell.step(i, 1.0);
    const float v[1] = {static_cast<float>(cell.voltage(i))};
    ASSERT_LT(v[0], 3.0F);
    FilterStep s;
    s.dt_s = 1.0F;
    s.charge_as = static_cast<float>(i);
    s.current_a = static_cast<float>(i);
    s.cell_v = v;
    s.full_v = 4.15F;
    s.empty_v = 3.0F;
    f.update(s);
  }
  EXPECT_GT(f.pack_soc(), before - 0.05);
}

TEST(SocFilter, pack_soc_is_zero_when_the_weakest_cell_is_empty_and_full_when_the_fullest_is_full) {
  SocFilter f;
  f.start(Chemistry::li_ion, 10.0F, 2, 0.5F, 0.01F);
  // Cell 0 at 20 %, cell 1 at 60 %: the pack can give 2 Ah (cell 0) and take 4 Ah (cell 1).
  std::vector<float> v = {ocv_at(Chemistry::li_ion, 0.2F).v, ocv_at(Chemistry::li_ion, 0.6F).v};
  SocFilter g;
  g.start(Chemistry::li_ion, 10.0F, 2, 0.5F, 0.3F);
  FilterStep s;
  s.dt_s = 1.0F;
  s.cell_v = v;
  for (int i = 0; i < 600; ++i) g.update(s);
  EXPECT_NEAR(g.cell_soc(0), 0.2F, 0.02F);
  EXPECT_NEAR(g.cell_soc(1), 0.6F, 0.02F);
  const float give = g.cell_soc(0) * g.cell_capacity_ah(0);
  const float room = (1.0F - g.cell_soc(1)) * g.cell_capacity_ah(1);
  EXPECT_NEAR(g.pack_soc(), give / (give + room), 1e-5F);
  EXPECT_NEAR(g.pack_soc(), 1.0F / 3.0F, 0.03F);
  EXPECT_NEAR(g.summary().capacity_ah, give + room, 1e-4F);
  (void)f;
}

TEST(SocFilter, an_unconnected_cell_input_changes_nothing) {
  SocFilter f;
  f.start(Chemistry::lfp, 100.0F, 2, 0.5F, 0.05F);
  const float v[2] = {3.265F, 0.0F};
  FilterStep s;
  s.dt_s = 1.0F;
  s.cell_v = v;
  for (int i = 0; i < 100; ++i) f.update(s);
  EXPECT_FLOAT_EQ(f.cell_soc(1), 0.5F);
  EXPECT_TRUE(std::isfinite(f.pack_soc()));
}

Measured measured_at(int32_t mv, int32_t ma, uint8_t cells) {
  Measured m;
  m.cells_present = cells;
  m.cells_expected = cells;
  for (uint8_t k = 0; k < cells; ++k) {
    m.cell[k] = Millivolts(mv);
    m.present_mask |= 1U << k;
  }
  m.current = Milliamps(ma);
  return m;
}

TEST(ModelSoc, publishes_both_estimates_and_shows_the_chosen_one) {
  Settings s = Settings::preset(Chemistry::li_ion, ModelId::jk_pb2a16s20p, 16);
  s.set_raw(Param::design_capacity, 100000);
  ModelSoc model;
  // Resting at the 70 % OCV for a minute, started from a coulomb SOC of 40 %.
  const Measured m = measured_at(kOcvMillivolts[0][14], 0, 16);
  for (int64_t t = 0; t <= 60'000; t += 100) model.update(Milliseconds(t), m, s, true, 400);
  Snapshot snap;
  snap.soc_permille = 400;
  snap.soc_percent = 40;
  model.publish(snap, s);
  EXPECT_EQ(snap.soc_coulomb_permille, 400);
  EXPECT_NEAR(snap.soc_model_permille, 700, 20);
  // Its doubt after a minute on NMC's steep curve at rest: a few tenths of a percent to a few.
  EXPECT_EQ(snap.soc_model_sigma_permille,
            std::lround(model.filter().summary().soc_sigma * 1000.0F));
  EXPECT_GT(snap.soc_model_sigma_permille, 0);
  EXPECT_LT(snap.soc_model_sigma_permille, 50);
  EXPECT_EQ(snap.soc_percent, 40) << "soc_method 0 shows the coulomb counter";
  s.set_raw(Param::soc_method, static_cast<int32_t>(SocMethod::model));
  model.publish(snap, s);
  EXPECT_EQ(snap.soc_permille, snap.soc_model_permille);
  EXPECT_EQ(snap.soc_percent, snap.soc_model_permille / 10);
  EXPECT_EQ(snap.remaining.count(), snap.model_capacity.count() * snap.soc_model_permille / 1000);
}

TEST(ModelSoc, what_was_stored_applies_only_to_the_pack_it_was_learned_on) {
  Settings s = Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, 16);
  const Measured m = measured_at(kOcvMillivolts[1][6], 0, 16);  // the 30 % OCV
  ModelSoc learned;
  learned.update(Milliseconds(0), m, s, true, 300);
  ModelMemory mem = learned.memory();
  mem.cell[0].r0 = 4000;  // as if R0 had been learned 4 x the model's
  ModelSoc same;
  same.restore(mem);
  same.update(Milliseconds(0), m, s, true, 900);  // the coulomb SOC (90 %) is not taken
  EXPECT_NEAR(same.filter().cell_soc(0), 0.3F, 0.02F);
  EXPECT_NEAR(same.filter().cell(0).state()[kR0], 4.0F, 0.01F);
  ModelSoc other;
  other.restore(mem);
  s.set_raw(Param::design_capacity, 100000);  // another pack: start afresh
  other.update(Milliseconds(0), m, s, true, 900);
  EXPECT_NEAR(other.filter().cell(0).state()[kR0], 1.0F, 0.01F);
  EXPECT_NEAR(other.filter().nominal_capacity_ah(), 100.0F, 1e-3F);
  EXPECT_GT(other.filter().cell_soc(0), 0.6F);  // from the coulomb SOC, one reading later
  ModelSoc none;
  none.restore(ModelMemory{});  // nothing learned yet
  EXPECT_FALSE(none.running());
}

TEST(ModelSoc, restarts_from_the_coulomb_soc_when_the_pack_changes) {
  Settings s = Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, 16);
  ModelSoc model;
  const Measured m = measured_at(kOcvMillivolts[1][6], 0, 16);  // the 30 % OCV
  model.update(Milliseconds(0), m, s, true, 500);
  EXPECT_NEAR(model.filter().nominal_capacity_ah(), 280.0F, 1e-3F);
  s.set_raw(Param::design_capacity, 100000);
  model.update(Milliseconds(1000), m, s, true, 300);
  EXPECT_NEAR(model.filter().nominal_capacity_ah(), 100.0F, 1e-3F);
  EXPECT_NEAR(model.filter().cell_soc(0), 0.3F, 0.01F);
}

}  // namespace
}  // namespace softbms::core
