// A classic CAN frame and the little-endian field helpers every inverter codec shares.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/base/status.hpp"

namespace softbms::protocols::inverter {

inline constexpr uint32_t kMaxStandardId = 0x7FF;
inline constexpr uint32_t kMaxExtendedId = 0x1FFFFFFF;

struct CanFrame {
  uint32_t id = 0;
  bool extended = false;  // 29-bit identifier
  uint8_t dlc = 0;
  std::array<uint8_t, 8> data{};  // bytes past dlc are 0
  bool operator==(const CanFrame&) const = default;
};

constexpr CanFrame make_frame(uint32_t id, uint8_t dlc) {
  CanFrame f;
  f.id = id;
  f.dlc = dlc;
  return f;
}

constexpr void put_u16(CanFrame& f, std::size_t off, uint32_t v) {
  f.data[off] = static_cast<uint8_t>(v);
  f.data[off + 1] = static_cast<uint8_t>(v >> 8);
}
constexpr void put_s16(CanFrame& f, std::size_t off, int32_t v) {
  const int32_t c = v < -32768 ? -32768 : (v > 32767 ? 32767 : v);
  put_u16(f, off, static_cast<uint16_t>(static_cast<int16_t>(c)));
}
// Unsigned fields saturate instead of wrapping: 70000 on the wire as 4464 would lie.
constexpr void put_u16_sat(CanFrame& f, std::size_t off, int64_t v) {
  put_u16(f, off, static_cast<uint32_t>(v < 0 ? 0 : (v > 0xFFFF ? 0xFFFF : v)));
}
constexpr void put_u32(CanFrame& f, std::size_t off, uint32_t v) {
  put_u16(f, off, v & 0xFFFF);
  put_u16(f, off + 2, v >> 16);
}
constexpr uint16_t get_u16(const CanFrame& f, std::size_t off) {
  return static_cast<uint16_t>(f.data[off] | (f.data[off + 1] << 8));
}
constexpr int16_t get_s16(const CanFrame& f, std::size_t off) {
  return static_cast<int16_t>(get_u16(f, off));
}
constexpr uint32_t get_u32(const CanFrame& f, std::size_t off) {
  return get_u16(f, off) | (static_cast<uint32_t>(get_u16(f, off + 2)) << 16);
}
// Text into bytes [off, off + n), padded with `pad`.
constexpr void put_text(CanFrame& f, std::size_t off, std::size_t n, std::string_view s, char pad) {
  for (std::size_t i = 0; i < n; ++i) {
    f.data[off + i] = static_cast<uint8_t>(i < s.size() ? s[i] : pad);
  }
}

// Decoder errors. detail = the frame's DLC (wrong length) or id (wrong frame).
inline Status wrong_dlc(uint8_t dlc) {
  return Status(Errc::bad_value, dlc);
}
inline Status wrong_id(uint32_t id) {
  return Status(Errc::unknown_field, static_cast<uint16_t>(id));
}

}  // namespace softbms::protocols::inverter
