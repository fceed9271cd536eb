// Request building and reply scanning of the client, against the captured JK vectors.
#include "host/client/wire.hpp"

#include <gtest/gtest.h>

#include "protocols/jk/modbus.hpp"
#include "protocols/jk/test_vectors.hpp"

namespace softbms::host::client {
namespace {

namespace jk = protocols::jk;
using jk::testing::from_hex;
using jk::testing::vector_named;

std::vector<uint8_t> cat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

core::Settings lfp16() {
  return core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
}

TEST(ClientWire, jk_pb_status_frame_is_found_after_an_adapter_echo_and_before_its_ack) {
  const auto request = from_hex("011016200001020000D6F1");
  const auto& reply = vector_named("cell-info(0x02) + ACK 011016200001044b").bytes;
  ASSERT_EQ(reply.size(), 308u);
  const auto rx = cat({request, reply});
  const Scan s = scan_55aa(rx, jk::FrameType::cell_info);
  ASSERT_TRUE(s.complete());
  EXPECT_EQ(s.begin, 11u);
  EXPECT_EQ(s.end, 311u);
  const Scan ack = scan_fc10_reply(Bytes(rx).subspan(s.end), 0x01);
  ASSERT_TRUE(ack.complete());
  EXPECT_EQ(hex(Bytes(rx).subspan(s.end + ack.begin, 8)), "01 10 16 20 00 01 04 4B");
}

TEST(ClientWire, a_frame_cut_short_is_incomplete_and_a_frame_of_another_type_is_skipped) {
  const auto& status = vector_named("STATUS_RESPONSE").bytes;
  const auto& settings = vector_named("SETTINGS_RESPONSE").bytes;
  EXPECT_FALSE(scan_55aa(Bytes(status).first(299), jk::FrameType::cell_info).complete());
  const auto rx = cat({settings, status});
  const Scan s = scan_55aa(rx, jk::FrameType::cell_info);
  ASSERT_TRUE(s.complete());
  EXPECT_EQ(s.begin, 300u);
  EXPECT_FALSE(scan_55aa(settings, jk::FrameType::cell_info).complete());
}

TEST(ClientWire, a_broken_sum8_is_not_taken_for_a_reply) {
  auto status = vector_named("STATUS_RESPONSE").bytes;
  status[100] ^= 0x01;
  EXPECT_FALSE(scan_55aa(status, jk::FrameType::cell_info).complete());
}

TEST(ClientWire, fc10_reply_is_the_ack_of_our_address_or_its_exception) {
  const auto ack = vector_named("FC16_ACK_SETTINGS").bytes;  // 03 10 16 1E 00 01 64 65
  EXPECT_TRUE(scan_fc10_reply(ack, 0x03).complete());
  EXPECT_FALSE(scan_fc10_reply(ack, 0x01).complete());
  EXPECT_EQ(fc10_exception(ack), 0);
  std::vector<uint8_t> exc = {0x03, 0x90, 0x03, 0, 0};
  jk::append_crc(exc, 3);
  const Scan s = scan_fc10_reply(exc, 0x03);
  ASSERT_TRUE(s.complete());
  EXPECT_EQ(s.end, 5u);
  EXPECT_EQ(fc10_exception(exc), 0x03);
}

TEST(ClientWire, balance_switch_write_equals_the_captured_esphome_frame) {
  // txubelaxu sniffer: 02 10 10 78 00 02 04 00 00 00 01 F6 69 = balancer on at address 2.
  const auto w = pb_register_write(core::Param::balance_enabled, 1, lfp16(), 0);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.value().start, 0x1078);
  EXPECT_EQ(encode_fc10_write(2, w.value().start, w.value().data),
            from_hex("0210107800020400000001F669"));
  const auto off = pb_register_write(core::Param::balance_enabled, 0, lfp16(), 0);
  EXPECT_EQ(encode_fc10_write(2, off.value().start, off.value().data),
            from_hex("021010780002040000000037A9"));
}

TEST(ClientWire, control_word_bit_keeps_the_other_bits_of_the_boards_word) {
  // Captured: 02 10 11 14 00 01 02 02 10 B0 19 = control word 0x0210 (float mode + bit 4).
  const auto w = pb_register_write(core::Param::float_mode, 1, lfp16(), 0x0010);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.value().start, 0x1114);
  EXPECT_EQ(encode_fc10_write(2, w.value().start, w.value().data),
            from_hex("021011140001020210B019"));
  const auto clear = pb_register_write(core::Param::float_mode, 0, lfp16(), 0x0210);
  EXPECT_EQ(clear.value().data, (std::vector<uint8_t>{0x00, 0x10}));
}

TEST(ClientWire, cell_ovp_goes_to_register_0x100C_as_a_big_endian_u32) {
  const auto w = pb_register_write(core::Param::cell_ovp, 3650, lfp16(), 0);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.value().start, 0x100C);  // settings frame offset 18 - 6
  EXPECT_EQ(w.value().data, (std::vector<uint8_t>{0x00, 0x00, 0x0E, 0x42}));
}

