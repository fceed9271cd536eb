// Our own 55AA frames: round trips, byte positions users and clients check, and bad input.
#include <gtest/gtest.h>

#include "core/io/alarm.hpp"
#include "core/io/command.hpp"
#include "protocols/jk/cell_info.hpp"
#include "protocols/jk/device_info_frame.hpp"
#include "protocols/jk/logbook.hpp"
#include "protocols/jk/settings_frame.hpp"

namespace softbms::protocols::jk {
namespace {

using core::Param;

core::Snapshot sample_snapshot(std::size_t cells) {
  core::Snapshot s;
  s.cell_count = static_cast<uint8_t>(cells);
  for (std::size_t i = 0; i < cells; ++i) {
    s.cell[i] = Millivolts(static_cast<int32_t>(3300 + 7 * i));
    s.wire_resistance[i] = Milliohms(static_cast<int32_t>(40 + i));
    s.cell_present_mask |= uint32_t{1} << i;
  }
  s.cell_max_index = static_cast<uint8_t>(cells - 1);
  s.cell_min_index = 0;
  s.cell_max = s.cell[cells - 1];
  s.cell_min = s.cell[0];
  s.cell_avg = Millivolts(3350);
  s.cell_delta = s.cell_max - s.cell_min;
  s.pack_voltage = Millivolts(53600);
  s.current = Milliamps(-12345);
  s.power = power(s.pack_voltage, s.current);
  s.temp = {DeciCelsius(251), DeciCelsius(-75), DeciCelsius(183),
            DeciCelsius(190), DeciCelsius(0),   DeciCelsius(-400)};
  s.temp_present_mask = 0x3F;
  s.alarms = 0x0000'0810;  // cell OVP + cell UVP bits
  s.release_timer_s = {1, 2, 3, 4, 5, 60};
  s.charge_fet = true;
  s.discharge_fet = false;
  s.precharge = true;
  s.heater = true;
  s.heater_current = Milliamps(1500);
  s.dry_contact1 = true;
  s.balance_state = core::BalanceState::discharging_cell;
  s.balance_current = Milliamps(-1200);
  s.soc_percent = 67;
  s.soc_permille = 670;
  s.remaining = MilliampHours(187600);
  s.full_capacity = MilliampHours(280000);
  s.cycles = 123;
  s.cycle_capacity = MilliampHours(34'000'000);
  s.soh_percent = 98;
  s.runtime = Seconds(987654);
  s.uptime = Milliseconds(4'567'800);
  s.rtc_s = 150'000'000;
  s.sleep_countdown = Seconds(3600);
  s.emergency_remaining = Seconds(90);
  s.charger_present = true;
  s.charge_stage = core::ChargeStage::absorption;
  s.charge_stage_elapsed = Seconds(600);
  return s;
}

// Everything a cell-info frame carries, compared field by field.
void expect_same_carried(const core::Snapshot& a, const core::Snapshot& b, Layout l) {
  EXPECT_EQ(a.cell_count, b.cell_count);
  EXPECT_EQ(a.cell_present_mask, b.cell_present_mask);
  EXPECT_EQ(a.cell, b.cell);
  EXPECT_EQ(a.wire_resistance, b.wire_resistance);
  EXPECT_EQ(a.cell_avg, b.cell_avg);
  EXPECT_EQ(a.cell_delta, b.cell_delta);
  EXPECT_EQ(a.cell_max, b.cell_max);
  EXPECT_EQ(a.cell_min, b.cell_min);
  EXPECT_EQ(a.cell_max_index, b.cell_max_index);
  EXPECT_EQ(a.pack_voltage, b.pack_voltage);
  EXPECT_EQ(a.current, b.current);
  EXPECT_EQ(a.power, b.power);
  EXPECT_EQ(a.temp, b.temp);
  EXPECT_EQ(a.temp_present_mask, b.temp_present_mask);
  EXPECT_EQ(a.alarms, b.alarms);
  EXPECT_EQ(a.release_timer_s, b.release_timer_s);
  EXPECT_EQ(a.charge_fet, b.charge_fet);
  EXPECT_EQ(a.discharge_fet, b.discharge_fet);
  EXPECT_EQ(a.precharge, b.precharge);
  EXPECT_EQ(a.heater, b.heater);
  EXPECT_EQ(a.heater_current, b.heater_current);
  EXPECT_EQ(a.balance_state, b.balance_state);
  EXPECT_EQ(a.balance_current, b.balance_current);
  EXPECT_EQ(a.soc_percent, b.soc_percent);
  EXPECT_EQ(a.remaining, b.remaining);
  EXPECT_EQ(a.full_capacity, b.full_capacity);
  EXPECT_EQ(a.cycles, b.cycles);
  EXPECT_EQ(a.cycle_capacity, b.cycle_capacity);
  EXPECT_EQ(a.soh_percent, b.soh_percent);
  EXPECT_EQ(a.runtime, b.runtime);
  EXPECT_EQ(a.uptime, b.uptime);
  EXPECT_EQ(a.rtc_s, b.rtc_s);
  EXPECT_EQ(a.sleep_countdown, b.sleep_countdown);
  EXPECT_EQ(a.emergency_remaining, b.emergency_remaining);
  EXPECT_EQ(a.charger_present, b.charger_present);
  if (l == Layout::jk02_32s) {
    EXPECT_EQ(a.charge_stage, b.charge_stage);
    EXPECT_EQ(a.charge_stage_elapsed, b.charge_stage_elapsed);
    EXPECT_EQ(a.dry_contact1, b.dry_contact1);
    EXPECT_EQ(a.dry_contact2, b.dry_contact2);
  }
}

TEST(JkCellInfo, a_32s_frame_decodes_back_to_the_snapshot_it_came_from) {
  const core::Snapshot s = sample_snapshot(32);
  Frame f{};
  ASSERT_TRUE(encode_cell_info(s, Layout::jk02_32s, {Link::ble, 7}, f).ok());
  const auto back = decode_cell_info(f, Layout::jk02_32s);
  ASSERT_TRUE(back.ok());
  expect_same_carried(s, back.value(), Layout::jk02_32s);
}

TEST(JkCellInfo, a_24s_frame_decodes_back_to_the_snapshot_it_came_from) {
  const core::Snapshot s = sample_snapshot(24);
  Frame f{};
  ASSERT_TRUE(encode_cell_info(s, Layout::jk02_24s, {Link::ble, 7}, f).ok());
  const auto back = decode_cell_info(f, Layout::jk02_24s);
  ASSERT_TRUE(back.ok());
  expect_same_carried(s, back.value(), Layout::jk02_24s);
}

TEST(JkCellInfo, byte5_is_the_counter_on_ble_and_zero_on_rs485) {
  const core::Snapshot s = sample_snapshot(16);
  Frame ble{}, rs485{};
  ASSERT_TRUE(encode_cell_info(s, Layout::jk02_32s, {Link::ble, 0x17}, ble).ok());
  ASSERT_TRUE(encode_cell_info(s, Layout::jk02_32s, {Link::rs485, 0x17}, rs485).ok());
  EXPECT_EQ(ble[5], 0x17);
  EXPECT_EQ(rs485[5], 0x00);
  EXPECT_EQ(rs485[4], 0x02);
  EXPECT_TRUE(check_frame(rs485).ok());
}

TEST(JkCellInfo, a_32s_frame_has_byte_287_set_and_a_24s_frame_has_it_clear) {
  const core::Snapshot s = sample_snapshot(16);
  Frame f32{}, f24{};
  ASSERT_TRUE(encode_cell_info(s, Layout::jk02_32s, {}, f32).ok());
  ASSERT_TRUE(encode_cell_info(s, Layout::jk02_24s, {}, f24).ok());
  EXPECT_NE(f32[287], 0);
  EXPECT_EQ(f24[287], 0);
  EXPECT_EQ(guess_cell_info_layout(f32), Layout::jk02_32s);
  EXPECT_EQ(guess_cell_info_layout(f24), Layout::jk02_24s);
}

TEST(JkCellInfo, max_and_min_cell_indexes_go_out_zero_based) {
  core::Snapshot s = sample_snapshot(16);
  s.cell_max_index = 0;   // cell #1
  s.cell_min_index = 10;  // cell #11
  Frame f{};
  ASSERT_TRUE(encode_cell_info(s, Layout::jk02_32s, {}, f).ok());
  EXPECT_EQ(f[78], 0);
  EXPECT_EQ(f[79], 10);
}

TEST(JkCellInfo, pack_voltage_current_and_16_cell_mask_sit_where_clients_read_them) {
  const core::Snapshot s = sample_snapshot(16);
  Frame f{};
  ASSERT_TRUE(encode_cell_info(s, Layout::jk02_32s, {}, f).ok());
  EXPECT_EQ(get_le(f, 150, 4), 53600u);
  EXPECT_EQ(sign_extend(get_le(f, 158, 4), 4), -12345);
  EXPECT_EQ(get_le(f, 70, 4), 0x0000FFFFu);
  EXPECT_EQ(get_le(f, 6, 2), 3300u);
  EXPECT_EQ(get_le(f, 234, 2), 5360u);  // the 10 mV copy
}

TEST(JkCellInfo, a_value_too_big_for_its_field_saturates_instead_of_wrapping) {
  core::Snapshot s = sample_snapshot(16);
  s.release_timer_s[0] = 65535;
  s.charge_stage_elapsed = Seconds(1'000'000);  // u16 on the wire
  Frame f{};
  ASSERT_TRUE(encode_cell_info(s, Layout::jk02_32s, {}, f).ok());
  EXPECT_EQ(get_le(f, 278, 2), 65535u);
}

TEST(JkFrames, bad_frames_are_rejected_with_their_own_error) {
  Frame f{};
  ASSERT_TRUE(encode_cell_info(sample_snapshot(16), Layout::jk02_32s, {}, f).ok());
  EXPECT_EQ(decode_cell_info(Bytes(f).first(299), Layout::jk02_32s).status().code(),
            Errc::bad_value);
  std::array<uint8_t, 301> longer{};
  std::copy(f.begin(), f.end(), longer.begin());
  EXPECT_EQ(decode_cell_info(longer, Layout::jk02_32s).status().code(), Errc::bad_value);
  Frame garbled = f;
  garbled[150] ^= 0x01;
  EXPECT_EQ(decode_cell_info(garbled, Layout::jk02_32s).status().code(), Errc::corrupt);
  Frame header = f;
  header[2] = 0x00;
  EXPECT_EQ(decode_cell_info(header, Layout::jk02_32s).status().code(), Errc::bad_value);
  EXPECT_EQ(decode_settings(f, Layout::jk02_32s, core::Settings{}).status().code(),
            Errc::unknown_field);
  EXPECT_EQ(decode_cell_info(f, Layout::jk04).status().code(), Errc::bad_state);
}

TEST(JkFrames, a_320_byte_notification_is_accepted_with_the_checksum_at_299) {
  Frame f{};
  ASSERT_TRUE(encode_cell_info(sample_snapshot(16), Layout::jk02_32s, {}, f).ok());
  std::array<uint8_t, kLongFrameSize> longer{};
  std::copy(f.begin(), f.end(), longer.begin());
  longer[310] = 0x5A;
  ASSERT_TRUE(decode_cell_info(longer, Layout::jk02_32s).ok());
  EXPECT_EQ(decode_cell_info(longer, Layout::jk02_32s).value().pack_voltage.count(), 53600);
}

core::Settings sample_settings() {
  core::Settings s = core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
  s.set_raw(Param::cell_ovp, 3650);
  s.set_raw(Param::charge_utp, -50);
  s.set_raw(Param::heating_start_temp, -30);
  s.set_raw(Param::heating_stop_temp, 70);
  s.set_raw(Param::discharge_utp, -250);
  s.set_raw(Param::float_mode, 1);
  s.set_raw(Param::display_always_on, 1);
  s.set_raw(Param::heating_enabled, 0);
  s.set_raw(Param::device_address, 5);
  s.set_raw(Param::precharge_time, 7);
  return s;
}

TEST(JkSettingsFrame, a_32s_frame_decodes_back_to_every_setting_it_carries) {
  const core::Settings s = sample_settings();
  Frame f{};
  ASSERT_TRUE(encode_settings(s, Layout::jk02_32s, {Link::ble, 3}, f).ok());
  const core::Settings other =
      core::Settings::preset(core::Chemistry::li_ion, core::ModelId::jk_pb2a16s20p, 8);
  const auto back = decode_settings(f, Layout::jk02_32s, other);
  ASSERT_TRUE(back.ok());
  for (const core::ParamInfo& row : core::kParams) {
    const int32_t want =
        in_settings_frame(row, Layout::jk02_32s) ? s.raw(row.id) : other.raw(row.id);
    EXPECT_EQ(back.value().raw(row.id), want) << row.name;
  }
}

TEST(JkSettingsFrame, a_24s_frame_carries_only_the_block_before_byte_142) {
  const core::Settings s = sample_settings();
  Frame f{};
  ASSERT_TRUE(encode_settings(s, Layout::jk02_24s, {}, f).ok());
  const core::Settings other =
      core::Settings::preset(core::Chemistry::li_ion, core::ModelId::jk_pb2a16s20p, 8);
  const auto back = decode_settings(f, Layout::jk02_24s, other);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value().raw(Param::cell_ovp), 3650);
  EXPECT_EQ(back.value().raw(Param::charge_utp), -50);
  EXPECT_EQ(back.value().raw(Param::device_address), other.raw(Param::device_address));
  EXPECT_EQ(back.value().raw(Param::float_mode), other.raw(Param::float_mode));
  EXPECT_EQ(get_le(f, 282, 2), 0u);
}

TEST(JkSettingsFrame, fields_sit_at_the_offsets_of_the_settings_table) {
  const core::Settings s = sample_settings();
  Frame f{};
  ASSERT_TRUE(encode_settings(s, Layout::jk02_32s, {}, f).ok());
  EXPECT_EQ(get_le(f, 18, 4), 3650u);                // cell OVP, mV
  EXPECT_EQ(sign_extend(get_le(f, 98, 4), 4), -50);  // charge UTP, 0.1 °C
  EXPECT_EQ(static_cast<int8_t>(f[284]), -3);        // heating start, whole °C
  EXPECT_EQ(static_cast<int8_t>(f[296]), -25);       // discharge UTP, whole °C
  EXPECT_EQ(get_le(f, 114, 4), 16u);                 // cell count
  EXPECT_EQ(get_le(f, 270, 4), 5u);                  // RS485 address
  const uint32_t controls = get_le(f, 282, 2);
  EXPECT_EQ((controls >> 9) & 1, 1u);  // float mode
  EXPECT_EQ((controls >> 4) & 1, 1u);  // display always on
  EXPECT_EQ(controls & 1, 0u);         // heating off
}

TEST(JkDeviceInfo, a_frame_decodes_back_to_the_device_info_it_came_from) {
  core::DeviceInfo info;
  info.model.assign("JK_PB2A16S20P");
  info.hw_version.assign("19A");
  info.sw_version.assign("19.27");
  info.device_name.assign("Garage16S");
  info.manufacturing_date.assign("240305");
  info.serial_number.assign("4021911234");
  info.user_data.assign("Input Userdata");
  info.user_data2.assign("shed");
  core::Snapshot snap;
  snap.runtime = Seconds(86400);
  snap.power_on_count = 42;
  core::Settings s = core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
  s.set_raw(Param::rcv_time, 12);
  s.set_raw(Param::rebulk_soc, 85);
  Frame f{};
  encode_device_info(info, snap, s, {Link::rs485, 9}, f);
  EXPECT_EQ(f[5], 0);
  EXPECT_EQ(f[266], 12);
  const auto back = decode_device_info(f, core::Settings{});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value().info, info);
  EXPECT_EQ(back.value().uptime.count(), 86400);
  EXPECT_EQ(back.value().power_on_count, 42u);
  EXPECT_EQ(back.value().settings.raw(Param::rcv_time), 12);
  EXPECT_EQ(back.value().settings.raw(Param::rebulk_soc), 85);
  for (std::size_t off = 62; off < 78; ++off) EXPECT_EQ(f[off], 0) << "passcode byte " << off;
}

