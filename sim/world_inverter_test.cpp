#include <gtest/gtest.h>

#include "sim/profile.hpp"
#include "sim/world.hpp"

namespace softbms::sim {
namespace {

Profile constant(double v) {
  return Profile{{0.0}, {v}, false, 0.0};
}

// PV and house constant; the bus at 50 V so amps are watts / 50.
Inverter inverter(double pv_w, double house_w) {
  Inverter inv;
  inv.pv_w = constant(pv_w);
  inv.house_w = constant(house_w);
  inv.max_charge_a = 100.0;
  inv.max_discharge_a = 100.0;
  return inv;
}

constexpr InverterLimits kOpen{55.2, 90.0, 90.0, true, true};

TEST(Inverter, charges_the_pv_surplus_as_a_cc_cv_charger_up_to_cvl) {
  World w;
  w.set_inverter(inverter(4000.0, 1000.0));
  w.update_inverter(0.0, kOpen, 50.0);
  const WorldState s = w.at(0.5);
  EXPECT_TRUE(s.charger_present);
  EXPECT_DOUBLE_EQ(s.charger_v, 55.2);
  EXPECT_DOUBLE_EQ(s.charger_a, 60.0);  // (4000 - 1000) W / 50 V
  EXPECT_DOUBLE_EQ(s.load_a, 0.0);
  EXPECT_DOUBLE_EQ(s.inverter.pv_w, 4000.0);
  EXPECT_DOUBLE_EQ(s.inverter.house_w, 1000.0);
  EXPECT_DOUBLE_EQ(s.inverter.setpoint_a, 60.0);
}

TEST(Inverter, charge_current_is_the_smallest_of_ccl_surplus_and_its_own_maximum) {
  World w;
  w.set_inverter(inverter(9000.0, 500.0));  // 170 A of surplus
  w.update_inverter(0.0, {55.2, 72.0, 90.0, true, true}, 50.0);
  EXPECT_DOUBLE_EQ(w.at(0.1).charger_a, 72.0);
  w.update_inverter(1.0, {55.2, 150.0, 90.0, true, true}, 50.0);
  EXPECT_DOUBLE_EQ(w.at(1.1).charger_a, 100.0);  // its own 100 A
}

TEST(Inverter, discharge_covers_the_deficit_up_to_dcl_and_the_grid_gives_the_rest) {
  World w;
  w.set_inverter(inverter(500.0, 3500.0));  // 60 A of deficit at 50 V
  w.update_inverter(0.0, {55.2, 90.0, 40.0, true, true}, 50.0);
  WorldState s = w.at(0.2);
  EXPECT_FALSE(s.charger_present);
  EXPECT_DOUBLE_EQ(s.load_a, 40.0);
  EXPECT_DOUBLE_EQ(s.inverter.setpoint_a, -40.0);
  w.update_inverter(1.0, {55.2, 90.0, 80.0, true, true}, 50.0);
  EXPECT_DOUBLE_EQ(w.at(1.2).load_a, 60.0);
}

TEST(Inverter, an_enable_flag_of_0_stops_that_direction_whatever_the_limit) {
  World w;
  w.set_inverter(inverter(4000.0, 1000.0));
  w.update_inverter(0.0, {55.2, 90.0, 90.0, false, true}, 50.0);
  EXPECT_FALSE(w.at(0.1).charger_present);
  w.set_inverter(inverter(0.0, 1000.0));
  w.update_inverter(0.0, {55.2, 90.0, 90.0, true, false}, 50.0);
  EXPECT_DOUBLE_EQ(w.at(0.1).load_a, 0.0);
}

TEST(Inverter, does_nothing_before_the_first_frame_from_the_bms) {
  World w;
  w.set_inverter(inverter(4000.0, 0.0));
  EXPECT_FALSE(w.at(0.0).charger_present);
  w.set_inverter(inverter(0.0, 2000.0));
  w.update_inverter(0.0, {}, 50.0);  // a frame of zeros: nothing allowed
  EXPECT_DOUBLE_EQ(w.at(0.0).load_a, 0.0);
  EXPECT_TRUE(w.at(0.0).inverter.present);
}

TEST(Inverter,
     a_battery_port_reading_nothing_is_charged_from_pv_at_its_own_cv_and_never_discharged) {
  // The discharge FET open after an under-voltage trip: the port reads 0 V, the BMS still allows
  // charging at 54 A.
  World w;
  w.set_inverter(inverter(3000.0, 500.0));
  w.update_inverter(0.0, {55.2, 54.0, 0.0, true, false}, 0.0);
  const WorldState day = w.at(0.5);
  EXPECT_TRUE(day.charger_present);
  EXPECT_DOUBLE_EQ(day.charger_v, 55.2);
  EXPECT_NEAR(day.charger_a, 2500.0 / 55.2, 1e-9);  // the surplus sized at its CV
  w.update_inverter(1.0, {55.2, 30.0, 0.0, true, false}, 0.0);
  EXPECT_DOUBLE_EQ(w.at(1.5).charger_a, 30.0) << "CCL still caps it";
  World night;
  night.set_inverter(inverter(0.0, 500.0));
  night.update_inverter(0.0, {55.2, 54.0, 90.0, true, true}, 0.0);
  const WorldState s = night.at(0.5);
  EXPECT_FALSE(s.charger_present);
  EXPECT_DOUBLE_EQ(s.load_a, 0.0) << "nothing can come out of the pack";
  World off;
  off.set_inverter(inverter(3000.0, 500.0));
  off.update_inverter(0.0, {55.2, 54.0, 0.0, false, false}, 0.0);
  EXPECT_FALSE(off.at(0.5).charger_present) << "charging not allowed by the BMS";
}

// Grid wake-up (wake_a): the board asleep after an under-voltage trip on a day without PV. Its
// CAN is quiet, so after kBmsLostS the inverter counts the BMS gone and puts wake_a on the dead
// port at its own charge voltage (JK's charger activation wakes the board). Awake again, the BMS
// asks for a force charge: the inverter charges from the grid at wake_a within the CCL and never
// discharges; without the request it takes nothing from the grid. Without wake_a: nothing.
TEST(Inverter, wakes_a_silent_bms_behind_a_dead_port_and_honours_a_force_charge) {
  Inverter inv = inverter(0.0, 500.0);
  inv.charge_voltage_v = 55.2;
  inv.wake_a = 10.0;
  World w;
  w.set_inverter(inv);
  w.update_inverter(0.0, {55.2, 54.0, 0.0, true, false}, 0.0);
  EXPECT_FALSE(w.at(0.5).charger_present) << "awake, no force charge, no PV: no grid charge";
  w.update_inverter_silent(1.0, 0.0);
  EXPECT_FALSE(w.at(1.5).charger_present) << "the last frame still counts";
  w.update_inverter_silent(3.0, 0.0);
  const WorldState woken = w.at(3.5);
  EXPECT_TRUE(woken.charger_present);
  EXPECT_DOUBLE_EQ(woken.charger_v, 55.2);
  EXPECT_DOUBLE_EQ(woken.charger_a, 10.0);
  // Awake, a force charge asked: 10 A from the grid, capped by the CCL; the house is not fed.
  w.update_inverter(4.0, {55.2, 54.0, 90.0, true, true, true}, 50.0);
  const WorldState forced = w.at(4.5);
  EXPECT_DOUBLE_EQ(forced.charger_a, 10.0);
  EXPECT_DOUBLE_EQ(forced.load_a, 0.0);
  w.update_inverter(5.0, {55.2, 6.0, 90.0, true, true, true}, 50.0);
  EXPECT_DOUBLE_EQ(w.at(5.5).charger_a, 6.0) << "CCL caps it";
  w.update_inverter(6.0, {55.2, 54.0, 90.0, false, true, true}, 50.0);
  EXPECT_FALSE(w.at(6.5).charger_present) << "charge enable 0 wins";
  EXPECT_DOUBLE_EQ(w.at(6.5).load_a, 0.0) << "a force charge never discharges";
  w.update_inverter(7.0, {55.2, 54.0, 90.0, true, true, false}, 50.0);
  EXPECT_NEAR(w.at(7.5).load_a, 10.0, 1e-9) << "request cleared: it feeds the house again";
  // Without wake_a the silent, dead battery stays dead.
  World plain;
  inv.wake_a = 0.0;
  plain.set_inverter(inv);
  plain.update_inverter(0.0, {55.2, 54.0, 0.0, true, false, true}, 0.0);
  plain.update_inverter_silent(10.0, 0.0);
  EXPECT_FALSE(plain.at(10.5).charger_present);
}

TEST(Inverter, holds_the_limits_of_the_last_frame_for_one_link_period) {
  World w;
  Inverter inv = inverter(9000.0, 0.0);
  inv.link_period_s = 1.0;
  w.set_inverter(inv);
  w.update_inverter(0.0, {55.2, 50.0, 90.0, true, true}, 50.0);
  w.update_inverter(0.5, {55.2, 10.0, 90.0, true, true}, 50.0);
  EXPECT_DOUBLE_EQ(w.inverter_limits().ccl_a, 50.0);
  EXPECT_DOUBLE_EQ(w.at(0.6).charger_a, 50.0);
  w.update_inverter(1.0, {55.2, 10.0, 90.0, true, true}, 50.0);
  EXPECT_DOUBLE_EQ(w.at(1.1).charger_a, 10.0);
}

TEST(Inverter, without_the_bms_it_uses_its_own_voltage_and_maximum_currents) {
  World w;
  Inverter inv = inverter(9000.0, 0.0);
  inv.follow_limits = false;
  inv.charge_voltage_v = 57.6;
  w.set_inverter(inv);
  w.update_inverter(0.0, {55.2, 10.0, 10.0, false, false}, 50.0);
  const WorldState s = w.at(0.1);
  EXPECT_DOUBLE_EQ(s.charger_v, 57.6);
  EXPECT_DOUBLE_EQ(s.charger_a, 100.0);
}

TEST(Inverter, its_own_charge_voltage_caps_a_higher_cvl_when_it_follows) {
  World w;
  Inverter inv = inverter(4000.0, 0.0);
  inv.charge_voltage_v = 54.0;
  w.set_inverter(inv);
  w.update_inverter(0.0, {55.2, 50.0, 50.0, true, true}, 50.0);
  EXPECT_DOUBLE_EQ(w.at(0.1).charger_v, 54.0);
}

TEST(Inverter, its_own_cutoff_latches_until_the_bus_recovers_to_the_restart_voltage) {
  World w;
  Inverter inv = inverter(0.0, 2500.0);
  inv.follow_limits = false;
  inv.charge_voltage_v = 56.0;
  inv.cutoff_v = 46.0;
  inv.restart_v = 50.0;
  w.set_inverter(inv);
  w.update_inverter(0.0, {}, 47.0);
  EXPECT_NEAR(w.at(0.1).load_a, 2500.0 / 47.0, 1e-9);
  w.update_inverter(1.0, {}, 45.9);
  EXPECT_DOUBLE_EQ(w.at(1.1).load_a, 0.0);
  w.update_inverter(2.0, {}, 49.0);  // rebound, not yet restart
  EXPECT_DOUBLE_EQ(w.at(2.1).load_a, 0.0);
  w.update_inverter(3.0, {}, 50.0);
  EXPECT_DOUBLE_EQ(w.at(3.1).load_a, 50.0);
}

TEST(Inverter, acts_only_inside_its_window_and_its_profiles_follow_the_clock) {
  World w;
  Inverter inv;
  inv.start_s = 100.0;
  inv.end_s = 200.0;
  inv.pv_w = solar_current_day(6000.0);
  inv.house_w = constant(0.0);
  inv.clock_at_start_s = 12 * 3600.0;  // the step starts at noon
  w.set_inverter(inv);
  w.update_inverter(100.0, kOpen, 50.0);
  EXPECT_FALSE(w.at(99.0).inverter.present);
  EXPECT_NEAR(w.at(100.0).inverter.pv_w, 6000.0, 1e-6);
  EXPECT_DOUBLE_EQ(w.at(100.0).charger_a, 90.0);  // 120 A of PV, CCL 90 A
  EXPECT_FALSE(w.at(200.0).charger_present);
  EXPECT_DOUBLE_EQ(w.next_change_after(0.0), 100.0);
  EXPECT_DOUBLE_EQ(w.next_change_after(100.0), 200.0);
}

}  // namespace
}  // namespace softbms::sim
