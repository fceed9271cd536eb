#include "core/parallel/aggregate.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace softbms::core {
namespace {
using namespace softbms::literals;

Settings lfp16() {
  return Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, 16);
}

// A healthy 16S LFP pack at `cell` mV per cell, 25 °C, both FETs on.
Snapshot pack(int32_t soc_permille, int64_t full_mah, Millivolts cell = 3300_mV) {
  Snapshot s;
  s.cell_count = 16;
  s.cell_present_mask = 0xFFFF;
  for (std::size_t i = 0; i < 16; ++i) s.cell[i] = cell;
  s.cell_min = s.cell_max = s.cell_avg = cell;
  s.pack_voltage = cell * 16;
  s.temp_present_mask = 0x07;  // MOS, T1, T2
  s.temp = {250_dC, 250_dC, 250_dC};
  s.charge_fet = s.discharge_fet = true;
  s.soc_permille = soc_permille;
  s.soc_percent = static_cast<uint8_t>(soc_permille / 10);
  s.full_capacity = MilliampHours(full_mah);
  s.remaining = MilliampHours(full_mah * soc_permille / 1000);
  return s;
}

PackReport report(uint8_t address, const Snapshot& s, bool online = true) {
  return {address, online, Milliseconds(0), s, pack_allowance(s, lfp16())};
}

