#include "protocols/inverter/slcan.hpp"

#include <gtest/gtest.h>

#include <string>

#include "protocols/inverter/test_support.hpp"

namespace softbms::protocols::inverter {
namespace {

std::string encoded(const CanFrame& f) {
  std::array<char, kSlcanMaxLine> buf{};
  const Result<std::size_t> n = slcan_encode(f, buf);
  EXPECT_TRUE(n.ok());
  return std::string(buf.data(), n.value_or(0));
}

CanFrame limits_sample() {
  CanFrame f = make_frame(0x351, 8);
  f.data = {0x28, 0x02, 0xF4, 0x01, 0x20, 0x03, 0xE0, 0x01};
  return f;
}

TEST(Slcan, a_standard_frame_is_t_id_dlc_data_cr) {
  EXPECT_EQ(encoded(limits_sample()), "t35182802F4012003E001\r");
}

TEST(Slcan, python_cans_keepalive_line_decodes_to_an_all_zero_0x305) {
  const Result<SlcanMessage> m = slcan_decode("t30580000000000000000\r");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m.value().kind, SlcanKind::frame);
  EXPECT_EQ(m.value().frame, make_frame(0x305, 8));
  EXPECT_EQ(slcan_reply(m), "z\r");
}

TEST(Slcan, standard_and_extended_frames_round_trip) {
  CanFrame ext = make_frame(0x1ABCDE0F, 3);
  ext.extended = true;
  ext.data[0] = 0x01;
  ext.data[1] = 0xA0;
  ext.data[2] = 0xff;
  for (const CanFrame& f : {limits_sample(), ext, make_frame(0x7FF, 0)}) {
    const std::string line = encoded(f);
    const Result<SlcanMessage> m = slcan_decode(line);
    ASSERT_TRUE(m.ok()) << line;
    EXPECT_EQ(m.value().frame, f) << line;
  }
  EXPECT_EQ(encoded(ext), "T1ABCDE0F301A0FF\r");
  EXPECT_EQ(slcan_decode("t3510").value().frame, make_frame(0x351, 0));  // no \r is fine too
  EXPECT_EQ(slcan_decode("t35112a").value().frame.data[0], 0x2A);        // lower-case hex accepted
}

TEST(Slcan, adapter_commands_decode_and_get_their_replies) {
  EXPECT_EQ(slcan_decode("O\r").value().kind, SlcanKind::open);
  EXPECT_EQ(slcan_decode("C\r").value().kind, SlcanKind::close);
  EXPECT_EQ(slcan_decode("L\r").value().kind, SlcanKind::listen_only);
  const Result<SlcanMessage> s6 = slcan_decode("S6\r");
  ASSERT_TRUE(s6.ok());
  EXPECT_EQ(s6.value().bitrate, 500'000U);
  EXPECT_EQ(slcan_reply(s6), "\r");
  EXPECT_EQ(slcan_decode("S8").value().bitrate, 1'000'000U);
  EXPECT_EQ(slcan_reply(slcan_decode("V")), "V0101\r");
  const Result<SlcanMessage> r = slcan_decode("r3518");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().kind, SlcanKind::remote_frame);
  EXPECT_EQ(r.value().frame.dlc, 8);
}

TEST(Slcan, bad_lines_are_refused_with_bel) {
  const char* bad[] = {
      "",  "\r", "t35",  "t3519000000000000000000", "t351811", "tXYZ0", "t8000", "T200000000", "S9",
      "S", "Ox", "x123", "t35182802F4012003E0011"};
  for (const char* line : bad) {
    const Result<SlcanMessage> m = slcan_decode(line);
    EXPECT_FALSE(m.ok()) << line;
    EXPECT_EQ(slcan_reply(m), "\a") << line;
  }
  EXPECT_EQ(slcan_decode("S9").status().code(), Errc::unknown_field);
  EXPECT_EQ(slcan_decode("t3519").status().code(), Errc::bad_value);  // DLC 9
}

TEST(Slcan, encode_refuses_a_small_buffer_and_a_bad_frame) {
  std::array<char, 10> small{};
  EXPECT_EQ(slcan_encode(limits_sample(), small).status().code(), Errc::no_space);
  std::array<char, kSlcanMaxLine> buf{};
  CanFrame f = make_frame(0x800, 0);
  EXPECT_EQ(slcan_encode(f, buf).status().code(), Errc::bad_value);
  f = make_frame(0x100, 9);
  EXPECT_EQ(slcan_encode(f, buf).status().code(), Errc::bad_value);
}

TEST(Slcan, line_reader_splits_a_stream_and_drops_overlong_lines) {
  SlcanLineReader reader;
  const std::string stream = "O\rS6\r" + std::string(40, 'A') + "\rt3050\r";
  std::vector<std::string> lines;
  for (char c : stream) {
    const std::string_view l = reader.push(c);
    if (!l.empty()) lines.emplace_back(l);
  }
  EXPECT_EQ(lines, (std::vector<std::string>{"O", "S6", "t3050"}));
  EXPECT_EQ(reader.dropped(), 1U);
}

}  // namespace
}  // namespace softbms::protocols::inverter
