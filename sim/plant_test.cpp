#include "sim/plant.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace softbms::sim {
namespace {

using namespace softbms::literals;

// A pack whose sensors are perfect, so tests can read the physics through the measurements.
PackConfig quiet_pack(int cells = 16, double soc = 0.5) {
  PackConfig c;
  c.cells = cells;
  c.initial_soc = soc;
  c.adc_noise_mv = c.adc_offset_spread_mv = c.adc_gain_spread = 0.0;
  c.shunt_offset_a = c.shunt_gain_error = c.shunt_noise_a = 0.0;
  c.wire_test_noise_mohm = 0.0;
  return c;
}

core::Outputs fets(bool charge, bool discharge) {
  core::Outputs o;
  o.charge_fet = charge;
  o.discharge_fet = discharge;
  o.scp_current = 500_A;
  o.scp_delay = 300_us;
  return o;
}

World with_load(double amps) {
  World w;
  w.add_load({0.0, kForever, LoadKind::current, amps, {}});
  return w;
}

World with_charger(double volts, double amps) {
  World w;
  w.add_charger({0.0, kForever, volts, amps, {}});
  return w;
}

double string_ocv(const Plant& p) {
  double v = 0.0;
  for (int k = 0; k < p.pack().cells(); ++k) v += p.pack().voltage_v(k, 0.0);
  return v;
}

TEST(PlantFets, a_load_draws_its_current_through_both_fets_and_the_shunt_reads_it) {
  Plant plant(quiet_pack(), with_load(100.0));
  const auto m = plant.step(fets(true, true), 0.1);
  EXPECT_NEAR(plant.pack_current_a(), -100.0, 1e-3);
  EXPECT_EQ(m.current_raw, Milliamps(-100000));
  EXPECT_TRUE(m.charge_fet_readback);
  EXPECT_TRUE(m.discharge_fet_readback);
  // Terminal = string - 100 A * (cells + links + shunt + FETs); no diode drop.
  EXPECT_LT(m.terminal_voltage.count(), static_cast<int32_t>(string_ocv(plant) * 1000.0));
  EXPECT_GT(m.terminal_voltage.count(), static_cast<int32_t>((string_ocv(plant) - 0.6) * 1000.0));
}

TEST(PlantFets, charge_fet_off_blocks_charging_and_the_terminal_shows_the_charger) {
  Plant plant(quiet_pack(), with_charger(58.4, 50.0));
  const auto m = plant.step(fets(false, true), 0.1);
  EXPECT_DOUBLE_EQ(plant.pack_current_a(), 0.0);
  EXPECT_EQ(m.current_raw, Milliamps(0));
  // The BMS sees the charger's voltage above the pack: that is how it detects a charger.
  EXPECT_NEAR(m.terminal_voltage.count(), 58400, 1);
  EXPECT_FALSE(m.charge_fet_readback);
  const auto on = plant.step(fets(true, true), 0.1);
  EXPECT_NEAR(plant.pack_current_a(), 50.0, 1e-3);
  EXPECT_EQ(on.current_raw, Milliamps(50000));
}

TEST(PlantFets, charge_fet_off_still_lets_a_load_discharge_through_its_body_diode) {
  Plant both(quiet_pack(), with_load(20.0));
  Plant diode(quiet_pack(), with_load(20.0));
  const auto m_both = both.step(fets(true, true), 0.1);
  const auto m_diode = diode.step(fets(false, true), 0.1);
  EXPECT_NEAR(diode.pack_current_a(), -20.0, 1e-3);
  // The diode drops 0.7 V, minus the half FET resistance it bypasses (20 A * 0.1 mOhm).
  EXPECT_NEAR((m_both.terminal_voltage - m_diode.terminal_voltage).count(), 700 - 2, 1);
  // The diode heats the FETs far more than the channel: 14 W instead of 0.08 W.
  for (int s = 0; s < 600; ++s) {
    both.step(fets(true, true), 1.0);
    diode.step(fets(false, true), 1.0);
  }
  EXPECT_GT(diode.board_temp_c(), both.board_temp_c() + 10.0);
}

TEST(PlantFets, discharge_fet_off_blocks_a_load_but_charging_flows_through_its_body_diode) {
  Plant blocked(quiet_pack(), with_load(20.0));
  const auto m = blocked.step(fets(true, false), 0.1);
  EXPECT_DOUBLE_EQ(blocked.pack_current_a(), 0.0);
  EXPECT_EQ(m.terminal_voltage, Millivolts(0));  // nothing holds the terminals up
  Plant charging(quiet_pack(), with_charger(58.4, 30.0));
  const auto c = charging.step(fets(true, false), 0.1);
  EXPECT_NEAR(charging.pack_current_a(), 30.0, 1e-3);
  EXPECT_FALSE(c.discharge_fet_readback);
}

TEST(PlantFets, a_fet_stuck_on_conducts_against_the_command_and_reads_back_on) {
  World w = with_load(20.0);
  w.add_fault({FaultKind::fet_stuck, 0.0, kForever, 1, 1.0});
  Plant plant(quiet_pack(), w);
  const auto m = plant.step(fets(true, false), 0.1);
  EXPECT_TRUE(m.discharge_fet_readback);
  EXPECT_NEAR(plant.pack_current_a(), -20.0, 1e-3);
}

TEST(PlantFets, a_fet_stuck_off_blocks_and_reads_back_off) {
  World w = with_charger(58.4, 30.0);
  w.add_fault({FaultKind::fet_stuck, 0.0, kForever, 0, 0.0});
  Plant plant(quiet_pack(), w);
  const auto m = plant.step(fets(true, true), 0.1);
  EXPECT_FALSE(m.charge_fet_readback);
  EXPECT_DOUBLE_EQ(plant.pack_current_a(), 0.0);
}

TEST(PlantScp, short_circuit_raises_the_comparator_only_after_scp_delay) {
  World w;
  w.add_fault({FaultKind::short_circuit, 1.0, kForever, 0, 0.001});
  Plant plant(quiet_pack(), w);
  const auto out = fets(true, true);  // 500 A, 300 us
  EXPECT_FALSE(plant.step(out, 1.0).short_circuit);
  for (int us = 50; us < 300; us += 50) {
    EXPECT_FALSE(plant.step(out, 50e-6).short_circuit) << us << " us";
    EXPECT_LT(plant.pack_current_a(), -5000.0);  // thousands of amps are flowing
  }
  const auto tripped = plant.step(out, 50e-6);  // 300 us after the short began
  EXPECT_TRUE(tripped.short_circuit);
  EXPECT_FALSE(tripped.discharge_fet_readback);
  EXPECT_EQ(plant.totals().scp_trips, 1U);
  // The short was fed for exactly 300 us: the charge out equals current x delay.
  const double amps = -plant.totals().charge_out_ah * 3600.0 / 300e-6;
  EXPECT_LT(amps, -5000.0);
  // The latch holds the discharge FET off while the core still asks for it...
  EXPECT_TRUE(plant.step(out, 0.1).short_circuit);
  EXPECT_DOUBLE_EQ(plant.pack_current_a(), 0.0);
  // ...and releases once the core has switched it off.
  EXPECT_FALSE(plant.step(fets(true, false), 0.1).short_circuit);
}

TEST(PlantScp, the_comparator_trips_inside_one_long_control_step_after_the_delay) {
  World w;
  w.add_fault({FaultKind::short_circuit, 0.05, kForever, 0, 0.002});
  Plant plant(quiet_pack(), w);
  auto out = fets(true, true);
  out.scp_delay = 200_us;
  const auto m = plant.step(out, 0.1);
  EXPECT_TRUE(m.short_circuit);
  // Short current about 53 V / (4.7 + 2) mOhm: 0.2 ms of it, then nothing.
  const double amp_seconds = plant.totals().charge_out_ah * 3600.0;
  EXPECT_GT(amp_seconds, 5000.0 * 200e-6);
  EXPECT_LT(amp_seconds, 12000.0 * 200e-6);
}

TEST(PlantScp, a_current_below_the_threshold_never_trips) {
  Plant plant(quiet_pack(), with_load(450.0));
  for (int s = 0; s < 50; ++s) EXPECT_FALSE(plant.step(fets(true, true), 0.1).short_circuit);
}

TEST(PlantBalancer, moves_energy_with_the_stated_efficiency_and_never_more) {
  PackConfig c = quiet_pack(4, 0.5);
  Plant plant(c);
  core::Outputs out = fets(false, false);
  out.balancer = {true, 2, 0, 2_A};
  const double src0 = plant.pack().terminal_charge_ah(2);
  const double sink0 = plant.pack().terminal_charge_ah(0);
  core::Measurements m;
  for (int s = 0; s < 3600; ++s) m = plant.step(out, 1.0);
  const auto& t = plant.totals();
  // A "2 A" balancer moves 1.35 A (0.675 of nominal) out of the source.
  EXPECT_EQ(m.balance_current, Milliamps(-1350));
  // The source gave 1.35 Ah to the balancer (plus its share of the board's own supply).
  EXPECT_NEAR(plant.pack().terminal_charge_ah(2) - src0, -1.35 - t.board_ah, 1e-9);
  EXPECT_NEAR(t.balancer_out_ah, 1.35, 1e-9);
  EXPECT_NEAR(t.balancer_in_wh / t.balancer_out_wh, 0.8, 1e-12);
  EXPECT_NEAR(t.balancer_loss_wh, 0.2 * t.balancer_out_wh, 1e-9);
  const double into_sink = plant.pack().terminal_charge_ah(0) - sink0 + t.board_ah;
  EXPECT_NEAR(into_sink, t.balancer_in_ah, 1e-9);
  EXPECT_LT(into_sink, 1.35);  // charge is not created: 0.8 x 1.35 Ah at similar voltages
  EXPECT_NEAR(into_sink, 1.35 * 0.8, 0.01);
  // Its loss heats the board.
  EXPECT_GT(plant.board_temp_c(), 25.5);
}

TEST(PlantBalancer, the_effective_current_is_capped_by_the_rating) {
  Plant plant(quiet_pack(4));
  core::Outputs out = fets(false, false);
  out.balancer = {true, 1, 3, 5_A};
  EXPECT_EQ(plant.step(out, 0.1).balance_current, Milliamps(-1350));
  out.balancer = {true, 1, 3, 1_A};
  EXPECT_EQ(plant.step(out, 0.1).balance_current, Milliamps(-675));
  out.sleep = true;
  EXPECT_EQ(plant.step(out, 0.1).balance_current, Milliamps(0));
}

TEST(PlantPhysics, charge_is_conserved_in_every_cell) {
  PackConfig c = quiet_pack(8, 0.5);
  c.max_substep_s = 1.0;
  World w;
  w.add_load({0.0, kForever, LoadKind::power, 0.0, dst_cycle(8000.0)});
  w.add_charger({1800.0, 2700.0, 29.2, 40.0, {}});
  Plant plant(c, w);
  core::Outputs out = fets(true, true);
  out.balancer = {true, 5, 2, 2_A};
  out.heater = true;
  const Pack& pack = plant.pack();
  std::vector<double> start(8);
  std::vector<double> expected_ah(8, 0.0);
  for (int k = 0; k < 8; ++k) start[k] = pack.soc(k);
  const double eta = pack.model().coulombic_efficiency;
  for (int s = 0; s < 3600; ++s) {
    plant.step(out, 1.0);
    for (int k = 0; k < 8; ++k) {
      const double extra =
          k == 5 ? -plant.balancer_source_a() : (k == 2 ? plant.balancer_sink_a() : 0.0);
      const double i = plant.series_current_a() + extra;
      expected_ah[k] += (i > 0 ? eta : 1.0) * i / 3600.0;
    }
  }
  EXPECT_GT(plant.totals().charge_in_ah, 1.0);
  EXPECT_GT(plant.totals().charge_out_ah, 1.0);
  for (int k = 0; k < 8; ++k) {
    const double moved_ah = (pack.soc(k) - start[k]) * pack.capacity_ah(k);
    EXPECT_NEAR(moved_ah, expected_ah[k] - pack.leak_charge_ah(k), 1e-9) << "cell " << k;
  }
}

// At a 1 s control period the plant takes one 1 s sub-step where it took ten of 0.1 s (the
// default max_substep_s went from 0.1 to 1 s). Over the morning of a home battery (PV ramping up
// as a charger, the DST cycle as a constant-power house load, the balancer and the daily
// ambient) the fine-stepped plant and the coarse one stay within what the sensors resolve: true
// cell voltages within 1 mV (the ADC's LSB) but for a few instants where the current crosses
// zero and the instantaneous hysteresis (1 mV each way) flips a sub-step apart; the mean current
// of 99 % of the steps within the shunt's own error (50 mA + 0.3 %), the rest within 10 % (where
// a charger meets its CV limit the current falls by a percent or more within one second, which
// one 1 s sub-step holds: 66 of 14 400 steps here); temperatures within 0.1 K (the NTCs'
// resolution), SOC within 0.01 %.
TEST(PlantPhysics, one_second_sub_steps_track_tenth_second_ones_within_the_sensors_resolution) {
  World w;
  w.add_charger({-6.0 * 3600.0, kForever, 16 * 3.5, 0.0, solar_current_day(140.0)});
  w.add_load({0.0, kForever, LoadKind::power, 0.0, dst_cycle(6000.0)});
  w.set_ambient(daily_ambient(22.0, 6.0));
  PackConfig coarse_config = quiet_pack(16, 0.3);
  ASSERT_EQ(coarse_config.max_substep_s, 1.0);
  PackConfig fine_config = coarse_config;
  fine_config.max_substep_s = 0.1;
  Plant coarse(coarse_config, w);
  Plant fine(fine_config, w);
  core::Outputs out = fets(true, true);
  out.balancer = {true, 4, 9, 2_A};
  constexpr int kSteps = 4 * 3600;
  const auto net_ah = [](const Plant& p) {
    return p.totals().charge_in_ah - p.totals().charge_out_ah;
  };
  double fine_ah = 0.0;
  double coarse_ah = 0.0;
  int beyond_shunt = 0;
  double worst_v = 0.0;
  int over_1mv = 0;
  double worst_c = 0.0;
  for (int s = 0; s < kSteps; ++s) {
    coarse.step(out, 1.0);
    fine.step(out, 1.0);
    // The mean current over the step (the last sub-steps of the two plants end 0.9 s apart).
    const double amps = (net_ah(fine) - fine_ah) * 3600.0;
    const double error_a = std::fabs((net_ah(coarse) - coarse_ah) * 3600.0 - amps);
    beyond_shunt += error_a > 0.05 + 0.003 * std::fabs(amps);
    EXPECT_LT(error_a, 0.15 + 0.1 * std::fabs(amps)) << s;
    fine_ah = net_ah(fine);
    coarse_ah = net_ah(coarse);
    double step_v = 0.0;
    for (int k = 0; k < 16; ++k) {
      step_v = std::max(step_v, std::fabs(coarse.pack().voltage_v(k, coarse.series_current_a()) -
                                          fine.pack().voltage_v(k, fine.series_current_a())));
      worst_c = std::max(worst_c,
                         std::fabs(coarse.pack().temperature_c(k) - fine.pack().temperature_c(k)));
    }
    worst_v = std::max(worst_v, step_v);
    over_1mv += step_v > 0.001;
  }
  EXPECT_GT(coarse.totals().charge_in_ah, 50.0);  // the sun did shine
  EXPECT_GT(coarse.totals().charge_out_ah, 10.0);
  EXPECT_LT(worst_v, 0.0025);
  EXPECT_LE(over_1mv, kSteps / 1000);
  EXPECT_LE(beyond_shunt, kSteps / 100);
  EXPECT_LT(worst_c, 0.1);
  for (int k = 0; k < 16; ++k) EXPECT_NEAR(coarse.pack().soc(k), fine.pack().soc(k), 1e-4);
}

TEST(PlantPhysics, charger_charges_at_constant_current_then_holds_its_voltage) {
  PackConfig c = quiet_pack(16, 0.9);
  c.soc_spread = 0.0;
  Plant plant(c, with_charger(16 * 3.45, 50.0));
  plant.step(fets(true, true), 1.0);
  // All 50 A but the 0.5 mA the terminal divider takes.
  EXPECT_NEAR(plant.pack_current_a(), 50.0 - plant.terminal_voltage_v() / 100e3, 1e-9);
  double last_current = 50.0;
  for (int s = 0; s < 4 * 3600; ++s) {
    plant.step(fets(true, true), 1.0);
    ASSERT_LE(plant.terminal_voltage_v(), 16 * 3.45 + 1e-9);
    last_current = plant.pack_current_a();
  }
  EXPECT_LT(last_current, 10.0);  // tapered in CV
  EXPECT_NEAR(plant.terminal_voltage_v(), 16 * 3.45, 0.06);
}

TEST(PlantPhysics, constant_power_and_resistive_loads_draw_what_they_should) {
  World power;
  power.add_load({0.0, kForever, LoadKind::power, 2000.0, {}});
  Plant p(quiet_pack(), power);
  for (int s = 0; s < 10; ++s) p.step(fets(true, true), 0.1);
  EXPECT_NEAR(-p.pack_current_a() * p.terminal_voltage_v(), 2000.0, 1.0);
  World res;
  res.add_load({0.0, kForever, LoadKind::resistance, 1.0, {}});
  Plant r(quiet_pack(), res);
  r.step(fets(true, true), 0.1);
  EXPECT_NEAR(-r.pack_current_a(), r.terminal_voltage_v() / 1.0, 0.01);
}

TEST(PlantSensors, ntc_reads_ten_kilohm_at_25_c_and_open_or_shorted_sensors_show_it) {
  World w;
  w.add_fault({FaultKind::sensor_open, 1.0, kForever, 1, 0.0});
  w.add_fault({FaultKind::sensor_short, 1.0, kForever, 2, 0.0});
  Plant plant(quiet_pack(), w);
  const auto before = plant.step(fets(true, true), 1.0);
  // The board warms by millikelvins from its own supply in the first second (1 Ohm = 2.3 mK).
  EXPECT_NEAR(before.ntc[0].count(), 10000, 2);
  EXPECT_EQ(before.ntc[1], Ohms(10000));
  EXPECT_EQ(before.ntc[2], Ohms(10000));
  EXPECT_EQ(before.ntc[3], Ohms(0));  // not installed (2 battery sensors)
  const auto after = plant.step(fets(true, true), 1.0);
  EXPECT_EQ(after.ntc[1], Ohms(0));
  EXPECT_EQ(after.ntc[2], Ohms(kShortedNtcOhms));
  EXPECT_NEAR(after.ntc[0].count(), 10000, 20);                // the board warms by its own supply
  EXPECT_NEAR(ntc_ohms(10000.0, 3950.0, 0.0), 33620.0, 20.0);  // 10k B3950 at 0 °C
}

TEST(PlantSensors, the_mos_sensor_follows_fet_heat_with_a_lag) {
  PackConfig c = quiet_pack();
  Plant plant(c, with_load(150.0));
  plant.step(fets(true, true), 1.0);
  for (int s = 0; s < 1800; ++s) plant.step(fets(true, true), 1.0);
  // 150 A through 0.2 mOhm = 4.5 W into 0.4 W/K: about 11 K over ambient at steady state.
  EXPECT_NEAR(plant.board_temp_c(), 25.0 + 4.5 / 0.4 + 53.0 * 0.025 / 0.4, 1.0);
  EXPECT_LT(plant.sensor_temp_c(0), plant.board_temp_c());
  EXPECT_GT(plant.sensor_temp_c(0), plant.sensor_temp_c(1) + 5.0);
}

TEST(PlantSensors, open_balance_wire_reads_zero_below_and_double_above_and_fails_the_wire_test) {
  World w;
  w.add_fault({FaultKind::open_balance_wire, 0.0, kForever, 5, 0.0});
  Plant plant(quiet_pack(), w);
  const auto m = plant.step(fets(false, false), 0.1);
  const double v4 = plant.pack().voltage_v(4, 0.0);
  const double v5 = plant.pack().voltage_v(5, 0.0);
  EXPECT_EQ(m.cell_raw[4], Millivolts(0));
  EXPECT_NEAR(m.cell_raw[5].count(), (v4 + v5) * 1000.0, 1.0);
  EXPECT_EQ(m.wire_resistance[4], Milliohms(kOpenWireMilliohms));
  EXPECT_EQ(m.wire_resistance[5], Milliohms(kOpenWireMilliohms));
  EXPECT_GT(m.wire_resistance[3].count(), 20);
  EXPECT_LT(m.wire_resistance[3].count(), 100);
  core::Outputs out = fets(false, false);
  out.balancer = {true, 5, 0, 2_A};
  EXPECT_EQ(plant.step(out, 0.1).balance_current, Milliamps(0));
}

TEST(PlantSensors, cell_adc_reads_within_noise_and_quantises_to_one_millivolt) {
  PackConfig c;  // default noise 1 mV, offsets +-1 mV, gain 0.05 %
  Plant plant(c);
  const auto m = plant.step(fets(false, false), 0.1);
  for (int k = 0; k < 16; ++k) {
    EXPECT_NEAR(m.cell_raw[k].count(), plant.pack().voltage_v(k, 0.0) * 1000.0, 10.0);
  }
  EXPECT_EQ(m.cell_raw[16], Millivolts(0));  // no cell 17
}

TEST(PlantSensors, shunt_offset_gain_and_a_failed_current_sensor) {
  PackConfig c = quiet_pack();
  c.shunt_offset_a = 0.2;
  c.shunt_gain_error = 0.01;
  World w = with_load(100.0);
  w.add_fault({FaultKind::current_sensor, 1.0, kForever, 0, -300.0});
  Plant plant(c, w);
  EXPECT_EQ(plant.step(fets(true, true), 0.5).current_raw, Milliamps(-100800));
  EXPECT_EQ(plant.step(fets(true, true), 1.0).current_raw, Milliamps(-300000));
  EXPECT_NEAR(plant.pack_current_a(), -100.0, 1e-3);  // the physics does not change
}

TEST(PlantFaults, a_cell_leak_drains_only_that_cell) {
  World w;
  w.add_fault({FaultKind::cell_leak, 0.0, kForever, 3, 1.0});
  PackConfig c = quiet_pack(4);
  c.soc_spread = c.capacity_spread = c.self_discharge_spread = 0.0;
  Plant plant(c, w);
  for (int s = 0; s < 10; ++s) plant.step(fets(false, false), 3600.0);
  // Cell 3 loses 10 Ah (3.57 % of 280 Ah) more than its neighbour; both share the board's
  // supply and their self-discharge.
  const double lost_neighbour = 0.5 - plant.pack().soc(2);
  EXPECT_NEAR(plant.pack().soc(2) - plant.pack().soc(3), 10.0 / 280.0, 1e-4);
  EXPECT_LT(lost_neighbour, 0.0015);
  EXPECT_NEAR(plant.pack().soc(0), plant.pack().soc(2), 1e-12);
}

TEST(PlantHeater, the_heater_draws_its_power_from_the_cells_and_warms_them) {
  World w;
  w.set_ambient(-10.0);
  PackConfig c = quiet_pack();
  c.initial_temp_c = -10.0;
  Plant plant(c, w);
  core::Outputs out = fets(false, false);
  out.heater = true;
  const auto m = plant.step(out, 1.0);
  EXPECT_NEAR(m.heater_current.count() / 1000.0 * plant.pack().nominal_voltage_v(), 100.0, 1.0);
  EXPECT_EQ(m.current_raw, Milliamps(0));  // the heater is not on the main shunt
  for (int s = 0; s < 7200; ++s) plant.step(out, 1.0);
  EXPECT_GT(plant.pack().temperature_c(8), -9.0);
  EXPECT_NEAR(plant.totals().heater_wh, 100.0 * 7201 / 3600.0, 3.0);
}

TEST(PlantDeterminism, same_seed_gives_bit_identical_results) {
  const auto run = [](uint64_t seed) {
    PackConfig c;
    c.seed = seed;
    World w;
    w.add_load({0.0, kForever, LoadKind::power, 0.0, dst_cycle(6000.0)});
    w.add_fault({FaultKind::short_circuit, 100.0, 100.01, 0, 0.002});
    w.add_fault({FaultKind::cell_leak, 50.0, kForever, 2, 0.5});
    w.set_ambient(daily_ambient(20.0, 5.0));
    Plant plant(c, w);
    core::Outputs out = fets(true, true);
    out.balancer = {true, 3, 9, 2_A};
    std::vector<core::Measurements> ms;
    for (int s = 0; s < 2000; ++s) {
      out.discharge_fet = !plant.scp_latched();
      ms.push_back(plant.step(out, 0.1));
    }
    std::vector<double> truth;
    for (int k = 0; k < 16; ++k) {
      truth.push_back(plant.pack().soc(k));
      truth.push_back(plant.pack().temperature_c(k));
    }
    return std::make_pair(ms, truth);
  };
  const auto a = run(5);
  const auto b = run(5);
  const auto other = run(6);
  ASSERT_EQ(a.first.size(), b.first.size());
  int differing_steps = 0;
  for (std::size_t i = 0; i < a.first.size(); ++i) {
    const auto& x = a.first[i];
    const auto& y = b.first[i];
    ASSERT_EQ(x.cell_raw, y.cell_raw) << "step " << i;
    ASSERT_EQ(x.current_raw, y.current_raw) << "step " << i;
    ASSERT_EQ(x.ntc, y.ntc);
    ASSERT_EQ(x.wire_resistance, y.wire_resistance);
    ASSERT_EQ(x.terminal_voltage, y.terminal_voltage);
    ASSERT_EQ(x.short_circuit, y.short_circuit);
    differing_steps += x.cell_raw != other.first[i].cell_raw;
  }
  EXPECT_EQ(a.second, b.second);  // doubles compared exactly
  EXPECT_GT(differing_steps, 1900);
}

}  // namespace
}  // namespace softbms::sim
