// Voltage and temperature protections: trip past the limit after the delay, release on the
// recovery value ([M-B2A] 5.3 i, j, q, r, s). LFP presets: OVP 3.60 / OVPR 3.40 V, UVP 2.60 /
// UVPR 3.00 V, delays 2 s; temperatures 60 / 55 °C, -20 / -10 °C, MOS 75 / 70 °C, delay 2 s.
#include <gtest/gtest.h>

#include <string>

#include "core/protect/protect_test_support.hpp"

namespace softbms::core::test {
namespace {

struct LevelCase {
  std::string name;
  AlarmBit bit;
  Milliseconds delay;  // the preset's
  Param delay_param;
  bool charge_off;
  bool discharge_off;
  void (*configure)(Settings&);
  void (*drive)(Measured&, int32_t);  // sets the watched quantity
  int32_t beyond;                     // past the trip limit
  int32_t between;                    // back inside the trip limit, not yet past the recovery value
  int32_t recovered;                  // past the recovery value
  int32_t per_value = 1;  // watched value per driven unit: 16 cells make the pack voltage
};

void no_change(Settings&) {}
void one_cell(Measured& m, int32_t mv) {
  set_cell(m, 4, Millivolts(mv));
}
void every_cell(Measured& m, int32_t mv) {
  set_all_cells(m, Millivolts(mv));
}
void battery(Measured& m, int32_t dc) {
  set_battery_temp(m, DeciCelsius(dc));
}
void mos(Measured& m, int32_t dc) {
  m.temp[kMosSensor] = DeciCelsius(dc);
  m.mos = DeciCelsius(dc);
}

// Pack limits between the cell limits, so that only the pack protection acts.
void pack_ov_limits(Settings& s) {
  SOFTBMS_APPLY(s, Param::pack_ovpr, 54000);
  SOFTBMS_APPLY(s, Param::pack_ovp, 56000);
}
void pack_uv_limits(Settings& s) {
  SOFTBMS_APPLY(s, Param::pack_uvp, 44800);
}
// The charge and discharge temperature limits are equal in the presets; move one away.
void discharge_otp_higher(Settings& s) {
  SOFTBMS_APPLY(s, Param::discharge_otp, 700);
}
void charge_otp_higher(Settings& s) {
  SOFTBMS_APPLY(s, Param::charge_otp, 700);
}
void discharge_utp_lower(Settings& s) {
  SOFTBMS_APPLY(s, Param::discharge_utp, -300);
}
void charge_utp_lower(Settings& s) {
  SOFTBMS_APPLY(s, Param::charge_utp, -300);
}

const LevelCase kCases[] = {
    {"cell_ovp", AlarmBit::cell_ovp, 2000_ms, Param::cell_ovp_delay, true, false, no_change,
     one_cell, 3601, 3500, 3399},
    {"cell_uvp", AlarmBit::cell_uvp, 2000_ms, Param::cell_uvp_delay, false, true, no_change,
     one_cell, 2599, 2900, 3001},
    // 16 x 3.52 V = 56.32 V > 56.0 V; 16 x 3.45 = 55.2 V holds; 16 x 3.37 = 53.92 V < 54.0 V.
    {"pack_ovp", AlarmBit::pack_ovp, 2000_ms, Param::cell_ovp_delay, true, false, pack_ov_limits,
     every_cell, 3520, 3450, 3370, kCells},
    // 16 x 2.75 V = 44.0 V < 44.8 V; 46.4 V holds; 16 x 3.01 = 48.16 V > UVPR 48.0 V.
    {"pack_uvp", AlarmBit::pack_uvp, 2000_ms, Param::cell_uvp_delay, false, true, pack_uv_limits,
     every_cell, 2750, 2900, 3010, kCells},
    {"charge_otp", AlarmBit::charge_otp, 2000_ms, Param::temp_protection_delay, true, false,
     discharge_otp_higher, battery, 610, 580, 540},
    {"discharge_otp", AlarmBit::discharge_otp, 2000_ms, Param::temp_protection_delay, false, true,
     charge_otp_higher, battery, 610, 580, 540},
    {"charge_utp", AlarmBit::charge_utp, 2000_ms, Param::temp_protection_delay, true, false,
     discharge_utp_lower, battery, -210, -150, -90},
    {"discharge_utp", AlarmBit::discharge_utp, 2000_ms, Param::temp_protection_delay, false, true,
     charge_utp_lower, battery, -210, -150, -90},
    {"mos_otp", AlarmBit::mos_otp, 2000_ms, Param::temp_protection_delay, true, true, no_change,
     mos, 760, 700, 640},  // MOS OTPR 65 °C ([M-B2A] 5.3 s)
};

class LevelProtection : public ::testing::TestWithParam<LevelCase> {
 protected:
  void SetUp() override {
    GetParam().configure(b.s);
    b.step();
    ASSERT_EQ(b.p.alarms(), 0u);
  }
  Bench b;
};

TEST_P(LevelProtection, trips_after_its_delay_and_not_before) {
  const LevelCase& c = GetParam();
  const Milliseconds start = b.now + 100_ms;
  c.drive(b.m, c.beyond);
  b.run_until(start + c.delay - 100_ms);
  EXPECT_EQ(b.p.alarms(), 0u);
  EXPECT_EQ(b.p.state(c.bit), ProtectionState::pending);
  EXPECT_FALSE(b.p.charge_blocked());
  EXPECT_FALSE(b.p.discharge_blocked());

  b.run_until(start + c.delay);
  EXPECT_EQ(b.p.alarms(), alarm_mask(c.bit));
  EXPECT_EQ(b.p.state(c.bit), ProtectionState::tripped);
  EXPECT_EQ(b.p.charge_blocked(), c.charge_off);
  EXPECT_EQ(b.p.discharge_blocked(), c.discharge_off);
  ASSERT_EQ(b.p.transitions().size(), 1u);
  EXPECT_EQ(b.p.transitions()[0],
            (Transition{c.bit, TransitionKind::trip, c.beyond * c.per_value, start + c.delay}));
}

TEST_P(LevelProtection, holds_until_the_recovery_value_then_releases_at_once) {
  const LevelCase& c = GetParam();
  c.drive(b.m, c.beyond);
  b.run_for(c.delay + 100_ms);
  ASSERT_TRUE(b.alarm(c.bit));

  c.drive(b.m, c.between);
  b.run_for(30'000_ms);
  EXPECT_TRUE(b.alarm(c.bit));
  EXPECT_EQ(b.p.charge_blocked(), c.charge_off);
  EXPECT_EQ(b.p.discharge_blocked(), c.discharge_off);

  c.drive(b.m, c.recovered);
  b.run_for(100_ms);
  EXPECT_EQ(b.p.alarms(), 0u);
  EXPECT_EQ(b.p.state(c.bit), ProtectionState::normal);
  EXPECT_FALSE(b.p.charge_blocked());
  EXPECT_FALSE(b.p.discharge_blocked());
  ASSERT_EQ(b.p.transitions().size(), 1u);
  EXPECT_EQ(b.p.transitions()[0],
            (Transition{c.bit, TransitionKind::release, c.recovered * c.per_value, b.now}));
}

TEST_P(LevelProtection, a_condition_that_clears_before_the_delay_goes_back_to_normal) {
  const LevelCase& c = GetParam();
  c.drive(b.m, c.beyond);
  b.run_for(c.delay - 100_ms);
  c.drive(b.m, c.between);
  b.run_for(100_ms);
  EXPECT_EQ(b.p.state(c.bit), ProtectionState::normal);

  // The delay starts again from zero.
  c.drive(b.m, c.beyond);
  b.run_for(c.delay);
  EXPECT_FALSE(b.alarm(c.bit));
  b.run_for(100_ms);
  EXPECT_TRUE(b.alarm(c.bit));
}

TEST_P(LevelProtection, a_zero_delay_trips_on_the_first_tick_that_sees_it) {
  const LevelCase& c = GetParam();
  SOFTBMS_APPLY(b.s, c.delay_param, 0);
  c.drive(b.m, c.beyond);
  b.run_for(100_ms);
  EXPECT_TRUE(b.alarm(c.bit));
}

INSTANTIATE_TEST_SUITE_P(EveryLevelProtection, LevelProtection, ::testing::ValuesIn(kCases),
                         [](const auto& row) { return row.param.name; });

TEST(CellOvp, holds_while_any_cell_is_above_ovpr_and_releases_when_all_are_below) {
  Bench b;
  set_cell(b.m, 2, 3610_mV);
  b.run_for(2100_ms);
  ASSERT_TRUE(b.alarm(AlarmBit::cell_ovp));
  ASSERT_TRUE(b.p.charge_blocked());

  set_cell(b.m, 2, 3300_mV);
  set_cell(b.m, 11, 3450_mV);  // another cell is still above 3.40 V
  b.run_for(20'000_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::cell_ovp));
  set_cell(b.m, 11, 3400_mV);  // at OVPR is not below it
  b.run_for(1000_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::cell_ovp));
  set_cell(b.m, 11, 3399_mV);
  b.run_for(100_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::cell_ovp));
  EXPECT_FALSE(b.p.charge_blocked());
  EXPECT_FALSE(b.p.discharge_blocked());  // over-voltage never stopped discharging
}

TEST(CellOvp, a_cell_exactly_at_ovp_does_not_trip) {
  Bench b;
  set_cell(b.m, 0, 3600_mV);
  b.run_for(60'000_ms);
  EXPECT_EQ(b.p.alarms(), 0u);
}

TEST(CellUvp, holds_while_any_cell_is_below_uvpr_and_releases_when_all_are_above) {
  Bench b;
  set_cell(b.m, 7, 2590_mV);
  b.run_for(2100_ms);
  ASSERT_TRUE(b.alarm(AlarmBit::cell_uvp));
  ASSERT_TRUE(b.p.discharge_blocked());
  EXPECT_FALSE(b.p.charge_blocked());  // the pack can still be charged

  set_cell(b.m, 7, 3100_mV);
  set_cell(b.m, 0, 2950_mV);  // another cell is still below 3.00 V
  b.run_for(20'000_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::cell_uvp));
  set_cell(b.m, 0, 3000_mV);
  b.run_for(1000_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::cell_uvp));
  set_cell(b.m, 0, 3001_mV);
  b.run_for(100_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::cell_uvp));
  EXPECT_FALSE(b.p.discharge_blocked());
}

TEST(CellUvp, uses_the_delay_from_the_settings) {
  Bench b;
  SOFTBMS_APPLY(b.s, Param::cell_uvp_delay, 7);
  set_cell(b.m, 3, 2500_mV);
  const Milliseconds start = b.now + b.tick;  // the first tick that sees it
  b.run_until(start + 6900_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::cell_uvp));
  b.run_until(start + 7000_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::cell_uvp));
}

