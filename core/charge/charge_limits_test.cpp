#include "core/charge/charge_limits.hpp"

#include <gtest/gtest.h>

#include "core/charge/charge_test_support.hpp"

namespace softbms::core {
namespace {

using namespace test;

TEST(ChargeLimits, lfp_16s_at_3400_mv_gets_cvl_16_times_rcv_and_ccl_at_ceiling) {
  const Settings s = lfp16();
  const Measured m = pack_at(3400_mV);
  EXPECT_EQ(charge_voltage_target(ChargeStage::bulk, m, s), Millivolts(16 * 3450));
  const CurrentLimit ccl = charge_current_target(m, healthy(), s);
  EXPECT_EQ(ccl.current, Milliamps(90000));  // 100 A OCP less the 10 % margin
  EXPECT_EQ(ccl.limiter, Limiter::ceiling);
  EXPECT_EQ(discharge_current_target(m, healthy(), s).current, Milliamps(90000));
}

TEST(ChargeLimits, ceiling_stays_ten_percent_below_each_ocp_threshold) {
  Settings s = lfp16();
  s.set_raw(Param::charge_ocp_current, 50000);
  s.set_raw(Param::discharge_ocp_current, 120000);
  EXPECT_EQ(charge_ceiling(s), Milliamps(45000));
  EXPECT_EQ(discharge_ceiling(s), Milliamps(108000));
}

TEST(ChargeLimits, cell_20_mv_below_ovp_gets_a_reduced_ccl) {
  const Settings s = lfp16();  // cell_ovp 3600 mV: taper from 3500 to 3590 mV
  const Measured m = with_cell(pack_at(3400_mV), 7, 3580_mV);
  const CurrentLimit ccl = charge_current_target(m, healthy(), s);
  EXPECT_EQ(ccl.current, Milliamps(90000 * 111 / 1000));  // 10 of 90 mV left
  EXPECT_EQ(ccl.limiter, Limiter::cell_voltage);
}

TEST(ChargeLimits, ccl_starts_falling_100_mv_below_ovp_and_is_zero_10_mv_below) {
  const Settings s = lfp16();
  const Measured base = pack_at(3400_mV);
  EXPECT_EQ(charge_current_target(with_cell(base, 0, 3500_mV), healthy(), s).current,
            Milliamps(90000));
  EXPECT_EQ(charge_current_target(with_cell(base, 0, 3545_mV), healthy(), s).current,
            Milliamps(45000));
  EXPECT_EQ(charge_current_target(with_cell(base, 0, 3590_mV), healthy(), s).current, Milliamps(0));
}

TEST(ChargeLimits, dcl_tapers_as_the_lowest_cell_nears_uvp) {
  const Settings s = lfp16();  // cell_uvp 2600 mV: taper from 2800 to 2610 mV
  const Measured m = with_cell(pack_at(3200_mV), 3, 2700_mV);
  const CurrentLimit dcl = discharge_current_target(m, healthy(), s);
  EXPECT_EQ(dcl.current, Milliamps(90000 * 473 / 1000));  // 90 of 190 mV left
  EXPECT_EQ(dcl.limiter, Limiter::cell_voltage);
  EXPECT_EQ(discharge_current_target(with_cell(m, 3, 2610_mV), healthy(), s).current, Milliamps(0));
}

TEST(ChargeLimits, ovp_trip_zeroes_ccl_and_keeps_dcl) {
  const Settings s = lfp16();
  ChargeInputs in = healthy();
  in.alarms = alarm_mask(AlarmBit::cell_ovp);
  const Measured m = pack_at(3400_mV);
  EXPECT_EQ(charge_current_target(m, in, s), (CurrentLimit{Milliamps(0), Limiter::protection}));
  EXPECT_EQ(discharge_current_target(m, in, s).current, Milliamps(90000));
}

TEST(ChargeLimits, charge_utp_zeroes_ccl) {
  const Settings s = lfp16();
  ChargeInputs in = healthy();
  in.alarms = alarm_mask(AlarmBit::charge_utp);
  EXPECT_EQ(charge_current_target(pack_at(3300_mV, DeciCelsius(-250)), in, s).current,
            Milliamps(0));
}

TEST(ChargeLimits, uvp_trip_zeroes_dcl_and_keeps_ccl) {
  const Settings s = lfp16();
  ChargeInputs in = healthy();
  in.alarms = alarm_mask(AlarmBit::cell_uvp);
  const Measured m = pack_at(3300_mV);
  EXPECT_EQ(discharge_current_target(m, in, s).current, Milliamps(0));
  EXPECT_EQ(charge_current_target(m, in, s).current, Milliamps(90000));
}

TEST(ChargeLimits, blocked_fet_or_switch_off_zeroes_the_matching_limit) {
  Settings s = lfp16();
  ChargeInputs in = healthy();
  in.discharge_blocked = true;
  const Measured m = pack_at(3300_mV);
  EXPECT_EQ(discharge_current_target(m, in, s).current, Milliamps(0));
  EXPECT_EQ(charge_current_target(m, in, s).current, Milliamps(90000));
  s.set_raw(Param::charge_enabled, 0);
  EXPECT_EQ(charge_current_target(m, healthy(), s).limiter, Limiter::protection);
  EXPECT_EQ(charge_current_target(m, healthy(), s).current, Milliamps(0));
}

TEST(ChargeLimits, cold_battery_derates_ccl_over_the_last_10_degrees_before_charge_utp) {
  const Settings s = lfp16();  // charge_utp -20.0 C
  const CurrentLimit at_m15 =
      charge_current_target(pack_at(3300_mV, DeciCelsius(-150)), healthy(), s);
  EXPECT_EQ(at_m15.current, Milliamps(45000));
  EXPECT_EQ(at_m15.limiter, Limiter::cold);
  EXPECT_EQ(charge_current_target(pack_at(3300_mV, DeciCelsius(-100)), healthy(), s).current,
            Milliamps(90000));
  EXPECT_EQ(charge_current_target(pack_at(3300_mV, DeciCelsius(-200)), healthy(), s).current,
            Milliamps(0));
}

TEST(ChargeLimits, hot_battery_derates_both_limits_towards_their_otp) {
  Settings s = lfp16();  // charge_otp and discharge_otp 60.0 C, mos_otp 75.0 C
  Measured m = pack_at(3300_mV, DeciCelsius(550));
  m.mos = DeciCelsius(300);
  const CurrentLimit ccl = charge_current_target(m, healthy(), s);
  EXPECT_EQ(ccl.current, Milliamps(45000));
  EXPECT_EQ(ccl.limiter, Limiter::hot);
  EXPECT_EQ(discharge_current_target(m, healthy(), s).current, Milliamps(45000));
}

TEST(ChargeLimits, hot_mosfet_derates_both_limits_towards_mos_otp) {
  const Settings s = lfp16();
  Measured m = pack_at(3300_mV);
  m.mos = DeciCelsius(725);  // 2.5 C below mos_otp 75.0 C
  const CurrentLimit dcl = discharge_current_target(m, healthy(), s);
  EXPECT_EQ(dcl.current, Milliamps(22500));
  EXPECT_EQ(dcl.limiter, Limiter::mos_temperature);
}

TEST(ChargeLimits, no_battery_temperature_stops_charging_unless_sensors_are_disabled) {
  Settings s = lfp16();
  Measured m = pack_at(3300_mV);
  m.battery_temp_valid = false;
  EXPECT_EQ(charge_current_target(m, healthy(), s),
            (CurrentLimit{Milliamps(0), Limiter::no_temperature}));
  EXPECT_EQ(discharge_current_target(m, healthy(), s).current, Milliamps(90000));
  s.set_raw(Param::disable_temp_sensors, 1);
  EXPECT_EQ(charge_current_target(m, healthy(), s).current, Milliamps(90000));
}

TEST(ChargeLimits, a_cell_running_ahead_pulls_cvl_down_by_its_overshoot) {
  const Settings s = lfp16();
  const Measured m = with_cell(pack_at(3400_mV), 12, 3480_mV);  // 30 mV above RCV 3450
  EXPECT_EQ(m.pack, Millivolts(15 * 3400 + 3480));
  EXPECT_EQ(charge_voltage_target(ChargeStage::bulk, m, s), Millivolts(15 * 3400 + 3480 - 30));
}

TEST(ChargeLimits, float_stage_asks_for_16_times_rfv) {
  const Settings s = lfp16();
  EXPECT_EQ(charge_voltage_target(ChargeStage::floating, pack_at(3340_mV), s),
            Millivolts(16 * 3350));
}

TEST(ChargeLimits, cvl_stays_50_mv_per_cell_below_ovp_even_if_rcv_is_set_higher) {
  Settings s = lfp16();
  s.set_raw(Param::request_charge_voltage, 3590);
  EXPECT_EQ(charge_voltage_target(ChargeStage::bulk, pack_at(3300_mV), s), Millivolts(16 * 3550));
}

TEST(ChargeLimits, cvl_never_falls_below_the_uvp_recovery_voltage) {
  const Settings s = lfp16();
  const Measured m = with_cell(pack_at(2900_mV), 0, 3700_mV);  // absurd spread
  EXPECT_EQ(charge_voltage_target(ChargeStage::bulk, m, s), Millivolts(16 * 3000));
}

TEST(ChargeLimits, dvl_is_the_soc0_voltage_or_100_mv_above_uvp) {
  Settings s = lfp16();  // soc_0_voltage 2800, cell_uvp 2600
  EXPECT_EQ(discharge_voltage_target(s), Millivolts(16 * 2800));
  s.set_raw(Param::cell_uvp, 2750);
  EXPECT_EQ(discharge_voltage_target(s), Millivolts(16 * 2850));
}

TEST(ChargeLimits, ramp_permille_is_linear_and_clamped_in_both_directions) {
  EXPECT_EQ(ramp_permille(50, 0, 100), 500);
  EXPECT_EQ(ramp_permille(-5, 0, 100), 0);
  EXPECT_EQ(ramp_permille(150, 0, 100), 1000);
  EXPECT_EQ(ramp_permille(25, 100, 0), 750);
  EXPECT_EQ(ramp_permille(7, 7, 7), 1000);
}

}  // namespace
}  // namespace softbms::core
