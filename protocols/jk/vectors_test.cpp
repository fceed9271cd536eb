// The proof against real captures: every checksum, every decodable frame, and the decoded
// values published for some of them ([ESPHOME]).
#include <gtest/gtest.h>

#include "protocols/jk/ble_command.hpp"
#include "protocols/jk/cell_info.hpp"
#include "protocols/jk/device_info_frame.hpp"
#include "protocols/jk/jk04.hpp"
#include "protocols/jk/logbook.hpp"
#include "protocols/jk/modbus.hpp"
#include "protocols/jk/nw_frame.hpp"
#include "protocols/jk/settings_frame.hpp"
#include "protocols/jk/test_vectors.hpp"

namespace softbms::protocols::jk {
namespace {

using testing::Vector;
using testing::vector_named;
using testing::vectors;

const core::Settings kDefaults =
    core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);

bool is_55aa(const Vector& v) {
  return v.bytes.size() >= 4 && v.bytes[0] == 0x55 && v.bytes[1] == 0xAA;
}

// The layout of a 55AA vector as its comment names it (JK-PB RS485 payloads are 32S).
Layout layout_of(const Vector& v) {
  if (v.says("JK04")) return Layout::jk04;
  if (v.says("JK02_24S")) return Layout::jk02_24s;
  if (v.says("JK02_32S") || v.says("JK-PB")) return Layout::jk02_32s;
  return guess_cell_info_layout(Bytes(v.bytes).first(kFrameSize));
}

Status decode_any(const Vector& v) {
  const Bytes f = Bytes(v.bytes).first(kFrameSize);
  const Layout l = layout_of(v);
  switch (frame_type(f)) {
    case FrameType::cell_info:
      return l == Layout::jk04 ? decode_jk04_cell_info(f).status()
                               : decode_cell_info(f, l).status();
    case FrameType::settings:
      return l == Layout::jk04 ? decode_jk04_settings(f, kDefaults).status()
                               : decode_settings(f, l, kDefaults).status();
    case FrameType::device_info:
      return decode_device_info(f, kDefaults).status();
    case FrameType::logbook:
      return decode_logbook(f).status();
  }
  return unknown_register(f[4]);
}

TEST(JkVectors, the_vector_file_holds_all_113_frames) {
  EXPECT_EQ(vectors().size(), 113u);
}

TEST(JkVectors, every_55aa_frame_has_a_valid_sum8_and_decodes) {
  int frames = 0;
  for (const Vector& v : vectors()) {
    if (!is_55aa(v)) continue;
    ++frames;
    const Bytes f = Bytes(v.bytes).first(kFrameSize);
    EXPECT_TRUE(check_frame(f).ok()) << v.comment;
    EXPECT_TRUE(decode_any(v).ok()) << v.comment;
  }
  EXPECT_EQ(frames, 88);  // 82 BLE + 3 JK-PB payloads + 3 mpp-solar payload+ACK
}

TEST(JkVectors, every_rs485_dump_ends_with_a_crc_valid_fc16_ack) {
  int dumps = 0;
  for (const Vector& v : vectors()) {
    if (v.bytes.size() != kFrameSize + 8) continue;
    ++dumps;
    const Bytes ack = Bytes(v.bytes).subspan(kFrameSize);
    EXPECT_TRUE(crc_ok(ack)) << v.comment;
    EXPECT_EQ(ack[1], 0x10);
  }
  EXPECT_EQ(dumps, 3);
}

TEST(JkVectors, every_modbus_frame_has_a_valid_crc) {
  int frames = 0;
  for (const Vector& v : vectors()) {
    if (!v.says("JK-PB RS485") || is_55aa(v)) continue;
    ++frames;
    EXPECT_TRUE(crc_ok(v.bytes)) << v.comment;
  }
  EXPECT_EQ(frames, 10);  // 4 trigger requests, 3 ACKs, 3 setting writes
}

TEST(JkVectors, every_4e57_frame_has_a_valid_sum16_and_parses) {
  int replies = 0;
  for (const Vector& v : vectors()) {
    if (!v.says("4E57")) continue;
    if (v.says("request")) {
      const auto r = parse_nw_request(v.bytes);
      ASSERT_TRUE(r.ok()) << v.comment;
      EXPECT_TRUE(r.value().wants_all());
      continue;
    }
    ++replies;
    const auto d = decode_nw_reply(v.bytes, kDefaults);
    EXPECT_TRUE(d.ok()) << v.comment;
  }
  EXPECT_EQ(replies, 5);
}

TEST(JkVectors, every_ble_command_has_a_valid_sum8_and_decodes) {
  int commands = 0;
  for (const Vector& v : vectors()) {
    if (!v.says("BLE command")) continue;
    ++commands;
    // mpp-solar's jk02 tests talk to a 24S board (0x26 = start-balance voltage there).
    const Layout l = v.says("mpp-solar") ? Layout::jk02_24s : Layout::jk02_32s;
    const auto r = decode_ble_command(v.bytes, l, core::Chemistry::lfp);
    EXPECT_TRUE(r.ok()) << v.comment;
  }
  EXPECT_EQ(commands, 8);  // plus the 0xC8 acknowledge, checked next
  EXPECT_TRUE(is_write_ack(vector_named("0xC8 ack frame").bytes));
}

TEST(JkVectors, cell_info_32s_v11_decodes_to_the_published_values) {
  const auto r = decode_cell_info(vector_named("(CELL_INFO_JK02_32S_V11)").bytes, Layout::jk02_32s);
  ASSERT_TRUE(r.ok());
  const core::Snapshot& s = r.value();
  EXPECT_EQ(s.cell_count, 16);
  EXPECT_EQ(s.pack_voltage.count(), 51689);
  EXPECT_EQ(s.current.count(), 0);
  EXPECT_EQ(s.cell_min.count(), 3216);
  EXPECT_EQ(s.cell_min_index + 1, 11);
  EXPECT_EQ(s.cell_max.count(), 3246);
  EXPECT_EQ(s.cell_max_index + 1, 1);
  EXPECT_EQ(s.temp[1].count(), 177);
  EXPECT_EQ(s.temp[2].count(), 177);
  EXPECT_EQ(s.temp[core::kMosSensor].count(), 173);
  EXPECT_EQ(s.soc_percent, 52);
  EXPECT_EQ(s.soh_percent, 100);
  EXPECT_EQ(s.remaining.count(), 1043);
  EXPECT_EQ(s.full_capacity.count(), 2000);
  EXPECT_EQ(s.runtime.count(), 107416);
  EXPECT_TRUE(s.charge_fet);
  EXPECT_TRUE(s.discharge_fet);
}

TEST(JkVectors, cell_info_32s_v15_and_v19_decode_to_the_published_values) {
  const auto v15 =
      decode_cell_info(vector_named("(CELL_INFO_JK02_32S_V15)").bytes, Layout::jk02_32s);
  ASSERT_TRUE(v15.ok());
  EXPECT_EQ(v15.value().pack_voltage.count(), 53224);
  EXPECT_EQ(v15.value().current.count(), 31881);
  EXPECT_EQ(v15.value().soc_percent, 25);
  EXPECT_EQ(v15.value().remaining.count(), 49286);
  EXPECT_EQ(v15.value().full_capacity.count(), 200000);
  EXPECT_EQ(v15.value().cycles, 9u);
  const auto v19 =
      decode_cell_info(vector_named("(CELL_INFO_JK02_32S_V19)").bytes, Layout::jk02_32s);
  ASSERT_TRUE(v19.ok());
  EXPECT_EQ(v19.value().pack_voltage.count(), 54028);
  EXPECT_EQ(v19.value().current.count(), -727);
  EXPECT_LT(v19.value().power.count(), 0);
  EXPECT_EQ(v19.value().soc_percent, 100);
  EXPECT_EQ(v19.value().remaining.count(), 312898);
  EXPECT_EQ(v19.value().full_capacity.count(), 314000);
  EXPECT_EQ(v19.value().cycles, 5u);
}

TEST(JkVectors, cell_info_24s_v10_decodes_to_the_published_values) {
  const auto r = decode_cell_info(vector_named("(CELL_INFO_JK02_24S_V10)").bytes, Layout::jk02_24s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().cell_count, 24);
  EXPECT_EQ(r.value().pack_voltage.count(), 78735);
  EXPECT_EQ(r.value().soc_percent, 85);
  EXPECT_EQ(r.value().temp[1].count(), 207);
  EXPECT_EQ(r.value().temp[2].count(), 207);
  EXPECT_EQ(r.value().temp[core::kMosSensor].count(), 234);
  EXPECT_TRUE(r.value().charge_fet);
  EXPECT_FALSE(r.value().discharge_fet);
}

TEST(JkVectors, cell_info_24s_negative_temperatures_decode_signed) {
  const auto r =
      decode_cell_info(vector_named("(CELL_INFO_JK02_24S_V10_NEG_TEMPS)").bytes, Layout::jk02_24s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().cell_count, 13);
  EXPECT_EQ(r.value().temp[1].count(), -31);
  EXPECT_EQ(r.value().temp[2].count(), -29);
  EXPECT_EQ(r.value().temp[core::kMosSensor].count(), 5);
  EXPECT_EQ(r.value().soc_percent, 47);
  EXPECT_EQ(r.value().cycles, 56u);
}

TEST(JkVectors, the_layout_guess_from_byte_287_matches_every_labelled_cell_info) {
  for (const Vector& v : vectors()) {
    if (!is_55aa(v) || v.bytes[4] != 0x02 || v.says("JK04")) continue;
    if (!v.says("JK02_24S") && !v.says("JK02_32S") && !v.says("JK-PB")) continue;
    EXPECT_EQ(guess_cell_info_layout(v.bytes), layout_of(v)) << v.comment;
  }
}

TEST(JkVectors, nw_14s_reply_decodes_to_the_published_values) {
  const auto r = decode_nw_reply(vector_named("esp8266-fake-bms.yaml").bytes, kDefaults);
  ASSERT_TRUE(r.ok());
  const core::Snapshot& s = r.value().snapshot;
  EXPECT_EQ(s.cell_count, 14);
  EXPECT_EQ(s.cell[0].count(), 3821);
  EXPECT_EQ(s.pack_voltage.count(), 53590);
  EXPECT_EQ(s.current.count(), 2080);
  EXPECT_EQ(s.temp[core::kMosSensor].count(), 290);
  EXPECT_EQ(s.temp[1].count(), 300);
  EXPECT_EQ(s.temp[2].count(), 280);
  EXPECT_EQ(s.soc_percent, 15);
  EXPECT_EQ(r.value().settings.raw(core::Param::design_capacity), 14000);
  EXPECT_EQ(s.cycles, 4u);
  EXPECT_EQ(r.value().info.hw_version.view(), "H6.X");
  EXPECT_EQ(r.value().info.sw_version.view(), "6.1.3S");
  EXPECT_EQ(s.runtime.count(), 57856 * 60);
  EXPECT_TRUE(s.charge_fet);
  EXPECT_TRUE(s.discharge_fet);
}

TEST(JkVectors, our_nw_reply_for_the_decoded_state_has_the_same_records_in_the_same_order) {
  for (const Vector& v : vectors()) {
    if (!v.says("4E57 response")) continue;
    const auto d = decode_nw_reply(v.bytes, kDefaults);
    ASSERT_TRUE(d.ok()) << v.comment;
    std::array<uint8_t, kNwMaxFrame> out{};
    const BmsView view{d.value().snapshot, d.value().settings, d.value().info};
    const auto n = encode_nw_read_all(view, v.bytes[8], out);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n.value(), v.bytes.size()) << v.comment;
    std::array<NwRecordPos, 80> theirs{}, ours{};
    const auto nt = nw_records(v.bytes, theirs);
    const auto no = nw_records(Bytes(out).first(n.value()), ours);
    ASSERT_TRUE(nt.ok() && no.ok());
    ASSERT_EQ(nt.value(), no.value()) << v.comment;
    for (std::size_t i = 0; i < nt.value(); ++i) {
      EXPECT_EQ(ours[i].id, theirs[i].id) << v.comment << " record " << i;
      EXPECT_EQ(ours[i].offset, theirs[i].offset) << v.comment << " record " << i;
      EXPECT_EQ(ours[i].size, theirs[i].size) << v.comment << " record " << i;
    }
    EXPECT_EQ(out[8], v.bytes[8]);  // the command byte is echoed
  }
}

