// The 300-byte 55 AA EB 90 frame that BLE and JK-PB RS485 share ([ESPHOME], [DSB]):
// header, frame type, byte 5, payload, sum8 at byte 299.
#pragma once

#include <array>
#include <cstdint>

#include "protocols/jk/wire.hpp"

namespace softbms::protocols::jk {

inline constexpr std::size_t kFrameSize = 300;
// Some firmwares send 20 trailing bytes; the checksum still sits at byte 299.
inline constexpr std::size_t kLongFrameSize = 320;
using Frame = std::array<uint8_t, kFrameSize>;
using FrameOut = std::span<uint8_t, kFrameSize>;

// JK02_24S: firmware < 11 (24 cell slots). JK02_32S: firmware >= 11 and every JK-PB (32 slots).
// JK04: the old float32 protocol (decode only).
enum class Layout : uint8_t { jk02_24s, jk02_32s, jk04 };
inline constexpr std::size_t cell_slots(Layout l) {
  return l == Layout::jk02_24s ? 24 : 32;
}

enum class FrameType : uint8_t {
  settings = 0x01,
  cell_info = 0x02,
  device_info = 0x03,
  logbook = 0x05
};

// Byte 5 is a frame counter on BLE but must be 0x00 on RS485 (dbus-serialbattery reads bytes
// 4-5 as one u16 type and rejects anything else).
enum class Link : uint8_t { ble, rs485 };
struct FrameStamp {
  Link link = Link::ble;
  uint8_t counter = 0;  // used on BLE only
};

// Header, type and byte 5; everything else zero. The caller fills the payload and seals.
void begin_frame(FrameOut out, FrameType type, FrameStamp stamp);
// Writes sum8 of bytes 0..298 into byte 299.
void seal_frame(FrameOut out);

// Checks length (300 or 320), header, checksum and, when given, the frame type.
Status check_frame(Bytes frame);
Status check_frame(Bytes frame, FrameType expected);
// The frame type byte of a frame that passed check_frame.
inline FrameType frame_type(Bytes frame) {
  return static_cast<FrameType>(frame[4]);
}

// 32S cell-info frames carry a non-zero byte 287 (0xFE on every real capture); 24S carry 0.
// dbus-serialbattery picks the layout from it, and so does this decoder when asked to guess.
Layout guess_cell_info_layout(Bytes frame);

}  // namespace softbms::protocols::jk
