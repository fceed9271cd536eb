// The emergency switch keeps the FETs on despite the under-voltage family, discharge OCP stage I
// and the input-fault alarms, and never despite short circuit, OCP II/III, over-voltage,
// charge OCP, temperature or MOS protection (docs/protections.md, "Emergency switch").
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/protect/protect_test_support.hpp"

namespace softbms::core::test {
namespace {

struct Trigger {
  std::string name;
  AlarmBit bit;
  bool charge_off;  // what the protection switches off without the emergency switch
  bool discharge_off;
  bool overridden;      // the documented emergency set
  Milliseconds settle;  // delay plus one tick
  void (*cause)(Bench&);
};

void ocp_stages_off(Bench& b) {
  SOFTBMS_APPLY(b.s, Param::discharge_ocp2_enabled, 0);
  SOFTBMS_APPLY(b.s, Param::discharge_ocp3_enabled, 0);
}

// clang-format off
const Trigger kTriggers[] = {
  {"cell_ovp", AlarmBit::cell_ovp, true, false, false, 2100_ms, [](Bench& b) { set_cell(b.m, 1, 3700_mV); }},
  {"pack_ovp", AlarmBit::pack_ovp, true, false, false, 2100_ms, [](Bench& b) {
     SOFTBMS_APPLY(b.s, Param::pack_ovpr, 54000);
     SOFTBMS_APPLY(b.s, Param::pack_ovp, 56000);
     set_all_cells(b.m, 3520_mV); }},
  {"cell_uvp", AlarmBit::cell_uvp, false, true, true, 2100_ms, [](Bench& b) { set_cell(b.m, 1, 2500_mV); }},
  {"pack_uvp", AlarmBit::pack_uvp, false, true, true, 2100_ms, [](Bench& b) {
     SOFTBMS_APPLY(b.s, Param::pack_uvp, 44800);
     set_all_cells(b.m, 2750_mV); }},
  {"charge_ocp", AlarmBit::charge_ocp, true, false, false, 30'100_ms, [](Bench& b) { b.m.current = 100'100_mA; }},
  {"discharge_ocp", AlarmBit::discharge_ocp, false, true, true, 30'100_ms, [](Bench& b) {
     ocp_stages_off(b);
     b.m.current = -200'000_mA; }},
  {"discharge_ocp2", AlarmBit::discharge_ocp2, false, true, false, 1100_ms, [](Bench& b) { b.m.current = -150'100_mA; }},
  {"discharge_ocp3", AlarmBit::discharge_ocp3, false, true, false, 200_ms, [](Bench& b) { b.m.current = -200'100_mA; }},
  {"discharge_scp", AlarmBit::discharge_scp, true, true, false, 100_ms, [](Bench& b) { b.m.short_circuit = true; }},
  {"charge_otp", AlarmBit::charge_otp, true, false, false, 2100_ms, [](Bench& b) {
     SOFTBMS_APPLY(b.s, Param::discharge_otp, 700);
     set_battery_temp(b.m, 610_dC); }},
  {"charge_utp", AlarmBit::charge_utp, true, false, false, 2100_ms, [](Bench& b) {
     SOFTBMS_APPLY(b.s, Param::discharge_utp, -300);
     set_battery_temp(b.m, -210_dC); }},
  {"discharge_otp", AlarmBit::discharge_otp, false, true, false, 2100_ms, [](Bench& b) {
     SOFTBMS_APPLY(b.s, Param::charge_otp, 700);
     set_battery_temp(b.m, 610_dC); }},
  {"discharge_utp", AlarmBit::discharge_utp, false, true, false, 2100_ms, [](Bench& b) {
     SOFTBMS_APPLY(b.s, Param::charge_utp, -300);
     set_battery_temp(b.m, -210_dC); }},
  {"mos_otp", AlarmBit::mos_otp, true, true, false, 2100_ms, [](Bench& b) { b.m.mos = 760_dC; }},
  {"cell_count_mismatch", AlarmBit::cell_count_mismatch, true, true, true, 100_ms, [](Bench& b) {
     b.m.present_mask &= ~uint32_t{1};
     derive(b.m); }},
  {"current_sensor", AlarmBit::current_sensor, true, true, true, 5100_ms, [](Bench& b) {
     b.m.charge_fet_readback = b.m.discharge_fet_readback = false;
     b.m.current = 3000_mA; }},
  {"temp_sensor", AlarmBit::temp_sensor, true, true, true, 100_ms, [](Bench& b) { b.m.temp_fault_mask = 0b10; }},
  {"wire_resistance", AlarmBit::wire_resistance, false, false, true, 100_ms, [](Bench& b) { b.m.wire_alarm_mask = 1; }},
};
// clang-format on

class Emergency : public ::testing::TestWithParam<Trigger> {
 protected:
  void SetUp() override {
    b.step();
    GetParam().cause(b);
    b.run_for(GetParam().settle);
    ASSERT_EQ(b.p.alarms(), alarm_mask(GetParam().bit));
  }
  Bench b;
};

TEST_P(Emergency, overrides_exactly_the_documented_protections) {
  const Trigger& t = GetParam();
  EXPECT_EQ(b.p.charge_blocked(), t.charge_off);
  EXPECT_EQ(b.p.discharge_blocked(), t.discharge_off);

  b.in.emergency = true;
  b.run_for(100_ms);
  EXPECT_TRUE(b.alarm(t.bit));  // the alarm stays visible
  EXPECT_EQ(b.p.charge_blocked(), t.charge_off && !t.overridden);
  EXPECT_EQ(b.p.discharge_blocked(), t.discharge_off && !t.overridden);
}

TEST_P(Emergency, ending_it_blocks_again_at_once_when_the_cause_is_still_there) {
  const Trigger& t = GetParam();
  b.in.emergency = true;
  b.run_for(100_ms);
  b.in.emergency = false;
  b.run_for(100_ms);
  EXPECT_EQ(b.p.charge_blocked(), t.charge_off);
  EXPECT_EQ(b.p.discharge_blocked(), t.discharge_off);
}

INSTANTIATE_TEST_SUITE_P(EveryProtection, Emergency, ::testing::ValuesIn(kTriggers),
                         [](const auto& row) { return row.param.name; });

TEST(Emergency, the_table_has_a_trigger_for_every_protection) {
  for (const ProtectionRow& row : kProtections) {
    EXPECT_TRUE(std::ranges::any_of(kTriggers, [&](const Trigger& t) { return t.bit == row.bit; }))
        << row.name;
  }
  EXPECT_EQ(std::size(kTriggers), kProtectionCount);
}

TEST(Emergency, an_under_voltage_pack_still_stops_on_a_short_circuit) {
  Bench b;
  b.in.emergency = true;
  set_cell(b.m, 0, 2400_mV);
  b.run_for(2100_ms);
  ASSERT_TRUE(b.alarm(AlarmBit::cell_uvp));
  ASSERT_FALSE(b.p.discharge_blocked());
  b.p.short_circuit(b.now + 1_ms);
  EXPECT_TRUE(b.p.discharge_blocked());
  EXPECT_TRUE(b.p.charge_blocked());
}

}  // namespace
}  // namespace softbms::core::test
