// The BLE parts that need no bus: addresses and paths, and the rebuilding of frames from
// notifications as a JK board sends them.
#include <gtest/gtest.h>

#include <vector>

#include "host/ble/address.hpp"
#include "host/ble/notify_assembler.hpp"
#include "host/ble/scan.hpp"
#include "protocols/jk/ble_command.hpp"
#include "protocols/jk/frame.hpp"

namespace softbms::host::ble {
namespace {

namespace jk = protocols::jk;

TEST(BleAddress, parses_either_case_and_separator_and_names_bad_input) {
  auto a = parse_address("c8:47:80:12:34:5F");
  ASSERT_TRUE(a);
  EXPECT_EQ(format_address(a.value()), "C8:47:80:12:34:5F");
  EXPECT_EQ(device_path("hci0", a.value()), "/org/bluez/hci0/dev_C8_47_80_12_34_5F");
  EXPECT_TRUE(parse_address("C8-47-80-12-34-5F"));
  for (const char* bad : {"", "C8:47:80:12:34", "C8:47:80:12:34:5G", "C8:47:80:12:34:5F:00",
                          "C8.47.80.12.34.5F", "C8:47:80:12:345F "}) {
    auto r = parse_address(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().part, "address");
  }
  EXPECT_TRUE(check_adapter_name("hci12"));
  EXPECT_FALSE(check_adapter_name("hci"));
  EXPECT_FALSE(check_adapter_name("../x"));
  EXPECT_EQ(uuid16(kJkService), "0000ffe0-0000-1000-8000-00805f9b34fb");
}

TEST(BleScan, a_jk_board_is_known_by_its_service_or_its_name) {
  EXPECT_TRUE(looks_like_jk("JK_B2A8S20P", {}));
  EXPECT_TRUE(looks_like_jk("garage", {uuid16(0xFFE0)}));
  EXPECT_FALSE(looks_like_jk("garage", {uuid16(0x180F)}));
}

std::vector<uint8_t> sealed(jk::FrameType type, uint8_t fill) {
  jk::Frame f{};
  jk::begin_frame(f, type, {});
  for (std::size_t i = 6; i < 299; ++i) f[i] = static_cast<uint8_t>(fill + i);
  jk::seal_frame(f);
  return {f.begin(), f.end()};
}

struct Collected {
  std::vector<std::vector<uint8_t>> messages;
  NotifyAssembler assembler{
      [this](std::span<const uint8_t> m) { messages.emplace_back(m.begin(), m.end()); }};
  void feed_in_pieces(const std::vector<uint8_t>& bytes, std::size_t piece) {
    for (std::size_t at = 0; at < bytes.size(); at += piece)
      assembler.feed(std::span(bytes).subspan(at, std::min(piece, bytes.size() - at)));
  }
};

TEST(NotifyAssembler, rebuilds_frames_from_20_byte_and_larger_notifications) {
  const auto info = sealed(jk::FrameType::device_info, 1);
  const auto cells = sealed(jk::FrameType::cell_info, 2);
  for (std::size_t piece : {20u, 23u, 182u, 244u, 300u}) {
    Collected c;
    c.feed_in_pieces(info, piece);
    c.feed_in_pieces(cells, piece);
    ASSERT_EQ(c.messages.size(), 2u) << piece;
    EXPECT_EQ(c.messages[0], info);
    EXPECT_EQ(c.messages[1], cells);
    EXPECT_EQ(c.assembler.counts().dropped, 0u);
  }
}

TEST(NotifyAssembler, drops_half_frames_bad_sums_and_the_20_trailing_bytes) {
  const auto cells = sealed(jk::FrameType::cell_info, 3);
  Collected c;
  // Half a frame, then a new frame: the half is dropped, the new one comes through.
  c.feed_in_pieces(std::vector<uint8_t>(cells.begin(), cells.begin() + 140), 20);
  c.feed_in_pieces(cells, 20);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.assembler.counts().dropped, 140u);
  // A 320-byte frame: the sum sits at 299; the 20 bytes after it are dropped.
  auto long_frame = cells;
  long_frame.resize(320, 0xEE);
  c.feed_in_pieces(long_frame, 20);
  ASSERT_EQ(c.messages.size(), 2u);
  EXPECT_EQ(c.messages[1], cells);
  EXPECT_EQ(c.assembler.counts().dropped, 160u);
  // A wrong sum: nothing comes out.
  auto bad = cells;
  bad[100] ^= 0x01;
  c.feed_in_pieces(bad, 20);
  EXPECT_EQ(c.messages.size(), 2u);
  EXPECT_EQ(c.assembler.counts().dropped, 460u);
}

TEST(NotifyAssembler, a_write_acknowledge_is_one_message_of_its_own) {
  jk::CommandFrame ack{};
  jk::encode_ble_request(0xC8, ack);
  Collected c;
  c.assembler.feed(ack);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0], std::vector<uint8_t>(ack.begin(), ack.end()));
  EXPECT_EQ(c.assembler.counts().acks, 1u);
}

}  // namespace
}  // namespace softbms::host::ble