TEST(JkVectors, the_pb_status_payload_from_address_3_has_byte5_zero_and_decodes_as_32s) {
  const Vector& v = vector_named("STATUS_RESPONSE");
  ASSERT_EQ(v.bytes.size(), kFrameSize);
  EXPECT_EQ(v.bytes[5], 0x00);
  EXPECT_TRUE(decode_cell_info(v.bytes, Layout::jk02_32s).ok());
  const auto settings =
      decode_settings(vector_named("SETTINGS_RESPONSE").bytes, Layout::jk02_32s, kDefaults);
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings.value().raw(core::Param::device_address), 3);
}

TEST(JkVectors, the_b2a8s20p_11_26_settings_frame_holds_thresholds_in_their_documented_order) {
  const auto r =
      decode_settings(vector_named("JK-B2A8S20P-11.26-BLE-JK02_32S-settings-frame").bytes,
                      Layout::jk02_32s, kDefaults);
  ASSERT_TRUE(r.ok());
  const core::Settings& s = r.value();
  EXPECT_LT(s.raw(core::Param::cell_uvp), s.raw(core::Param::cell_uvpr));
  EXPECT_LT(s.raw(core::Param::cell_uvpr), s.raw(core::Param::cell_ovpr));
  EXPECT_LT(s.raw(core::Param::cell_ovpr), s.raw(core::Param::cell_ovp));
  EXPECT_GE(s.raw(core::Param::cell_count), 1);
  EXPECT_LE(s.raw(core::Param::cell_count), 8);
}

}  // namespace
}  // namespace softbms::protocols::jk