TEST(JkLogbook, events_go_out_as_jk_codes_and_come_back_as_the_same_events) {
  const std::array<core::Event, 4> events = {{
      {100, core::EventType::boot, 0, 0, 0},
      {200, core::EventType::setting_changed, 3, 0, 3650},  // JK does not log it
      {300, core::EventType::protection_trip, static_cast<uint8_t>(core::AlarmBit::charge_utp), 0,
       -50},
      {400, core::EventType::switch_changed, static_cast<uint8_t>(Param::charge_enabled),
       static_cast<uint8_t>(core::Origin::app), 1},
  }};
  Frame f{};
  encode_logbook(events, {Link::ble, 1}, f);
  const auto book = decode_logbook(f);
  ASSERT_TRUE(book.ok());
  ASSERT_EQ(book.value().size, 3u);
  EXPECT_EQ(book.value().entries[0], (LogEntry{100, 0x01}));
  EXPECT_EQ(book.value().entries[1], (LogEntry{300, 0x1B}));
  EXPECT_EQ(book.value().entries[2], (LogEntry{400, 0x04}));
  const auto ev = event_from_jk_code(book.value().entries[2]);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->type, core::EventType::switch_changed);
  EXPECT_EQ(ev->arg, static_cast<uint8_t>(Param::charge_enabled));
  EXPECT_EQ(ev->value, 1);
  EXPECT_FALSE(event_from_jk_code({0, 0xFF}).has_value());
}

TEST(JkLogbook, per_cell_overcharge_codes_name_the_cell) {
  const auto ev = event_from_jk_code({5, 0x64 + 6});
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->type, core::EventType::protection_trip);
  EXPECT_EQ(ev->arg, static_cast<uint8_t>(core::AlarmBit::cell_ovp));
  EXPECT_EQ(ev->value, 6);
}

}  // namespace
}  // namespace softbms::protocols::jk
