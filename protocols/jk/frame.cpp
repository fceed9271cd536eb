#include "protocols/jk/frame.hpp"

namespace softbms::protocols::jk {
namespace {

constexpr std::array<uint8_t, 4> kHeader = {0x55, 0xAA, 0xEB, 0x90};

}  // namespace

void begin_frame(FrameOut out, FrameType type, FrameStamp stamp) {
  for (auto& b : out) b = 0;
  for (std::size_t i = 0; i < kHeader.size(); ++i) out[i] = kHeader[i];
  out[4] = static_cast<uint8_t>(type);
  out[5] = stamp.link == Link::ble ? stamp.counter : 0;
}

void seal_frame(FrameOut out) {
  out[kFrameSize - 1] = sum8(Bytes(out).first(kFrameSize - 1));
}

Status check_frame(Bytes frame) {
  if (frame.size() != kFrameSize && frame.size() != kLongFrameSize)
    return wrong_length(frame.size());
  for (std::size_t i = 0; i < kHeader.size(); ++i) {
    if (frame[i] != kHeader[i]) return bad_header();
  }
  if (sum8(frame.first(kFrameSize - 1)) != frame[kFrameSize - 1]) return bad_checksum();
  return ok_status();
}

Status check_frame(Bytes frame, FrameType expected) {
  const Status s = check_frame(frame);
  if (!s.ok()) return s;
  if (frame_type(frame) != expected) return unknown_register(frame[4]);
  return ok_status();
}

Layout guess_cell_info_layout(Bytes frame) {
  return frame[287] != 0 ? Layout::jk02_32s : Layout::jk02_24s;
}

}  // namespace softbms::protocols::jk