TEST(TemperatureProtection, a_hot_pack_stops_charge_and_discharge_with_the_preset_limits) {
  Bench b;
  set_battery_temp(b.m, 610_dC);
  b.run_for(2100_ms);
  EXPECT_EQ(b.p.alarms(), alarm_mask(AlarmBit::charge_otp) | alarm_mask(AlarmBit::discharge_otp));
  EXPECT_TRUE(b.p.charge_blocked());
  EXPECT_TRUE(b.p.discharge_blocked());
}

TEST(TemperatureProtection, acts_only_on_valid_sensors) {
  Bench b;
  set_battery_temp(b.m, 900_dC);
  b.m.battery_temp_valid = false;
  b.m.temp[kMosSensor] = b.m.mos = 1100_dC;
  b.m.mos_temp_valid = false;
  b.run_for(10'000_ms);
  EXPECT_EQ(b.p.alarms(), 0u);
}

TEST(TemperatureProtection, releases_when_its_sensors_are_disabled_while_tripped) {
  Bench b;
  set_battery_temp(b.m, -250_dC);
  b.run_for(2100_ms);
  ASSERT_TRUE(b.alarm(AlarmBit::charge_utp));
  b.m.battery_temp_valid = false;  // the user set disable_temp_sensors
  b.run_for(100_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::charge_utp));
  EXPECT_TRUE(b.saw(AlarmBit::charge_utp, TransitionKind::release));
}

TEST(PackOvp, trips_on_the_pack_sum_with_the_cell_ovp_delay) {
  Bench b;
  SOFTBMS_APPLY(b.s, Param::pack_ovpr, 54000);
  SOFTBMS_APPLY(b.s, Param::pack_ovp, 56000);
  SOFTBMS_APPLY(b.s, Param::cell_ovp_delay, 5);
  set_all_cells(b.m, 3510_mV);  // 56.16 V
  b.run_for(5000_ms);
  EXPECT_FALSE(b.alarm(AlarmBit::pack_ovp));
  b.run_for(100_ms);
  EXPECT_TRUE(b.alarm(AlarmBit::pack_ovp));
  EXPECT_FALSE(b.alarm(AlarmBit::cell_ovp));
  EXPECT_EQ(b.p.transitions()[0].value, 56160);
}

}  // namespace
}  // namespace softbms::core::test
