#include <gtest/gtest.h>

#include "protocols/jk/ble_command.hpp"
#include "protocols/jk/test_vectors.hpp"

namespace softbms::protocols::jk {
namespace {

using core::CommandKind;
using core::Param;
using testing::from_hex;

Result<BleRequest> decode32(const std::vector<uint8_t>& f) {
  return decode_ble_command(f, Layout::jk02_32s, core::Chemistry::lfp);
}

std::vector<uint8_t> command(uint8_t reg, uint8_t len, uint32_t value) {
  CommandFrame f{};
  encode_ble_request(reg, f);
  f[5] = len;
  put_le(f, 6, 4, value);
  f[19] = sum8(Bytes(f).first(19));
  return {f.begin(), f.end()};
}

TEST(JkBleCommand, cell_ovp_3650_mv_from_the_capture_becomes_a_set_param) {
  const auto r = decode32(from_hex("AA5590EB0404420E0000000000000000000000D2"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().kind, BleRequestKind::command);
  EXPECT_EQ(r.value().command.kind, CommandKind::set_param);
  EXPECT_EQ(r.value().command.param, Param::cell_ovp);
  EXPECT_EQ(r.value().command.value, 3650);
}

TEST(JkBleCommand, the_charge_switch_captures_turn_charging_on_and_off) {
  const auto on = decode32(from_hex("AA5590EB1D04010000000000000000000000009C"));
  const auto off = decode32(from_hex("AA5590EB1D04000000000000000000000000009B"));
  ASSERT_TRUE(on.ok() && off.ok());
  EXPECT_EQ(on.value().command.param, Param::charge_enabled);
  EXPECT_EQ(on.value().command.value, 1);
  EXPECT_EQ(off.value().command.value, 0);
}

TEST(JkBleCommand, junk_in_bytes_10_to_18_is_ignored) {
  const auto r = decode_ble_command(from_hex("AA5590EB2604C409000023B2CD312D28F26B04FA"),
                                    Layout::jk02_24s, core::Chemistry::lfp);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().command.param, Param::start_balance_voltage);
  EXPECT_EQ(r.value().command.value, 2500);
}

TEST(JkBleCommand, the_same_register_means_what_the_layout_says) {
  // 0x21: SCP delay on 32S, voltage calibration on 24S.
  const auto f = command(0x21, 4, 52000);
  const auto r32 = decode_ble_command(f, Layout::jk02_32s, core::Chemistry::lfp);
  const auto r24 = decode_ble_command(f, Layout::jk02_24s, core::Chemistry::lfp);
  ASSERT_TRUE(r32.ok());  // SCP delay 52 ms: decoded; the core refuses it (beyond 10 ms)
  EXPECT_EQ(r32.value().command.param, Param::scp_delay);
  ASSERT_TRUE(r24.ok());
  EXPECT_EQ(r24.value().command.kind, CommandKind::calibrate_voltage);
  EXPECT_EQ(r24.value().command.value, 52000);
}

TEST(JkBleCommand, requests_presets_reset_and_emergency_decode_to_their_kinds) {
  EXPECT_EQ(decode32(command(0x96, 0, 0)).value().kind, BleRequestKind::settings_and_stream);
  EXPECT_EQ(decode32(command(0x97, 0, 0)).value().kind, BleRequestKind::device_info);
  EXPECT_EQ(decode32(command(0xA1, 0, 0)).value().kind, BleRequestKind::logbook);
  const auto lto = decode32(command(0x6A, 0, 0));
  EXPECT_EQ(lto.value().command.kind, CommandKind::load_preset);
  EXPECT_EQ(lto.value().command.chemistry, core::Chemistry::lto);
  const auto reset =
      decode_ble_command(command(0x9D, 0, 0), Layout::jk02_32s, core::Chemistry::li_ion);
  EXPECT_EQ(reset.value().command.kind, CommandKind::factory_reset);
  EXPECT_EQ(reset.value().command.chemistry, core::Chemistry::li_ion);
  const auto emergency = decode32(command(0x6B, 4, 1));
  EXPECT_EQ(emergency.value().command.kind, CommandKind::emergency);
  EXPECT_EQ(emergency.value().command.value, 1);
  const auto current = decode32(command(0x67, 4, static_cast<uint32_t>(-20500)));
  EXPECT_EQ(current.value().command.kind, CommandKind::calibrate_current);
  EXPECT_EQ(current.value().command.value, -20500);
}

TEST(JkBleCommand, one_byte_temperatures_arrive_in_whole_degrees_and_are_stored_in_tenths) {
  const auto r = decode32(command(0x37, 1, 0xFB));  // heating start -5 °C
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().command.param, Param::heating_start_temp);
  EXPECT_EQ(r.value().command.value, -50);
}

TEST(JkBleCommand, bad_commands_are_rejected_with_their_reason) {
  // Decoding only: 6 V cell OVP and switch = 2 are decoded; the core refuses them.
  EXPECT_EQ(decode32(command(0x04, 4, 6000)).value().command.value, 6000);
  EXPECT_EQ(decode32(command(0x1D, 4, 2)).value().command.value, 2);
  EXPECT_EQ(decode32(command(0xEE, 4, 1)).status().code(), Errc::unknown_field);
  EXPECT_EQ(decode32(command(0x04, 0, 0)).status().code(), Errc::out_of_range);  // no value
  auto garbled = command(0x04, 4, 3650);
  garbled[7] ^= 1;
  EXPECT_EQ(decode32(garbled).status().code(), Errc::corrupt);
  auto short_frame = command(0x04, 4, 3650);
  short_frame.pop_back();
  EXPECT_EQ(decode32(short_frame).status().code(), Errc::bad_value);
}

TEST(JkBleCommand, our_client_frames_decode_back_to_the_command) {
  core::Command c;
  c.kind = CommandKind::set_param;
  c.param = Param::discharge_utp;
  c.value = -150;
  CommandFrame f{};
  ASSERT_TRUE(encode_ble_command(c, Layout::jk02_32s, f).ok());
  EXPECT_EQ(f[4], 0x3A);
  EXPECT_EQ(f[5], 1);
  const auto back = decode_ble_command(f, Layout::jk02_32s, core::Chemistry::lfp);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value().command.param, Param::discharge_utp);
  EXPECT_EQ(back.value().command.value, -150);
  c.param = Param::cell_ovp;
  c.value = 3650;
  ASSERT_TRUE(encode_ble_command(c, Layout::jk02_32s, f).ok());
  EXPECT_EQ(std::vector<uint8_t>(f.begin(), f.end()),
            from_hex("AA5590EB0404420E0000000000000000000000D2"));
}

TEST(JkBleCommand, the_write_ack_matches_the_captured_bytes) {
  CommandFrame f{};
  encode_write_ack(f);
  EXPECT_EQ(std::vector<uint8_t>(f.begin(), f.end()),
            from_hex("AA5590EBC8010100000000000000000000000044"));
  EXPECT_TRUE(is_write_ack(f));
}

}  // namespace
}  // namespace softbms::protocols::jk
