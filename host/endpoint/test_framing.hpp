// A tiny length-carrying framing used by the endpoint tests and the echo server:
// A5 LEN PAYLOAD[LEN]. Bytes before an A5 are garbage. It stands in for 4E57 and 55AA frames,
// which also carry their length, without any JK knowledge.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

#include "host/endpoint/frame_assembler.hpp"

namespace softbms::host::echo_framing {

inline constexpr uint8_t kStart = 0xA5;
inline constexpr uint8_t kReplyStart = 0x5A;

inline FrameCheck size_frame(std::span<const uint8_t> b, bool /*line_idle*/) {
  if (b[0] != kStart) {
    const auto next = std::find(b.begin(), b.end(), kStart);
    return {FrameStatus::garbage, static_cast<size_t>(next - b.begin())};
  }
  if (b.size() < 2) return {FrameStatus::incomplete, 0};
  const size_t total = size_t{2} + b[1];
  return b.size() >= total ? FrameCheck{FrameStatus::complete, total}
                           : FrameCheck{FrameStatus::incomplete, 0};
}

}  // namespace softbms::host::echo_framing