TEST(PackAllowance, a_healthy_lfp_pack_allows_its_ocp_less_ten_percent_both_ways) {
  const PackAllowance a = pack_allowance(pack(500, 100'000), lfp16());
  EXPECT_EQ(a.limits.charge_current, 90'000_mA);
  EXPECT_EQ(a.limits.discharge_current, 90'000_mA);
  EXPECT_FALSE(a.blocks_charge);
  EXPECT_FALSE(a.blocks_discharge);
}

TEST(PackAllowance, a_pack_with_cell_ovp_blocks_charge_and_still_allows_discharge) {
  Snapshot s = pack(990, 100'000, 3610_mV);
  s.alarms = alarm_mask(AlarmBit::cell_ovp);
  s.charge_fet = false;
  const PackAllowance a = pack_allowance(s, lfp16());
  EXPECT_EQ(a.limits.charge_current, 0_mA);
  EXPECT_TRUE(a.blocks_charge);
  EXPECT_FALSE(a.blocks_discharge);
  EXPECT_GT(a.limits.discharge_current, 0_mA);
}

TEST(Aggregate, soc_is_weighted_by_full_capacity) {
  const std::array<PackReport, 2> packs = {report(1, pack(800, 100'000)),
                                           report(2, pack(400, 300'000))};
  const Aggregate a = aggregate(packs);
  // (80 % x 100 Ah + 40 % x 300 Ah) / 400 Ah = 50 %, not the plain mean of 60 %.
  EXPECT_EQ(a.snapshot.soc_permille, 500);
  EXPECT_EQ(a.snapshot.soc_percent, 50);
  EXPECT_EQ(a.snapshot.full_capacity, 400'000_mAh);
  EXPECT_EQ(a.snapshot.remaining, 200'000_mAh);
}

TEST(Aggregate, lowest_and_highest_cell_come_from_any_pack_with_its_address_and_index) {
  Snapshot low = pack(500, 100'000);
  low.cell[6] = 3210_mV;
  low.cell_min = 3210_mV;
  low.cell_min_index = 6;
  Snapshot high = pack(500, 100'000);
  high.cell[11] = 3390_mV;
  high.cell_max = 3390_mV;
  high.cell_max_index = 11;
  const std::array<PackReport, 3> packs = {report(1, pack(500, 100'000)), report(2, low),
                                           report(3, high)};
  const Aggregate a = aggregate(packs);
  EXPECT_EQ(a.snapshot.cell_min, 3210_mV);
  EXPECT_EQ(a.snapshot.cell_min_index, 6);
  EXPECT_EQ(a.min_cell_pack, 2);
  EXPECT_EQ(a.snapshot.cell_max, 3390_mV);
  EXPECT_EQ(a.snapshot.cell_max_index, 11);
  EXPECT_EQ(a.max_cell_pack, 3);
  EXPECT_EQ(a.snapshot.cell_delta, 180_mV);
  EXPECT_EQ(a.snapshot.cell[6], 3270_mV) << "cell 7 is the mean of 3300, 3210 and 3300";
}

TEST(Aggregate, current_limits_are_the_sum_of_what_each_pack_allows) {
  const Snapshot tapering = pack(970, 100'000, 3545_mV);  // halfway down the 3500..3590 taper
  const std::array<PackReport, 3> packs = {report(1, pack(500, 100'000)),
                                           report(2, pack(500, 100'000)), report(3, tapering)};
  const Aggregate a = aggregate(packs);
  EXPECT_EQ(packs[2].allowance.limits.charge_current, 45'000_mA);
  EXPECT_EQ(a.target.charge_current, 90'000_mA + 90'000_mA + 45'000_mA);
  EXPECT_EQ(a.target.discharge_current, 270'000_mA);
  EXPECT_EQ(a.charge_limiter, Limiter::cell_voltage);
  EXPECT_EQ(a.online, 3);
  EXPECT_EQ(a.blocking_charge, 0);
  EXPECT_EQ(a.snapshot.current, 0_mA);
}

TEST(Aggregate, one_pack_that_blocks_charge_drops_the_bank_charge_limit_to_zero) {
  Snapshot full = pack(1000, 100'000, 3605_mV);
  full.alarms = alarm_mask(AlarmBit::cell_ovp);
  full.charge_fet = false;
  const std::array<PackReport, 3> packs = {report(1, pack(500, 100'000)),
                                           report(2, pack(500, 100'000)), report(3, full)};
  const Aggregate a = aggregate(packs);
  EXPECT_EQ(a.blocking_charge, 1);
  EXPECT_EQ(a.target.charge_current, 0_mA);
  EXPECT_EQ(a.charge_limiter, Limiter::protection);
  EXPECT_FALSE(a.snapshot.request_charge);
  EXPECT_GT(a.target.discharge_current, 0_mA) << "discharge is not blocked by a charge alarm";
  EXPECT_EQ(a.snapshot.alarms & alarm_mask(AlarmBit::cell_ovp), alarm_mask(AlarmBit::cell_ovp));
}

TEST(Aggregate, a_missing_pack_is_dropped_from_the_sums_and_raises_internal_comm) {
  const std::array<PackReport, 4> packs = {
      report(1, pack(500, 100'000)), report(2, pack(500, 100'000)),
      report(3, pack(900, 100'000), false), report(4, pack(500, 100'000))};
  const Aggregate a = aggregate(packs);
  EXPECT_EQ(a.packs, 4);
  EXPECT_EQ(a.online, 3);
  EXPECT_EQ(a.missing_mask, 1u << 3);
  EXPECT_EQ(a.snapshot.alarms, alarm_mask(AlarmBit::internal_comm));
  EXPECT_EQ(a.target.charge_current, 270'000_mA);
  EXPECT_EQ(a.snapshot.full_capacity, 300'000_mAh);
  EXPECT_EQ(a.snapshot.soc_percent, 50) << "the offline pack's 90 % does not count";
}

// Issue 11 item 4: a board's "change the default password" reminder (bit 19) stays with that
// board; the bank reports battery conditions only.
TEST(Aggregate, a_factory_password_reminder_stays_with_its_pack) {
  Snapshot reminded = pack(500, 100'000);
  reminded.alarms = alarm_mask(AlarmBit::modify_password) | alarm_mask(AlarmBit::cell_ovp);
  const std::array<PackReport, 2> packs = {report(0, pack(500, 100'000)), report(1, reminded)};
  const Aggregate a = aggregate(packs);
  EXPECT_EQ(a.snapshot.alarms, alarm_mask(AlarmBit::cell_ovp));
  EXPECT_EQ(packs[1].snapshot.alarms & alarm_mask(AlarmBit::modify_password),
            alarm_mask(AlarmBit::modify_password));
}

TEST(Aggregate, cvl_is_the_lowest_pack_cvl_and_dvl_the_highest) {
  Settings high_uvp = lfp16();
  high_uvp.set_raw(Param::cell_uvp, 2800);
  const Snapshot s = pack(500, 100'000);
  std::array<PackReport, 2> packs = {report(1, s), report(2, s)};
  packs[1].allowance = pack_allowance(s, high_uvp);
  Snapshot ahead = pack(950, 100'000);
  const Millivolts high(lfp16().raw(Param::request_charge_voltage) + 100);
  ahead.cell[3] = ahead.cell_max = high;
  ahead.cell_max_index = 3;
  ahead.pack_voltage = 3300_mV * 15 + high;
  packs[0] = report(1, ahead);
  const Aggregate a = aggregate(packs);
  EXPECT_EQ(a.target.charge_voltage, packs[0].allowance.limits.charge_voltage);
  EXPECT_LT(packs[0].allowance.limits.charge_voltage, packs[1].allowance.limits.charge_voltage);
  EXPECT_EQ(a.target.discharge_voltage, packs[1].allowance.limits.discharge_voltage);
  EXPECT_GT(packs[1].allowance.limits.discharge_voltage,
            packs[0].allowance.limits.discharge_voltage);
}

TEST(Aggregate, temperatures_report_the_hottest_and_coldest_battery_sensor_of_the_bank) {
  Snapshot warm = pack(500, 100'000);
  warm.temp[2] = 312_dC;
  Snapshot cold = pack(500, 100'000);
  cold.temp[1] = 41_dC;
  cold.temp[0] = 388_dC;
  const std::array<PackReport, 2> packs = {report(1, warm), report(2, cold)};
  const Aggregate a = aggregate(packs);
  EXPECT_EQ(a.snapshot.temp[1], 312_dC);
  EXPECT_EQ(a.snapshot.temp[2], 41_dC);
  EXPECT_EQ(a.snapshot.temp[0], 388_dC) << "MOS: the hottest";
  EXPECT_EQ(a.snapshot.temp_present_mask, 0x07);
}

TEST(Aggregate, currents_and_energy_add_up_and_voltage_is_the_mean) {
  Snapshot a1 = pack(500, 100'000, 3300_mV);
  a1.current = 12'500_mA;
  Snapshot a2 = pack(500, 100'000, 3310_mV);
  a2.current = -2'500_mA;
  const std::array<PackReport, 2> packs = {report(1, a1), report(2, a2)};
  const Aggregate a = aggregate(packs);
  EXPECT_EQ(a.snapshot.current, 10'000_mA);
  EXPECT_EQ(a.snapshot.pack_voltage, Millivolts((52'800 + 52'960) / 2));
}

TEST(Aggregate, no_pack_online_announces_zero_currents) {
  const std::array<PackReport, 2> packs = {report(1, pack(500, 100'000), false),
                                           report(2, pack(500, 100'000), false)};
  const Aggregate a = aggregate(packs);
  EXPECT_EQ(a.online, 0);
  EXPECT_EQ(a.target.charge_current, 0_mA);
  EXPECT_EQ(a.target.discharge_current, 0_mA);
  EXPECT_EQ(a.missing_mask, 0b110u);
}

TEST(ParallelController, limits_rise_over_ten_seconds_fall_at_once_and_cvl_holds_with_no_pack) {
  const std::array<PackReport, 2> packs = {report(1, pack(500, 100'000)),
                                           report(2, pack(500, 100'000))};
  ParallelController c;
  Aggregate a = aggregate(packs);
  const Millivolts cvl = a.target.charge_voltage;
  EXPECT_EQ(c.step(0_ms, a).limits.charge_current, 0_mA);
  EXPECT_EQ(c.step(5000_ms, a).limits.charge_current, 90'000_mA) << "half of 180 A after 5 s";
  EXPECT_EQ(a.snapshot.charge_current_limit, 90'000_mA);
  EXPECT_EQ(c.step(10'000_ms, a).limits.charge_current, 180'000_mA);
  EXPECT_TRUE(c.result().request.charge_enable);

  std::array<PackReport, 2> gone = packs;
  gone[0].online = gone[1].online = false;
  Aggregate none = aggregate(gone);
  const ChargeResult& r = c.step(10'100_ms, none);
  EXPECT_EQ(r.limits.charge_current, 0_mA) << "falls at once";
  EXPECT_EQ(r.limits.discharge_current, 0_mA);
  EXPECT_EQ(r.limits.charge_voltage, cvl);
  EXPECT_FALSE(r.request.charge_enable);
  EXPECT_FALSE(r.request.discharge_enable);
}

}  // namespace
}  // namespace softbms::core
