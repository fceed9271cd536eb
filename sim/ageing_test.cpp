#include "sim/ageing.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/pack.hpp"

namespace softbms::sim {
namespace {

constexpr double kYearS = 365.0 * 86400.0;

// Ages one cell hour by hour under a constant stress: the chained steps must land on the
// paper's closed form for that stress.
CellAge calendar_hours(AgeingModelKind model, double hours, double temp_c, double soc, double ocv) {
  CellAge age;
  for (int h = 0; h < static_cast<int>(hours); ++h) {
    age_calendar(model, {3600.0, temp_c, soc, ocv}, 1.0, age);
  }
  return age;
}

// Naumann et al. 2018, the calendar model at its own test conditions: 1 year at 25 °C and 50 %
// SOC loses k_T,ref k_SOC(0.5) sqrt(t) = 1.2571e-5 * 0.60225 * sqrt(31.536e6 s) = 4.25 % and
// gains 3.4194e-10 * 1.5604 * t = 1.68 % resistance; at 40 °C and 100 % SOC it loses 9.4 %
// (Arrhenius with 17.1 kJ/mol: x1.39, k_SOC(1.0) = 0.959).
TEST(Ageing, lfp_calendar_reproduces_naumann_2018_at_its_test_conditions) {
  const CellAge mild = calendar_hours(AgeingModelKind::lfp_naumann, 8760, 25.0, 0.5, 3.3);
  EXPECT_NEAR(mild.q_cal, 1.2571e-5 * 0.60225 * std::sqrt(kYearS), 1e-9);
  EXPECT_NEAR(mild.q_cal, 0.0425, 0.0005);
  EXPECT_NEAR(mild.r_cal, 0.0168, 0.0003);
  EXPECT_NEAR(mild.days, 365.0, 1e-9);
  const CellAge hot = calendar_hours(AgeingModelKind::lfp_naumann, 8760, 40.0, 1.0, 3.4);
  EXPECT_NEAR(hot.q_cal, 0.094, 0.001);
  // 71.8 kJ/mol: x4.0 at 40 °C, but k_SOC,R(1.0) = 0.713 against 1.560 at 50 %: 3.1 %.
  EXPECT_NEAR(hot.r_cal, 0.0308, 0.0005);
  // Empty storage ages least: k_SOC(0) = 0.245.
  EXPECT_LT(calendar_hours(AgeingModelKind::lfp_naumann, 8760, 25.0, 0.0, 3.0).q_cal, 0.018);
}

// Naumann et al. 2020, the cycle model: 1000 full equivalent cycles of 100 % depth at 1 C lose
// (0.0630 + 0.0971) (4.0253 * 0.4^3 + 1.0923) sqrt(1000) = 6.83 %; shallow 20 % cycles at
// 0.5 C lose 3.4 % over the same throughput.
TEST(Ageing, lfp_cycles_reproduce_naumann_2020_at_its_test_conditions) {
  CellAge deep;
  for (int half = 0; half < 2000; ++half) {
    age_cycle(AgeingModelKind::lfp_naumann, {1.0, 3.0, 1.0, 3.3, 25.0}, 3.0, 1.0, deep);
  }
  EXPECT_NEAR(deep.fec, 1000.0, 1e-6);
  EXPECT_NEAR(deep.q_cyc, 0.0683, 0.0005);
  EXPECT_NEAR(deep.r_cyc, (-0.0020 + 0.0021) * (6.8477 * 0.125 + 0.91882) * 1000.0 / 100.0, 1e-9);
  CellAge shallow;
  for (int half = 0; half < 10000; ++half) {
    age_cycle(AgeingModelKind::lfp_naumann, {0.2, 0.6, 0.5, 3.3, 25.0}, 3.0, 1.0, shallow);
  }
  EXPECT_NEAR(shallow.fec, 1000.0, 1e-6);
  EXPECT_NEAR(shallow.q_cyc, 0.0339, 0.0005);
}

// The temperature term of LFP cycling, Wang et al. 2011: at C/2 the activation energy is
// 31 700 - 370.3 * 0.5 = 31 515 J/mol, so the same cycles at 45 °C lose
// exp(31515 / R * (1/298.15 - 1/318.15)) = 2.22 times what they lose at 25 °C, and at 2 C
// (30 959 J/mol) 2.19 times; 25 °C is Naumann's own condition (factor 1). Below 15 °C the factor
// holds its 15 °C value (0.643 at C/2).
TEST(Ageing, lfp_cycle_fade_follows_wang_2011s_arrhenius_term) {
  const auto fade = [](double temp_c, double c_rate) {
    CellAge age;
    for (int half = 0; half < 2000; ++half) {
      age_cycle(AgeingModelKind::lfp_naumann, {1.0, 3.0, c_rate, 3.3, temp_c}, 3.0, 1.0, age);
    }
    return age;
  };
  const CellAge at25 = fade(25.0, 0.5);
  const CellAge at45 = fade(45.0, 0.5);
  EXPECT_NEAR(at45.q_cyc / at25.q_cyc, 2.22, 0.01);
  EXPECT_NEAR(fade(45.0, 2.0).q_cyc / fade(25.0, 2.0).q_cyc, 2.19, 0.01);
  EXPECT_DOUBLE_EQ(lfp_cycle_temperature_factor(1.0, 25.0), 1.0);
  EXPECT_NEAR(lfp_cycle_temperature_factor(0.5, 15.0), 0.643, 0.002);
  EXPECT_DOUBLE_EQ(lfp_cycle_temperature_factor(0.5, -10.0),
                   lfp_cycle_temperature_factor(0.5, 15.0));
  // The resistance growth follows the same factor (no LFP paper gives it one; see ageing.hpp).
  EXPECT_NEAR(at45.r_cyc / at25.r_cyc, 2.22, 0.01);
}

// Schmalstieg et al. 2014: storage at 50 °C and 4.1 V for 500 days, alpha = (7.543 V - 23.75)
// 1e6 exp(-6976 / T) per day^0.75 = 3.0e-3, loses about 32 %; cycling 100 % DOD around 3.7 V
// loses beta sqrt(Q) with Q the throughput of the paper's 2.15 Ah cell.
TEST(Ageing, nmc_reproduces_schmalstieg_2014) {
  const CellAge hot = calendar_hours(AgeingModelKind::nmc_schmalstieg, 500 * 24, 50.0, 0.9, 4.1);
  const double alpha = (7.543 * 4.1 - 23.75) * 1e6 * std::exp(-6976.0 / 323.15);
  EXPECT_NEAR(hot.q_cal, alpha * std::pow(500.0, 0.75), 1e-9);
  EXPECT_NEAR(hot.q_cal, 0.32, 0.01);
  CellAge cycled;
  for (int half = 0; half < 1000; ++half) {
    age_cycle(AgeingModelKind::nmc_schmalstieg, {1.0, 4.3, 1.0, 3.7, 35.0}, 2.15, 1.0, cycled);
  }
  const double beta = 7.348e-3 * (3.7 - 3.667) * (3.7 - 3.667) + 7.6e-4 + 4.081e-3;
  EXPECT_NEAR(cycled.q_cyc, beta * std::sqrt(1000 * 4.3), 1e-9);  // 500 FEC: about 32 %
}

// The temperature term of NMC cycling against Käbitz et al. 2013, who cycled Schmalstieg's cell
// (Sanyo UR18650E, 1 C, full cycles) at 25, 40 and 60 °C beside cells stored at 50 % SOC: the
// cycled ones lost 3.86x (25 °C), 2.6x (40 °C, both after 400 days) and 2.3x (60 °C, after 170
// days) what the stored ones lost. Taking the 25 °C point as given (it fixes the throughput per
// day, which the ratio does not depend on otherwise), the model must give the other two within
// 10 %: it gives 2.77 and 2.24. Without a temperature term it gave 1.93 and 1.30.
TEST(Ageing, nmc_cycle_fade_follows_kaebitz_2013s_temperatures) {
  const auto stored = [](double temp_c, double days) {
    CellAge age;
    age_calendar(AgeingModelKind::nmc_schmalstieg, {days * 86400.0, temp_c, 0.5, 3.7}, 1.0, age);
    return age.q_cal;
  };
  // Cycling adds its loss to the calendar loss at the mean SOC; the throughput grows with time.
  const auto cycling = [](double temp_c, double days) {
    CellAge age;
    for (int half = 0; half < static_cast<int>(days); ++half) {
      age_cycle(AgeingModelKind::nmc_schmalstieg, {1.0, 4.3, 1.0, 3.7, temp_c}, 2.15, 1.0, age);
    }
    return age.q_cyc;
  };
  // Cycled / stored = 1 + cycle loss / calendar loss; scale so that 25 °C gives Käbitz's 3.86.
  const double scale = (3.86 - 1.0) * stored(25.0, 400) / cycling(25.0, 400);
  const auto ratio = [&](double temp_c, double days) {
    return 1.0 + scale * cycling(temp_c, days) / stored(temp_c, days);
  };
  EXPECT_NEAR(ratio(40.0, 400), 2.6, 0.26);
  EXPECT_NEAR(ratio(60.0, 170), 2.3, 0.23);
  EXPECT_NEAR(ratio(40.0, 400), 2.77, 0.01);
  EXPECT_NEAR(ratio(60.0, 170), 2.24, 0.01);
  // 1 at Schmalstieg's 35 °C; 33.2 kJ/mol: x0.648 at 25 °C, x1.50 at 45 °C; held outside 15..60.
  EXPECT_DOUBLE_EQ(nmc_cycle_temperature_factor(35.0), 1.0);
  EXPECT_NEAR(nmc_cycle_temperature_factor(25.0), 0.648, 0.002);
  EXPECT_NEAR(nmc_cycle_temperature_factor(45.0), 1.503, 0.002);
  EXPECT_DOUBLE_EQ(nmc_cycle_temperature_factor(-5.0), nmc_cycle_temperature_factor(15.0));
  EXPECT_DOUBLE_EQ(nmc_cycle_temperature_factor(80.0), nmc_cycle_temperature_factor(60.0));
  // The resistance growth follows the same factor.
  CellAge cool;
  CellAge warm;
  for (int half = 0; half < 100; ++half) {
    age_cycle(AgeingModelKind::nmc_schmalstieg, {1.0, 4.3, 1.0, 3.8, 25.0}, 2.15, 1.0, cool);
    age_cycle(AgeingModelKind::nmc_schmalstieg, {1.0, 4.3, 1.0, 3.8, 45.0}, 2.15, 1.0, warm);
  }
  EXPECT_NEAR(warm.r_cyc / cool.r_cyc,
              nmc_cycle_temperature_factor(45.0) / nmc_cycle_temperature_factor(25.0), 1e-9);
}

// LTO after NREL's fit to Bank et al. 2020 (10.2 Ah NMC/LTO): 10 000 full cycles of 100 % depth
// at 1 C and 45 °C (the fit's reference temperature) lose (1.29 + 7.83e-5 + 4.02)
// exp(-8.33) 10000^0.526 = 16.3 %, at 30 °C 10.8 %; half-depth cycles lose a third as much per
// FEC. The shelf costs nothing (no calendar loss below 80 °C) and the resistance does not grow.
TEST(Ageing, lto_cycles_follow_nrels_fit_to_bank_2020) {
  const auto cycled = [](double depth, double temp_c) {
    CellAge age;
    for (int half = 0; half < 2000; ++half) {
      age_cycle(AgeingModelKind::lto_bank, {depth, 10.2 * depth * 10.0, 1.0, 2.3, temp_c}, 10.2,
                1.0, age);
    }
    return age;
  };
  const CellAge hot = cycled(1.0, 45.0);
  EXPECT_NEAR(hot.fec, 10000.0, 1e-6);
  EXPECT_NEAR(hot.q_cyc, (1.29 + 7.83e-5 + 4.02) * std::exp(-8.33) * std::pow(10000.0, 0.526),
              1e-9);
  EXPECT_NEAR(hot.q_cyc, 0.163, 0.001);
  EXPECT_NEAR(cycled(1.0, 30.0).q_cyc, 0.108, 0.001);
  const CellAge half = cycled(0.5, 45.0);  // 5 000 FEC
  EXPECT_NEAR(half.q_cyc / std::pow(5000.0, 0.526), hot.q_cyc / std::pow(10000.0, 0.526) * 0.3376,
              1e-6);
  EXPECT_DOUBLE_EQ(hot.r_cyc, 0.0);
  EXPECT_DOUBLE_EQ(cycled(1.0, 0.0).q_cyc, cycled(1.0, 15.0).q_cyc) << "held below 15 °C";
  EXPECT_EQ(ageing_model_for(Chemistry::lto), AgeingModelKind::lto_bank);
}

// Virtual time: a cell that aged at 40 °C and then sits at 25 °C continues from its loss, it
// does not start its square root again.
TEST(Ageing, a_change_of_stress_continues_from_the_loss_reached) {
  CellAge age = calendar_hours(AgeingModelKind::lfp_naumann, 4380, 40.0, 0.5, 3.3);
  const double after_hot = age.q_cal;
  for (int h = 0; h < 24; ++h)
    age_calendar(AgeingModelKind::lfp_naumann, {3600.0, 25.0, 0.5, 3.3}, 1.0, age);
  EXPECT_GT(age.q_cal, after_hot);
  EXPECT_LT(age.q_cal - after_hot, 0.0005);  // a day late on a slow square root: tiny
}

PackConfig ageing_pack() {
  PackConfig c;
  c.capacity_ah = 100.0;
  c.ageing = true;
  c.self_discharge_spread = 0.0;
  return c;
}

// The pack ages each cell by its own rate (10 % spread by default): after a year on the shelf at
// 25 °C and 50 % SOC the mean capacity is 4.25 % lower and the cells differ.
TEST(Ageing, a_pack_on_the_shelf_loses_capacity_and_gains_resistance_cell_by_cell) {
  PackConfig c = ageing_pack();
  c.soc_spread = 0.0;
  Pack pack(c);
  for (int h = 0; h < 8760; ++h) {
    for (int k = 0; k < pack.cells(); ++k)
      pack.set_soc(k, 0.5);  // hold the SOC (no self-discharge drift)
    pack.advance({0.0, 25.0, 0.0}, 3600.0);
  }
  double mean_loss = 0.0;
  double lo = 1.0;
  double hi = 0.0;
  for (int k = 0; k < pack.cells(); ++k) {
    const double loss = 1.0 - pack.capacity_ah(k) / pack.new_capacity_ah(k);
    mean_loss += loss / pack.cells();
    lo = std::min(lo, loss);
    hi = std::max(hi, loss);
    EXPECT_NEAR(pack.dc_resistance_25c_ohm(k) / pack.new_dc_resistance_25c_ohm(k),
                1.0 + pack.age(k).r_cal, 1e-12);
  }
  EXPECT_NEAR(mean_loss, 0.0425, 0.004);
  EXPECT_GT(hi - lo, 0.002);  // the spread shows
}

// Cycling a cell between 2 % and 98 % at 1 C (60 s steps) finds its half cycles by the turning
// points of its SOC: 50 full cycles count as 48 FEC of 96 % depth. The cell is held at 25 °C (the
// paper's condition; cooled hard, or its own heat at 1 C would age it faster: Wang's term).
TEST(Ageing, cycling_counts_full_equivalent_cycles_and_their_depth) {
  PackConfig c = ageing_pack();
  c.cells = 1;
  c.cell_to_ambient_w_per_k = 1000.0;
  c.capacity_spread = c.soc_spread = c.ageing_spread = 0.0;
  c.initial_soc = 0.02;
  Pack pack(c);
  double amps = 100.0;
  int turns = 0;
  while (turns < 100) {
    pack.advance({amps, 25.0, 0.0}, 60.0);
    if ((amps > 0 && pack.soc(0) >= 0.98) || (amps < 0 && pack.soc(0) <= 0.02)) {
      amps = -amps;
      ++turns;
    }
  }
  for (int m = 0; m < 30; ++m) pack.advance({0.0, 25.0, 0.0}, 60.0);  // the last turn is seen
  EXPECT_NEAR(pack.age(0).fec, 48.0, 1.5);
  const double expected = 0.1601 * (4.0253 * 0.36 * 0.36 * 0.36 + 1.0923) * std::sqrt(48.0) / 100.0;
  EXPECT_NEAR(pack.age(0).q_cyc, expected, 0.15 * expected);
  EXPECT_GT(pack.age(0).q_cal, 0.0);
  EXPECT_LT(pack.capacity_ah(0), 99.0);
}

// Off unless asked for; an LTO pack on the shelf keeps its capacity (Bank et al.: no calendar
// loss below 80 °C).
TEST(Ageing, off_by_default_and_lto_does_not_age_on_the_shelf) {
  Pack fresh(PackConfig{});
  PackConfig lto = ageing_pack();
  lto.chemistry = Chemistry::lto;
  Pack pack(lto);
  for (int d = 0; d < 30; ++d) {
    fresh.advance({0.0, 25.0, 0.0}, 86400.0);
    pack.advance({0.0, 25.0, 0.0}, 86400.0);
  }
  EXPECT_EQ(fresh.capacity_ah(0), fresh.new_capacity_ah(0));
  EXPECT_EQ(pack.capacity_ah(0), pack.new_capacity_ah(0));
}

}  // namespace
}  // namespace softbms::sim
