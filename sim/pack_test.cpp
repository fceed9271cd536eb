#include "sim/pack.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>

namespace softbms::sim {
namespace {

PackConfig uniform_pack(Chemistry chemistry, int cells, double soc) {
  PackConfig c;
  c.chemistry = chemistry;
  c.cells = cells;
  c.capacity_ah = 100.0;
  c.initial_soc = soc;
  c.capacity_spread = c.resistance_spread = c.soc_spread = c.self_discharge_spread = 0.0;
  return c;
}

// Linear interpolation of the 5 % OCV table, written out here to check the plant against.
double table_ocv(const CellModel& m, double soc) {
  const double x = soc * 20.0;
  const int i = std::min(19, static_cast<int>(x));
  return m.ocv_v[i] + (x - i) * (m.ocv_v[i + 1] - m.ocv_v[i]);
}

TEST(Pack, fresh_cell_at_rest_reads_the_ocv_table_at_every_table_point) {
  for (Chemistry chem : {Chemistry::li_ion, Chemistry::lfp, Chemistry::lto}) {
    Pack pack(uniform_pack(chem, 1, 0.5));
    for (int p = 0; p <= 20; ++p) {
      pack.set_soc(0, p / 20.0);
      EXPECT_DOUBLE_EQ(pack.voltage_v(0, 0.0), default_cell_model(chem).ocv_v[p])
          << "chemistry " << static_cast<int>(chem) << " point " << p;
    }
  }
  // Spot values a user can read in the reference tables.
  Pack lfp(uniform_pack(Chemistry::lfp, 1, 0.5));
  EXPECT_DOUBLE_EQ(lfp.voltage_v(0, 0.0), 3.265);
  Pack nmc(uniform_pack(Chemistry::li_ion, 1, 0.8));
  EXPECT_DOUBLE_EQ(nmc.voltage_v(0, 0.0), 4.042);
}

TEST(Pack, nmc_voltage_relaxes_to_the_ocv_table_after_a_discharge) {
  Pack pack(uniform_pack(Chemistry::li_ion, 4, 0.6));
  for (int s = 0; s < 600; ++s) pack.advance({-50.0, 25.0, 0.0}, 1.0);  // 0.5 C, 10 min
  const double loaded = pack.voltage_v(0, -50.0);
  for (int s = 0; s < 7200; ++s) pack.advance({0.0, 25.0, 0.0}, 1.0);  // 2 h rest
  for (int k = 0; k < 4; ++k) {
    const double soc = pack.soc(k);
    EXPECT_NEAR(soc, 0.6 - 50.0 * 600 / 3600.0 / 100.0, 1e-3);  // minus self-discharge
    EXPECT_NEAR(pack.voltage_v(k, 0.0), table_ocv(pack.model(), soc), 0.0002);
  }
  EXPECT_LT(loaded, pack.voltage_v(0, 0.0) - 0.005);  // under load it sat visibly lower
}

TEST(Pack, lfp_rests_on_the_charge_branch_after_charging_and_the_discharge_branch_after_discharge) {
  Pack pack(uniform_pack(Chemistry::lfp, 1, 0.4));
  for (int s = 0; s < 720; ++s) pack.advance({50.0, 25.0, 0.0}, 1.0);  // +10 % SOC
  for (int s = 0; s < 7200; ++s) pack.advance({0.0, 25.0, 0.0}, 1.0);
  const double m = pack.model().hyst_m_v + pack.model().hyst_m0_v;  // 13 mV
  EXPECT_NEAR(pack.voltage_v(0, 0.0) - table_ocv(pack.model(), pack.soc(0)), m, 0.0005);
  for (int s = 0; s < 720; ++s) pack.advance({-50.0, 25.0, 0.0}, 1.0);
  for (int s = 0; s < 7200; ++s) pack.advance({0.0, 25.0, 0.0}, 1.0);
  EXPECT_NEAR(pack.voltage_v(0, 0.0) - table_ocv(pack.model(), pack.soc(0)), -m, 0.0005);
}

TEST(Pack, rc_pairs_are_stable_for_steps_far_longer_than_their_time_constants) {
  Pack fine(uniform_pack(Chemistry::lfp, 1, 0.5));
  Pack coarse(uniform_pack(Chemistry::lfp, 1, 0.5));
  for (int s = 0; s < 3600; ++s) fine.advance({-30.0, 25.0, 0.0}, 1.0);
  coarse.advance({-30.0, 25.0, 0.0}, 3600.0);  // 120 tau1, 6 tau2 in one step
  // Same charge; the hour-long step only misses the warming inside the hour (heat is taken from
  // the state at the start of a step), which moves R and self-discharge a little.
  EXPECT_NEAR(coarse.soc(0), fine.soc(0), 1e-5);
  EXPECT_NEAR(coarse.voltage_v(0, -30.0), fine.voltage_v(0, -30.0), 0.010);
  EXPECT_TRUE(std::isfinite(coarse.temperature_c(0)));
}

TEST(Pack, resistance_follows_arrhenius_with_the_chemistry_activation_energy) {
  Pack pack(uniform_pack(Chemistry::lfp, 1, 0.5));
  const double r25 = pack.r0_ohm(0);
  EXPECT_NEAR(r25, 70.0e-3 / 100.0, 1e-12);  // 70 mOhm*Ah / 100 Ah
  pack.set_temperature_c(0, -20.0);
  // exp(25000 / 8.314 * (1 / 253.15 - 1 / 298.15)) = 6.00
  EXPECT_NEAR(pack.r0_ohm(0) / r25, std::exp(25000.0 / 8.314462618 * (1 / 253.15 - 1 / 298.15)),
              1e-3);
  EXPECT_GT(pack.r0_ohm(0) / r25, 5.9);
}

TEST(Pack, thermal_steady_state_matches_the_closed_form) {
  PackConfig c = uniform_pack(Chemistry::lfp, 3, 0.2);
  CellModel m = default_cell_model(Chemistry::lfp);
  m.activation_j_per_mol = 0.0;  // constant resistance so the closed form is exact
  m.hyst_m_v = m.hyst_m0_v = 0.0;
  m.tau2_s = 60.0;
  c.cell_model = m;
  c.cell_heat_capacity_j_per_k = 200.0;
  c.cell_to_ambient_w_per_k = 1.0;
  c.cell_to_neighbour_w_per_k = 3.0;
  Pack pack(c);
  const double amps = 50.0;
  for (int s = 0; s < 4000; ++s) pack.advance({amps, 20.0, 0.0}, 1.0);
  // Every cell carries the same current: no heat flows between them, each sheds
  // I^2 (R0 + R1 + R2) to ambient through 1 W/K.
  const double r_total = (m.r0_mohm_ah + m.r1_mohm_ah + m.r2_mohm_ah) * 1e-3 / 100.0;
  const double expected = 20.0 + amps * amps * r_total / 1.0;  // 26.3 °C
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(pack.temperature_c(k), expected, 1e-3);
  EXPECT_NEAR(expected, 26.3, 1e-9);
}

TEST(Pack, a_hot_cell_warms_its_neighbours_and_the_string_relaxes_to_ambient) {
  PackConfig c = uniform_pack(Chemistry::lfp, 3, 0.5);
  Pack pack(c);
  pack.set_temperature_c(1, 45.0);
  for (int s = 0; s < 600; ++s) pack.advance({0.0, 25.0, 0.0}, 1.0);
  EXPECT_GT(pack.temperature_c(0), 25.05);
  EXPECT_NEAR(pack.temperature_c(0), pack.temperature_c(2), 1e-12);
  EXPECT_LT(pack.temperature_c(1), 45.0);
  for (int s = 0; s < 200; ++s) pack.advance({0.0, 25.0, 0.0}, 3600.0);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(pack.temperature_c(k), 25.0, 1e-6);
}

TEST(Pack, self_discharge_takes_the_chemistry_rate_per_month) {
  PackConfig c = uniform_pack(Chemistry::lfp, 1, 0.8);
  Pack pack(c);
  for (int d = 0; d < 30; ++d) pack.advance({0.0, 25.0, 0.0}, 86400.0);
  EXPECT_NEAR(pack.soc(0), 0.8 - 0.02, 1e-9);  // 2 %/month at 25 °C
  EXPECT_NEAR(pack.leak_charge_ah(0), 2.0, 1e-9);
}

TEST(Pack, seeded_spread_gives_different_cells_and_the_same_cells_for_the_same_seed) {
  PackConfig c;
  c.seed = 11;
  Pack a(c);
  Pack b(c);
  c.seed = 12;
  Pack other(c);
  int differ = 0;
  for (int k = 0; k < a.cells(); ++k) {
    EXPECT_EQ(a.capacity_ah(k), b.capacity_ah(k));
    EXPECT_EQ(a.soc(k), b.soc(k));
    differ += a.capacity_ah(k) != other.capacity_ah(k);
    EXPECT_NEAR(a.capacity_ah(k), 280.0, 280.0 * 0.03 + 1e-9);
  }
  EXPECT_EQ(differ, a.cells());
  EXPECT_NE(a.capacity_ah(0), a.capacity_ah(1));
}

TEST(Pack, refreshed_voltages_equal_the_computed_ones_and_never_go_stale) {
  PackConfig c;  // 16 LFP cells with spread: every cell differs
  Pack pack(c);
  pack.set_cell_extra_current(3, 1.35);
  // Steps of 0.1 s and of 10 minutes (the SOC crosses OCV segments: each cell's kept segment
  // must follow), charging and discharging.
  for (const double dt : {0.1, 600.0}) {
    for (int i = 0; i < 50; ++i) pack.advance({i < 25 ? 80.0 : -120.0, 25.0, 0.0}, dt);
    std::array<double, kMaxSimCells> cached{};
    pack.voltages_v(-120.0, true, cached);  // advance() left the EMF fresh
    const Thevenin th_cached = pack.thevenin();
    pack.set_soc(0, pack.soc(0));  // the same state, but the reads now compute the EMF
    std::array<double, kMaxSimCells> computed{};
    pack.voltages_v(-120.0, true, computed);
    for (int k = 0; k < pack.cells(); ++k) {
      EXPECT_EQ(cached[k], computed[k]) << k;
      EXPECT_EQ(pack.voltage_v(k, -120.0), computed[k]) << k;
    }
    EXPECT_EQ(pack.thevenin().e_v, th_cached.e_v);
    EXPECT_GT(computed[3], computed[2] + 0.001);  // cell 3 carries the balancer's 1.35 A on top
  }

  // A changed state is read at once, without another refresh: the voltage moves by exactly the
  // OCV step from the old SOC to 100 %.
  const double v_before = pack.voltage_v(0, 0.0);
  const double ocv_before = pack.ocv_v(0);
  pack.set_soc(0, 1.0);
  EXPECT_NEAR(pack.ocv_v(0), 3.392, 1e-9);  // the LFP table's 100 % point
  EXPECT_NEAR(pack.voltage_v(0, 0.0) - v_before, pack.ocv_v(0) - ocv_before, 1e-12);
}

// The thermal network is updated once per thermal step (1 s to 10 s, as soon as the temperatures
// could have moved by 5 mK) with each cell's mean heat instead of every electrical step: under a
// hard cycle (DST-like steps up to 1.5 C and regeneration, 0.1 s steps, two hours) the
// temperatures stay within 20 mK of the update every step (the NTCs read 0.1 K), the voltages
// within 0.2 mV (the ADC reads 1 mV), the SOC the same within 1e-7 and the heat and the
// self-discharge (both follow the temperature) within 0.1 %.
TEST(Pack, the_thermal_step_tracks_the_update_every_step_within_the_sensors_resolution) {
  PackConfig fine_config;
  fine_config.thermal_step_s = 0.0;
  PackConfig coarse_config;
  ASSERT_EQ(coarse_config.thermal_step_s, 1.0);
  ASSERT_EQ(coarse_config.thermal_max_step_s, 10.0);
  Pack fine(fine_config);
  Pack coarse(coarse_config);
  constexpr double kAmps[] = {0.0, 140.0, 420.0, -140.0, 280.0, -60.0};
  double worst_c = 0.0;
  double worst_v = 0.0;
  for (int step = 0; step < 72000; ++step) {
    const double amps = kAmps[(step / 230) % 6];
    const StringInput in{amps, 20.0 + step / 7200.0, 0.0};
    fine.advance(in, 0.1);
    coarse.advance(in, 0.1);
    for (int k = 0; k < fine.cells(); ++k) {
      worst_c = std::max(worst_c, std::fabs(fine.temperature_c(k) - coarse.temperature_c(k)));
      worst_v = std::max(worst_v, std::fabs(fine.voltage_v(k, amps) - coarse.voltage_v(k, amps)));
    }
  }
  EXPECT_GT(fine.temperature_c(0), 27.0);  // it did heat up
  EXPECT_LT(worst_c, 0.02);
  EXPECT_LT(worst_v, 0.0002);
  EXPECT_EQ(fine.thermal_updates(), 72000);
  EXPECT_LE(coarse.thermal_updates(), 7200);  // never more often than once a second
  for (int k = 0; k < fine.cells(); ++k) {
    EXPECT_NEAR(fine.soc(k), coarse.soc(k), 1e-7);
    EXPECT_NEAR(fine.leak_charge_ah(k), coarse.leak_charge_ah(k), 1e-3 * fine.leak_charge_ah(k));
    EXPECT_NEAR(fine.heat_j(k), coarse.heat_j(k), 1e-3 * fine.heat_j(k));
  }
}

// A home battery's day at 1 s steps (night 40 A out, PV up to 100 A in, the evening 60 A out,
// the ambient 16..28 °C with a 10 K cold snap at noon of the second day): the thermal step
// stretches to 10 s at rest and at these currents, and the trajectory stays within 10 mK and
// 0.05 mV of the update every second (the 1 s step this replaced, itself tested above against
// the update every step), the SOC within 1e-6 (the leak follows the temperature).
TEST(Pack, the_thermal_step_stretches_to_10_s_on_a_home_battery_day_within_10_mK) {
  PackConfig every_second_config;
  every_second_config.capacity_ah = 280.0;
  every_second_config.initial_soc = 0.5;
  every_second_config.thermal_max_step_s = 1.0;
  PackConfig adaptive_config = every_second_config;
  adaptive_config.thermal_max_step_s = 10.0;
  Pack every_second(every_second_config);
  Pack adaptive(adaptive_config);
  double worst_c = 0.0;
  double worst_v = 0.0;
  constexpr int kDays = 2;
  for (int t = 0; t < kDays * 86400; ++t) {
    const double hour = (t % 86400) / 3600.0;
    const double sun = hour > 6.0 && hour < 18.0 ? std::sin((hour - 6.0) / 12.0 * M_PI) : 0.0;
    const double amps = hour < 6.0 ? -40.0 : hour < 18.0 ? 140.0 * sun - 40.0 : -60.0;
    const bool snap = t >= 86400 + 12 * 3600 && t < 86400 + 13 * 3600;
    const double ambient = 22.0 - 6.0 * std::cos(hour / 24.0 * 2.0 * M_PI) - (snap ? 10.0 : 0.0);
    const StringInput in{amps, ambient, 0.0};
    every_second.advance(in, 1.0);
    adaptive.advance(in, 1.0);
    for (int k = 0; k < adaptive.cells(); ++k) {
      worst_c =
          std::max(worst_c, std::fabs(every_second.temperature_c(k) - adaptive.temperature_c(k)));
      worst_v = std::max(worst_v,
                         std::fabs(every_second.voltage_v(k, amps) - adaptive.voltage_v(k, amps)));
    }
  }
  EXPECT_LT(worst_c, 0.01);
  EXPECT_LT(worst_v, 0.00005);
  EXPECT_EQ(every_second.thermal_updates(), kDays * 86400);
  EXPECT_LT(adaptive.thermal_updates(), kDays * 86400 / 8);  // mostly 10 s steps
  EXPECT_GT(adaptive.thermal_updates(), kDays * 86400 / 10);
  for (int k = 0; k < adaptive.cells(); ++k) {
    EXPECT_NEAR(every_second.soc(k), adaptive.soc(k), 1e-6);
    EXPECT_NEAR(every_second.leak_charge_ah(k), adaptive.leak_charge_ah(k),
                1e-3 * every_second.leak_charge_ah(k));
  }
}

}  // namespace
}  // namespace softbms::sim
