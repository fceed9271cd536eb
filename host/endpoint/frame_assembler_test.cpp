#include "host/endpoint/frame_assembler.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "host/endpoint/test_framing.hpp"

namespace softbms::host {
namespace {

using namespace softbms::literals;
using Bytes = std::vector<uint8_t>;

struct Collector {
  std::vector<Bytes> frames;
  FrameAssembler make(FrameSizer sizer, Milliseconds timeout = 50_ms, size_t max_frame = 64) {
    return FrameAssembler(
        {std::move(sizer), timeout, max_frame},
        [this](std::span<const uint8_t> f) { frames.emplace_back(f.begin(), f.end()); });
  }
};

TEST(FrameAssembler, concatenated_frames_in_one_read_come_out_one_by_one) {
  Collector c;
  auto a = c.make(echo_framing::size_frame);
  a.feed(Bytes{0xA5, 2, 0x11, 0x22, 0xA5, 0, 0xA5, 1, 0x33}, 0_ms);
  ASSERT_EQ(c.frames.size(), 3u);
  EXPECT_EQ(c.frames[0], (Bytes{0xA5, 2, 0x11, 0x22}));
  EXPECT_EQ(c.frames[1], (Bytes{0xA5, 0}));
  EXPECT_EQ(c.frames[2], (Bytes{0xA5, 1, 0x33}));
  EXPECT_EQ(a.buffered(), 0u);
  EXPECT_EQ(a.counters().frames, 3u);
  EXPECT_FALSE(a.deadline().has_value());
}

TEST(FrameAssembler, fragments_within_the_timeout_are_joined_into_one_frame) {
  Collector c;
  auto a = c.make(echo_framing::size_frame, 50_ms);
  a.feed(Bytes{0xA5}, 0_ms);
  a.feed(Bytes{3, 0x01}, 40_ms);
  EXPECT_EQ(a.deadline(), 90_ms);  // the timeout runs from the last byte, not the first
  a.on_time(89_ms);
  a.feed(Bytes{0x02, 0x03, 0xA5}, 89_ms);
  ASSERT_EQ(c.frames.size(), 1u);
  EXPECT_EQ(c.frames[0], (Bytes{0xA5, 3, 0x01, 0x02, 0x03}));
  EXPECT_EQ(a.buffered(), 1u);  // the start of the next frame waits
}

TEST(FrameAssembler, garbage_before_and_between_frames_is_dropped_and_counted) {
  Collector c;
  auto a = c.make(echo_framing::size_frame);
  a.feed(Bytes{0x00, 0xFF, 0x13, 0xA5, 1, 0x44, 0x77, 0x88, 0xA5, 0}, 0_ms);
  ASSERT_EQ(c.frames.size(), 2u);
  EXPECT_EQ(c.frames[0], (Bytes{0xA5, 1, 0x44}));
  EXPECT_EQ(c.frames[1], (Bytes{0xA5, 0}));
  EXPECT_EQ(a.counters().garbage_bytes, 5u);
}

TEST(FrameAssembler, partial_frame_is_dropped_after_the_inter_byte_timeout_and_not_before) {
  Collector c;
  auto a = c.make(echo_framing::size_frame, 50_ms);
  a.feed(Bytes{0xA5, 4, 0x01}, 100_ms);
  a.on_time(149_ms);
  EXPECT_EQ(a.buffered(), 3u);
  a.on_time(150_ms);
  EXPECT_EQ(a.buffered(), 0u);
  EXPECT_EQ(a.counters().timed_out_bytes, 3u);
  a.feed(Bytes{0x02, 0x03, 0x04}, 160_ms);  // the rest of the old frame, now garbage
  a.feed(Bytes{0xA5, 0}, 170_ms);
  ASSERT_EQ(c.frames.size(), 1u);
  EXPECT_EQ(c.frames[0], (Bytes{0xA5, 0}));
  EXPECT_EQ(a.counters().garbage_bytes, 3u);
}

TEST(FrameAssembler, late_bytes_after_silence_never_join_a_stale_fragment_even_without_a_timer) {
  Collector c;
  auto a = c.make(echo_framing::size_frame, 50_ms);
  a.feed(Bytes{0xA5, 3}, 0_ms);
  a.feed(Bytes{0xA5, 1, 0x09}, 200_ms);  // no on_time() call in between
  ASSERT_EQ(c.frames.size(), 1u);
  EXPECT_EQ(c.frames[0], (Bytes{0xA5, 1, 0x09}));
  EXPECT_EQ(a.counters().timed_out_bytes, 2u);
}

// Modbus RTU style: no length in some frames, the frame ends with silence.
FrameCheck silence_delimited(std::span<const uint8_t> b, bool line_idle) {
  if (line_idle) return {FrameStatus::complete, b.size()};
  return {FrameStatus::incomplete, 0};
}

TEST(FrameAssembler, silence_delimited_frame_is_completed_by_the_timeout) {
  Collector c;
  auto a = c.make(silence_delimited, 20_ms);
  a.feed(Bytes{0x01, 0x03, 0x00}, 0_ms);
  a.feed(Bytes{0x00, 0x00, 0x01, 0x84, 0x0A}, 5_ms);
  EXPECT_TRUE(c.frames.empty());
  a.on_time(25_ms);
  ASSERT_EQ(c.frames.size(), 1u);
  EXPECT_EQ(c.frames[0], (Bytes{0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0x84, 0x0A}));
  EXPECT_EQ(a.counters().timed_out_bytes, 0u);
}

TEST(FrameAssembler, endless_incomplete_data_is_resynchronised_after_max_frame) {
  Collector c;
  auto a = c.make(echo_framing::size_frame, 50_ms, 8);
  // A5 FF claims 255 bytes; more than 8 buffered means that start was wrong.
  Bytes junk = {0xA5, 0xFF, 1, 2, 3, 4, 5, 6, 7, 0xA5, 1, 0x42};
  a.feed(junk, 0_ms);
  ASSERT_EQ(c.frames.size(), 1u);
  EXPECT_EQ(c.frames[0], (Bytes{0xA5, 1, 0x42}));
  EXPECT_EQ(a.counters().overflow_bytes + a.counters().garbage_bytes, 9u);
}

TEST(FrameAssembler, a_sizer_claiming_more_bytes_than_buffered_cannot_stall_the_stream) {
  Collector c;
  int calls = 0;
  auto a = c.make([&](std::span<const uint8_t> b, bool) {
    ++calls;
    return FrameCheck{FrameStatus::complete, b.size() + 5};
  });
  a.feed(Bytes{1, 2, 3}, 0_ms);
  EXPECT_TRUE(c.frames.empty());
  EXPECT_EQ(a.buffered(), 0u);
  EXPECT_EQ(a.counters().garbage_bytes, 3u);
  EXPECT_EQ(calls, 3);
}

TEST(FrameAssembler, modbus_silence_is_three_and_a_half_11_bit_characters_up_to_19200_baud) {
  EXPECT_EQ(modbus_rtu_silence(9600), Microseconds(4011));
  EXPECT_EQ(modbus_rtu_silence(19200), Microseconds(2006));
  EXPECT_EQ(modbus_rtu_silence(115200), Microseconds(1750));
  EXPECT_EQ(host_inter_byte_timeout(modbus_rtu_silence(9600), 1_ms), 5_ms);
  EXPECT_EQ(host_inter_byte_timeout(modbus_rtu_silence(115200)), 20_ms);
}

}  // namespace
}  // namespace softbms::host
