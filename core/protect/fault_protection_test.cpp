// Faults of the inputs the protections depend on: cell count, current sensor, temperature
// sensors, balance wires (docs/protections.md, "Input faults").
#include <gtest/gtest.h>

#include "core/protect/protect_test_support.hpp"

namespace softbms::core::test {
namespace {

void drop_cell(Measured& m, int index) {
  m.present_mask &= ~(uint32_t{1} << index);
  derive(m);
}
void restore_cell(Measured& m, int index) {
  m.present_mask |= uint32_t{1} << index;
  derive(m);
}

TEST(CellCountMismatch, a_missing_cell_switches_both_fets_off_at_once) {
  Bench b;
  b.step();
  drop_cell(b.m, 9);
  b.run_for(100_ms);
  EXPECT_EQ(b.p.alarms(), alarm_mask(AlarmBit::cell_count_mismatch));
  EXPECT_TRUE(b.p.charge_blocked());
  EXPECT_TRUE(b.p.discharge_blocked());
  EXPECT_EQ(b.p.transitions()[0].value, 1);  // one cell off
}

TEST(CellCountMismatch, releases_five_seconds_after_the_count_is_right_again) {
  Bench b;
  drop_cell(b.m, 9);
  b.run_for(1000_ms);
  restore_cell(b.m, 9);
  const Milliseconds back = b.now + b.tick;
  b.run_until(back + 4900_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::cell_count_mismatch));
  EXPECT_EQ(b.p.state(AlarmBit::cell_count_mismatch), ProtectionState::recovering);
  EXPECT_TRUE(b.p.discharge_blocked());
  b.run_until(back + 5000_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::cell_count_mismatch));
  EXPECT_FALSE(b.p.discharge_blocked());
}

TEST(CellCountMismatch, a_flapping_connector_keeps_the_alarm_and_restarts_the_hold) {
  Bench b;
  drop_cell(b.m, 3);
  b.run_for(100_ms);
  restore_cell(b.m, 3);
  b.run_for(3000_ms);
  drop_cell(b.m, 3);
  b.run_for(100_ms);
  EXPECT_EQ(b.p.state(AlarmBit::cell_count_mismatch), ProtectionState::tripped);
  restore_cell(b.m, 3);
  const Milliseconds back = b.now + b.tick;
  b.run_until(back + 4900_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::cell_count_mismatch));
  b.run_until(back + 5000_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::cell_count_mismatch));
}

TEST(CellCountMismatch, more_cells_than_set_also_counts) {
  Bench b;
  b.m.cells_expected = 15;
  b.run_for(100_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::cell_count_mismatch));
}

TEST(CellCountMismatch, no_cell_at_all_raises_the_mismatch_not_under_voltage) {
  Bench b;
  b.m.present_mask = 0;
  derive(b.m);
  b.run_for(10'000_ms);
  EXPECT_EQ(b.p.alarms(), alarm_mask(AlarmBit::cell_count_mismatch));
  EXPECT_TRUE(b.p.discharge_blocked());
  EXPECT_EQ(b.p.state(AlarmBit::cell_uvp), ProtectionState::normal);
}

TEST(CurrentSensor, more_than_2_a_with_both_fets_off_for_5_s_trips) {
  Bench b;
  b.m.charge_fet_readback = b.m.discharge_fet_readback = false;
  b.m.current = -2100_mA;
  const Milliseconds start = b.now + b.tick;
  b.run_until(start + 4900_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::current_sensor));
  b.run_until(start + 5000_ms);
  EXPECT_EQ(b.p.alarms(), alarm_mask(AlarmBit::current_sensor));
  EXPECT_TRUE(b.p.charge_blocked());
  EXPECT_TRUE(b.p.discharge_blocked());
  EXPECT_EQ(b.p.transitions()[0].value, 2100);
}

TEST(CurrentSensor, exactly_2_a_or_any_fet_on_is_no_fault) {
  Bench b;
  b.m.charge_fet_readback = b.m.discharge_fet_readback = false;
  b.m.current = 2000_mA;
  b.run_for(20'000_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::current_sensor));
  b.m.discharge_fet_readback = true;  // current can flow: the reading is plausible
  b.m.current = -50'000_mA;
  b.run_for(20'000_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::current_sensor));
}

// Campaign seed 12, run 2657 (tests/campaign/run2657_current_sensor_releases.yaml): precharging
// into a shorted load drew more than 2 A through the resistor with both FETs off, the alarm never
// released. The precharge current is real: no evidence against the sensor.
TEST(CurrentSensor, precharge_current_with_both_fets_off_is_no_fault) {
  Bench b;
  b.m.charge_fet_readback = b.m.discharge_fet_readback = false;
  b.m.precharge = true;
  b.m.current = -6000_mA;
  b.run_for(20'000_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::current_sensor));
  b.m.precharge = false;  // the same reading without the resistor switched in is a fault
  b.run_for(5100_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::current_sensor));
}

TEST(CurrentSensor, releases_after_5_s_of_a_plausible_reading) {
  Bench b;
  b.m.charge_fet_readback = b.m.discharge_fet_readback = false;
  b.m.current = 3000_mA;
  b.run_for(5100_ms);
  ASSERT_TRUE(b.alarm(AlarmBit::current_sensor));
  b.m.current = 100_mA;
  const Milliseconds plausible = b.now + b.tick;
  b.run_until(plausible + 4900_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::current_sensor));
  b.run_until(plausible + 5000_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::current_sensor));
  EXPECT_FALSE(b.p.charge_blocked());
}

TEST(TempSensor, a_faulty_sensor_switches_both_fets_off_and_releases_5_s_after_it_reads_again) {
  Bench b;
  b.m.temp_fault_mask = 0b000100;  // T2
  b.run_for(100_ms);
  EXPECT_EQ(b.p.alarms(), alarm_mask(AlarmBit::temp_sensor));
  EXPECT_TRUE(b.p.charge_blocked());
  EXPECT_TRUE(b.p.discharge_blocked());
  b.m.temp_fault_mask = 0;
  const Milliseconds reads_again = b.now + b.tick;
  b.run_until(reads_again + 4900_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::temp_sensor));
  b.run_until(reads_again + 5000_ms);
  EXPECT_EQ(b.p.alarms(), 0u);
}

TEST(TempSensor, covers_a_tripped_temperature_protection_whose_sensor_failed) {
  Bench b;
  set_battery_temp(b.m, 650_dC);
  b.run_for(2100_ms);
  ASSERT_TRUE(b.alarm(AlarmBit::charge_otp));
  b.m.battery_temp_valid = false;  // both probes open
  b.m.temp_fault_mask = 0b000110;
  b.run_for(100_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::charge_otp));
  EXPECT_TRUE(b.alarm(AlarmBit::temp_sensor));
  EXPECT_TRUE(b.p.charge_blocked());
  EXPECT_TRUE(b.p.discharge_blocked());
}

TEST(WireResistance, raises_its_bit_without_switching_a_fet) {
  Bench b;
  b.m.wire_alarm_mask = uint32_t{1} << 5;
  b.run_for(100_ms);
  EXPECT_EQ(b.p.alarms(), alarm_mask(AlarmBit::wire_resistance));
  EXPECT_FALSE(b.p.charge_blocked());
  EXPECT_FALSE(b.p.discharge_blocked());
  b.m.wire_alarm_mask = 0;
  b.run_for(100_ms);
  EXPECT_EQ(b.p.alarms(), 0u);
}

}  // namespace
}  // namespace softbms::core::test
