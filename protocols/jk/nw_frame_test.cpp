#include <gtest/gtest.h>

#include "protocols/jk/nw_frame.hpp"
#include "protocols/jk/test_vectors.hpp"

namespace softbms::protocols::jk {
namespace {

using core::Param;
using testing::from_hex;

TEST(JkNw, temperatures_follow_the_documented_100_offset_for_negatives) {
  EXPECT_EQ(nw_temp_code(DeciCelsius(250)), 25);
  EXPECT_EQ(nw_temp_code(DeciCelsius(-10)), 101);
  EXPECT_EQ(nw_temp_code(DeciCelsius(-200)), 120);
  EXPECT_EQ(nw_temp_code(DeciCelsius(1200)), 98);  // 99 and 100 are ambiguous between clients
  EXPECT_EQ(nw_temp_from_code(101).count(), -10);
  EXPECT_EQ(nw_temp_from_code(29).count(), 290);
}

TEST(JkNw, current_uses_bit15_for_charging_in_protocol_version_1) {
  EXPECT_EQ(nw_current_code(Milliamps(20000)), 0x87D0);
  EXPECT_EQ(nw_current_code(Milliamps(-20000)), 0x07D0);
  EXPECT_EQ(nw_current_from_code(0x80D0, 1).count(), 2080);
  EXPECT_EQ(nw_current_from_code(0x07D0, 1).count(), -20000);
}

TEST(JkNw, our_read_all_request_matches_the_captured_one) {
  std::array<uint8_t, 32> out{};
  const auto n = encode_nw_read_all_request(3, out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + static_cast<long>(n.value())),
            from_hex("4E5700130000000006030000000000006800000129"));
}

TEST(JkNw, a_write_of_the_charge_switch_becomes_a_command_and_is_echoed) {
  std::array<uint8_t, 32> req{};
  const auto n = encode_nw_write_request(0xAB, 0, req);
  ASSERT_TRUE(n.ok());
  const auto parsed = parse_nw_request(Bytes(req).first(n.value()));
  ASSERT_TRUE(parsed.ok());
  const auto cmd = nw_write_command(parsed.value());
  ASSERT_TRUE(cmd.ok());
  EXPECT_EQ(cmd.value().param, Param::charge_enabled);
  EXPECT_EQ(cmd.value().value, 0);
  EXPECT_EQ(cmd.value().origin, core::Origin::rs485);
  std::array<uint8_t, 32> reply{};
  const auto r = encode_nw_write_reply(parsed.value(), reply);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(reply[8], 0x02);
  EXPECT_EQ(reply[10], 0x01);
  EXPECT_EQ(reply[11], 0xAB);
}

TEST(JkNw, a_write_in_the_wire_unit_is_scaled_to_the_stored_unit) {
  std::array<uint8_t, 32> req{};
  const auto n = encode_nw_write_request(0x99, 150, req);  // charge OCP 150 A
  const auto cmd = nw_write_command(parse_nw_request(Bytes(req).first(n.value())).value());
  ASSERT_TRUE(cmd.ok());
  EXPECT_EQ(cmd.value().param, Param::charge_ocp_current);
  EXPECT_EQ(cmd.value().value, 150000);
}

TEST(JkNw, bad_requests_are_rejected_and_change_nothing) {
  std::array<uint8_t, 32> req{};
  auto n = encode_nw_write_request(0x90, 9000, req);  // 9 V cell OVP: decoded, the core refuses it
  EXPECT_EQ(nw_write_command(parse_nw_request(Bytes(req).first(n.value())).value()).value().value,
            9000);
  EXPECT_EQ(encode_nw_write_request(0x83, 1, req).status().code(),
            Errc::unknown_field);  // pack voltage is read-only
  auto good = from_hex("4E5700130000000006030000000000006800000129");
  auto garbled = good;
  garbled[9] = 0x02;
  EXPECT_EQ(parse_nw_request(garbled).status().code(), Errc::corrupt);
  auto short_frame = good;
  short_frame.pop_back();
  EXPECT_EQ(parse_nw_request(short_frame).status().code(), Errc::bad_value);
  auto no_marker = good;
  no_marker[16] = 0x69;
  no_marker[20] = static_cast<uint8_t>(no_marker[20] + 1);
  EXPECT_EQ(parse_nw_request(no_marker).status().code(), Errc::bad_value);
}

TEST(JkNw, a_16_cell_reply_has_the_size_the_record_table_promises) {
  core::Snapshot s;
  s.cell_count = 16;
  for (std::size_t i = 0; i < 16; ++i) s.cell[i] = Millivolts(3300);
  s.pack_voltage = Millivolts(52800);
  s.current = Milliamps(-5000);
  s.temp[1] = DeciCelsius(-55);
  const core::Settings settings =
      core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_bd4a24s_12p, 16);
  core::DeviceInfo info;
  info.hw_version.assign("10.XW");
  info.sw_version.assign("10.07");
  std::array<uint8_t, kNwMaxFrame> out{};
  const auto n = encode_nw_read_all(BmsView{s, settings, info}, 0x06, out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), 291u);  // as the captured 16S reply
  const auto back = decode_nw_reply(Bytes(out).first(n.value()), settings);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value().snapshot.pack_voltage.count(), 52800);
  EXPECT_EQ(back.value().snapshot.current.count(), -5000);
  EXPECT_EQ(back.value().snapshot.temp[1].count(), -60);  // whole degrees on this wire
  EXPECT_EQ(back.value().info.sw_version.view(), "10.07");
  EXPECT_EQ(back.value().settings.raw(Param::cell_ovp), settings.raw(Param::cell_ovp));
}

}  // namespace
}  // namespace softbms::protocols::jk
