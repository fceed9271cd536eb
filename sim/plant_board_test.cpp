// The plant's parts that issue 11 added: an inverter's input capacitors with the board's
// precharge path, and the heating film fed by the charger.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/plant.hpp"

namespace softbms::sim {
namespace {

using namespace softbms::literals;

PackConfig capacitive_pack() {
  PackConfig c;
  c.adc_noise_mv = c.adc_offset_spread_mv = c.adc_gain_spread = 0.0;
  c.shunt_offset_a = c.shunt_gain_error = c.shunt_noise_a = 0.0;
  c.load_capacitance_mf = 10.0;
  return c;
}

core::Outputs drive(bool charge, bool discharge, bool precharge, Microseconds scp_delay = 50_us) {
  core::Outputs o;
  o.charge_fet = charge;
  o.discharge_fet = discharge;
  o.precharge = precharge;
  o.scp_current = 800_A;
  o.scp_delay = scp_delay;
  return o;
}

TEST(PlantCapacitors, closing_the_discharge_fet_onto_empty_capacitors_trips_the_comparator) {
  Plant plant(capacitive_pack());
  const auto m = plant.step(drive(true, true, false), 0.1);
  EXPECT_TRUE(m.short_circuit);
  EXPECT_EQ(plant.totals().scp_trips, 1u);
  // The latch opened the FET long before the capacitors were full.
  EXPECT_LT(plant.load_capacitor_v(), 0.8 * plant.pack().thevenin().e_v);
}

TEST(PlantCapacitors, a_slow_comparator_lets_the_inrush_pass) {
  Plant plant(capacitive_pack());
  const auto m = plant.step(drive(true, true, false, 1500_us), 0.1);
  EXPECT_FALSE(m.short_circuit);
  EXPECT_NEAR(plant.load_capacitor_v(), plant.pack().thevenin().e_v, 0.1) << "full within 0.1 s";
}

TEST(PlantCapacitors, precharge_fills_them_with_the_resistors_time_constant_and_no_trip) {
  Plant plant(capacitive_pack());
  const double e = plant.pack().thevenin().e_v;
  plant.step(drive(true, false, true), 0.2);  // one time constant: 20 Ohm x 10 mF
  EXPECT_NEAR(plant.load_capacitor_v() / e, 1.0 - std::exp(-1.0), 0.02);
  for (int i = 0; i < 10; ++i) plant.step(drive(true, false, true), 0.2);
  EXPECT_NEAR(plant.load_capacitor_v(), e, 0.05);
  const auto m = plant.step(drive(true, true, false), 0.1);
  EXPECT_FALSE(m.short_circuit);
  EXPECT_EQ(plant.totals().scp_trips, 0u);
}

TEST(PlantHeater, with_a_charger_present_the_charger_feeds_the_heater_not_the_cells) {
  World w;
  w.set_ambient(-10.0);
  w.add_charger({0.0, kForever, 56.0, 20.0, {}});
  PackConfig c = capacitive_pack();
  c.load_capacitance_mf = 0.0;
  c.initial_temp_c = -10.0;
  Plant plant(c, w);
  core::Outputs out = drive(false, true, false);  // charging blocked for the cold
  out.heater = true;
  const auto m = plant.step(out, 1.0);
  EXPECT_NEAR(m.heater_current.count() / 1000.0,
              56.0 / (std::pow(plant.pack().nominal_voltage_v(), 2) / 100.0), 0.05);
  EXPECT_EQ(m.current_raw, Milliamps(0));
  EXPECT_NEAR(plant.series_current_a(), -0.025, 1e-3) << "the cells feed only the board's 25 mA";
}

// [M-B2A] 5.4 / [M-BD4A] installation precautions: what miswired balance leads read.
TEST(PlantWiring, swapped_moved_leads_and_a_loose_terminal_read_as_a_board_would) {
  PackConfig c = capacitive_pack();
  c.load_capacitance_mf = 0.0;
  World w;
  w.add_fault({FaultKind::leads_swapped, 0.0, kForever, 7, 8.0});  // cell 8's leads reversed
  Plant plant(c, w);
  auto m = plant.step(drive(true, true, false), 0.1);
  const double cell = plant.pack().voltage_v(6, 0.0) * 1000.0;
  EXPECT_NEAR(m.cell_raw[6].count(), 2 * cell, 20.0) << "cell 7 reads two cells";
  EXPECT_EQ(m.cell_raw[7].count(), 0) << "cell 8 reads negative: 0 on the ADC";
  EXPECT_NEAR(m.cell_raw[8].count(), 2 * cell, 20.0);

  World moved;
  moved.add_fault({FaultKind::lead_moved, 0.0, kForever, 10, 11.0});
  Plant p2(c, moved);
  m = p2.step(drive(true, true, false), 0.1);
  EXPECT_NEAR(m.cell_raw[9].count(), 2 * cell, 20.0);
  EXPECT_LT(m.cell_raw[10].count(), 5);

  World loose;
  loose.add_load({0.0, kForever, LoadKind::current, 100.0, {}});
  loose.add_fault({FaultKind::loose_terminal, 0.0, kForever, 0, 0.003});
  Plant p3(c, loose);
  for (int i = 0; i < 600; ++i) p3.step(drive(true, true, false), 1.0);
  EXPECT_GT(p3.board_temp_c(), 25.0 + 30.0 / 0.4 * 0.8) << "30 W in the terminal heat the board";
}

// [M-BD4A] installation precautions: B- and P- reversed. Balance lead 0 (50 mOhm) bypasses the
// FETs: the shunt sees their share backwards, and opening them does not stop the current. With
// only the discharge FET open its body diode still passes the load (it points that way now).
TEST(PlantWiring, b_and_p_reversed_reads_a_discharge_as_a_charge_and_no_fet_stops_it) {
  PackConfig c = capacitive_pack();
  c.load_capacitance_mf = 0.0;
  World w;
  w.add_load({0.0, kForever, LoadKind::current, 30.0, {}});
  w.add_fault({FaultKind::b_p_reversed, 0.0, kForever, 0, 0.05});
  Plant plant(c, w);
  auto m = plant.step(drive(true, true, false), 0.1);
  const double through_fets =
      0.05 / (0.05 + (c.shunt_resistance_mohm + c.fet_on_resistance_mohm) * 1e-3);
  EXPECT_NEAR(plant.pack_current_a(), -30.0, 0.1) << "the load is served";
  EXPECT_NEAR(m.current_raw.count(), 30'000 * through_fets, 50) << "a discharge read as a charge";
  const double cell1 = plant.pack().voltage_v(0, plant.pack_current_a()) * 1000.0;
  m = plant.step(drive(true, false, false), 0.1);
  EXPECT_NEAR(plant.pack_current_a(), -30.0, 0.1);
  EXPECT_GT(m.current_raw.count(), 14'000) << "the discharge FET's diode carries about half";
  EXPECT_LT(m.current_raw.count(), 17'000);
  EXPECT_NEAR(m.cell_raw[0].count(), cell1 - 720.0, 30.0) << "the diode clamps the lead's drop";
  m = plant.step(drive(false, false, false), 0.1);
  EXPECT_NEAR(plant.pack_current_a(), -30.0, 0.1) << "both FETs open: the lead carries it all";
  EXPECT_EQ(m.current_raw.count(), 0);
  EXPECT_NEAR(m.cell_raw[0].count(), cell1 - 1500.0, 20.0)
      << "30 A x 50 mOhm lift the board's ground";
}

}  // namespace
}  // namespace softbms::sim
