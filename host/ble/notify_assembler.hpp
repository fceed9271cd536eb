// Rebuilds what a JK board sends over BLE from its notifications. A board splits each 300-byte
// 55 AA EB 90 frame into notifications of the link's payload size (20 bytes on the default MTU,
// more after an MTU exchange); every frame starts a new notification. A write acknowledge is
// one 20-byte AA 55 90 EB notification. Some firmwares send 20 bytes more after a frame
// (320 in all; the sum stays at byte 299): they are dropped.
//
// Rules, as BLE clients keep them: a notification that starts with the frame header drops a
// half frame before it; a frame is given out once 300 bytes are in and its sum8 is right; a
// frame with a wrong sum, and bytes that start nothing, are dropped and counted.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace softbms::host::ble {

struct AssemblerCounts {
  uint64_t frames = 0;   // 55AA frames given out
  uint64_t acks = 0;     // 20-byte AA55 messages given out
  uint64_t dropped = 0;  // bytes thrown away (half frames, bad sums, trailing bytes, noise)
};

class NotifyAssembler {
 public:
  using Sink = std::function<void(std::span<const uint8_t> message)>;
  explicit NotifyAssembler(Sink sink) : sink_(std::move(sink)) {}

  // One notification's value, in the order they came.
  void feed(std::span<const uint8_t> notification);
  // Forgets a half frame (the link went down).
  void reset();
  [[nodiscard]] const AssemblerCounts& counts() const { return counts_; }

 private:
  Sink sink_;
  std::vector<uint8_t> frame_;  // the frame being rebuilt; empty between frames
  AssemblerCounts counts_;
};

}  // namespace softbms::host::ble
