#include "host/ble/notify_assembler.hpp"

#include <algorithm>

#include "protocols/jk/ble_command.hpp"
#include "protocols/jk/frame.hpp"

namespace softbms::host::ble {
namespace {

namespace jk = protocols::jk;

constexpr uint8_t kFrameHeader[] = {0x55, 0xAA, 0xEB, 0x90};
constexpr uint8_t kCommandHeader[] = {0xAA, 0x55, 0x90, 0xEB};

bool starts_with(std::span<const uint8_t> bytes, std::span<const uint8_t> head) {
  return bytes.size() >= head.size() && std::equal(head.begin(), head.end(), bytes.begin());
}

}  // namespace

void NotifyAssembler::reset() {
  counts_.dropped += frame_.size();
  frame_.clear();
}

void NotifyAssembler::feed(std::span<const uint8_t> n) {
  if (starts_with(n, kFrameHeader)) {
    reset();  // a new frame: what was half built before it will never complete
  } else if (frame_.empty()) {
    if (n.size() == jk::kCommandSize && starts_with(n, kCommandHeader)) {
      ++counts_.acks;
      sink_(n);
    } else {
      counts_.dropped += n.size();  // trailing bytes of a 320-byte frame, or noise
    }
    return;
  }
  // Never hold more than one frame: a notification larger than what is missing brings
  // trailing bytes, which are dropped after the frame is complete.
  const std::size_t take = std::min(n.size(), jk::kFrameSize - frame_.size());
  frame_.insert(frame_.end(), n.begin(), n.begin() + static_cast<std::ptrdiff_t>(take));
  counts_.dropped += n.size() - take;
  if (frame_.size() < jk::kFrameSize) return;
  if (jk::check_frame(frame_).ok()) {
    ++counts_.frames;
    sink_(frame_);
    frame_.clear();
  } else {
    reset();
  }
}

}  // namespace softbms::host::ble