TEST(ClientWire, one_byte_field_is_written_with_its_neighbour_unchanged) {
  core::Settings s = lfp16();
  s.set_raw(core::Param::heating_stop_temp, 70);                                 // 7 °C
  const auto w = pb_register_write(core::Param::heating_start_temp, -50, s, 0);  // -5 °C
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.value().start, 0x1000 + 284 - 6);
  EXPECT_EQ(w.value().data, (std::vector<uint8_t>{0xFB, 0x07}));
  // 285 pairs with the byte after it (286, smart-sleep hours), which keeps its value.
  s.set_raw(core::Param::smart_sleep_hours, 30);
  const auto stop = pb_register_write(core::Param::heating_stop_temp, 100, s, 0);
  EXPECT_EQ(stop.value().start, 0x1000 + 285 - 6);
  EXPECT_EQ(stop.value().data, (std::vector<uint8_t>{0x0A, 30}));
}

TEST(ClientWire, the_dip_address_and_unmapped_settings_are_not_writable_over_modbus) {
  EXPECT_EQ(pb_register_write(core::Param::device_address, 2, lfp16(), 0).status().code(),
            Errc::unknown_field);
  EXPECT_EQ(pb_register_write(core::Param::cell_ovp_delay, 2, lfp16(), 0).status().code(),
            Errc::unknown_field);
}

TEST(ClientWire, nw_writes_use_the_register_and_unit_of_the_4e57_table) {
  const auto ovp = nw_register_write(core::Param::cell_ovp, 3650);
  ASSERT_TRUE(ovp.ok());
  EXPECT_EQ(ovp.value().register_id, 0x90);
  EXPECT_EQ(ovp.value().value, 3650u);
  const auto ocp = nw_register_write(core::Param::charge_ocp_current, 100000);
  ASSERT_TRUE(ocp.ok());
  EXPECT_EQ(ocp.value().register_id, 0x99);
  EXPECT_EQ(ocp.value().value, 100u);  // whole amperes
  const auto utp = nw_register_write(core::Param::charge_utp, -200);
  ASSERT_TRUE(utp.ok());
  EXPECT_EQ(utp.value().register_id, 0xA5);
  EXPECT_EQ(utp.value().value, 0xFFECu);  // -20 °C as i16
  const auto sw = nw_register_write(core::Param::charge_enabled, 0);
  ASSERT_TRUE(sw.ok());
  EXPECT_EQ(sw.value().register_id, 0xAB);
}

TEST(ClientWire, nw_refuses_values_finer_than_the_register_and_read_only_records) {
  EXPECT_EQ(nw_register_write(core::Param::charge_ocp_current, 100500).status().code(),
            Errc::bad_value);
  EXPECT_EQ(nw_register_write(core::Param::device_address, 2).status().code(), Errc::unknown_field);
}

TEST(ClientWire, ble_writes_equal_the_captured_mpp_solar_commands) {
  const auto ovp = ble_write(core::Param::cell_ovp, 3650, jk::Layout::jk02_32s);
  ASSERT_TRUE(ovp.ok());
  EXPECT_EQ(std::vector<uint8_t>(ovp.value().begin(), ovp.value().end()),
            from_hex("AA5590EB0404420E0000000000000000000000D2"));
  const auto charge_off = ble_write(core::Param::charge_enabled, 0, jk::Layout::jk02_32s);
  EXPECT_EQ(std::vector<uint8_t>(charge_off.value().begin(), charge_off.value().end()),
            from_hex("AA5590EB1D04000000000000000000000000009B"));
}

TEST(ClientWire, nw_reply_is_found_after_junk_and_needs_every_byte) {
  const auto& reply = vector_named("14S fw H6.X S6.1.3S").bytes;
  const auto rx = cat({{0x00, 0x4E, 0x11}, reply});
  const Scan s = scan_nw(rx);
  ASSERT_TRUE(s.complete());
  EXPECT_EQ(s.begin, 3u);
  EXPECT_EQ(s.end - s.begin, reply.size());
  EXPECT_FALSE(scan_nw(Bytes(rx).first(rx.size() - 1)).complete());
}

TEST(ClientWire, ble_ack_is_recognised_among_stream_bytes) {
  const auto ack = vector_named("0xC8 ack frame").bytes;
  const auto rx = cat({{0x55, 0xAA, 0x01}, ack});
  const Scan s = scan_ble_ack(rx);
  ASSERT_TRUE(s.complete());
  EXPECT_EQ(s.begin, 3u);
}

TEST(ClientWire, protocol_names_round_trip) {
  for (Protocol p : {Protocol::jk_pb, Protocol::jk_4e57, Protocol::jk02})
    EXPECT_EQ(protocol_from_name(protocol_name(p)), p);
  EXPECT_FALSE(protocol_from_name("auto").has_value());
}

}  // namespace
}  // namespace softbms::host::client

namespace softbms::host::client {
namespace {

// Every captured BLE cell-info frame gets the layout its source names: the one thing a user of
// other tools most often chooses wrong.
TEST(ClientWire, ble_cell_info_layout_matches_every_labelled_capture) {
  int checked = 0;
  for (const auto& v : protocols::jk::testing::vectors()) {
    if (!v.says("protocol: BLE") || !v.says("cell-info(0x02)") || v.bytes.size() < 300) continue;
    const auto want = v.says("JK04")       ? protocols::jk::Layout::jk04
                      : v.says("JK02_24S") ? protocols::jk::Layout::jk02_24s
                      : v.says("JK02_32S") ? protocols::jk::Layout::jk02_32s
                                           : ble_cell_info_layout(v.bytes);
    EXPECT_EQ(layout_name(ble_cell_info_layout(v.bytes)), layout_name(want)) << v.comment;
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

}  // namespace
}  // namespace softbms::host::client
