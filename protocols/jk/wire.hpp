// Byte-level helpers shared by every JK codec: little- and big-endian fields, the three
// checksums JK uses (sum8, sum16, CRC-16/MODBUS) and the error values codecs return.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/base/status.hpp"

namespace softbms::protocols::jk {

using Bytes = std::span<const uint8_t>;
using MutBytes = std::span<uint8_t>;

// Codec errors, as Status values. detail = the offending size, register or offset.
inline Status wrong_length(std::size_t size) {
  return Status(Errc::bad_value, static_cast<uint16_t>(size > 0xFFFF ? 0xFFFF : size));
}
inline Status bad_header() {
  return Status(Errc::bad_value, 0, 1);
}
inline Status bad_checksum() {
  return Status(Errc::corrupt);
}
inline Status unknown_register(uint32_t reg) {
  return Status(Errc::unknown_field, static_cast<uint16_t>(reg));
}
inline Status value_out_of_range(uint32_t reg) {
  return Status(Errc::out_of_range, static_cast<uint16_t>(reg));
}
inline Status buffer_too_small(std::size_t need) {
  return Status(Errc::no_space, static_cast<uint16_t>(need > 0xFFFF ? 0xFFFF : need));
}

constexpr uint32_t get_le(Bytes b, std::size_t off, std::size_t n) {
  uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= static_cast<uint32_t>(b[off + i]) << (8 * i);
  return v;
}
constexpr uint32_t get_be(Bytes b, std::size_t off, std::size_t n) {
  uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | b[off + i];
  return v;
}
constexpr void put_le(MutBytes b, std::size_t off, std::size_t n, uint32_t v) {
  for (std::size_t i = 0; i < n; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
constexpr void put_be(MutBytes b, std::size_t off, std::size_t n, uint32_t v) {
  for (std::size_t i = 0; i < n; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * (n - 1 - i)));
}
// Two's complement of an n-byte field.
constexpr int32_t sign_extend(uint32_t v, std::size_t n) {
  if (n >= 4) return static_cast<int32_t>(v);
  const uint32_t sign = uint32_t{1} << (8 * n - 1);
  return static_cast<int32_t>((v ^ sign)) - static_cast<int32_t>(sign);
}

constexpr uint8_t sum8(Bytes b) {
  uint32_t s = 0;
  for (uint8_t x : b) s += x;
  return static_cast<uint8_t>(s);
}
constexpr uint16_t sum16(Bytes b) {
  uint32_t s = 0;
  for (uint8_t x : b) s += x;
  return static_cast<uint16_t>(s);
}
constexpr uint16_t crc16_modbus(Bytes b) {
  uint16_t crc = 0xFFFF;
  for (uint8_t x : b) {
    crc ^= x;
    for (int i = 0; i < 8; ++i)
      crc = (crc & 1) != 0 ? static_cast<uint16_t>((crc >> 1) ^ 0xA001)
                           : static_cast<uint16_t>(crc >> 1);
  }
  return crc;
}

// ASCII text in a NUL-padded field. Decoding stops at the first NUL or non-printable byte, so
// stale buffer bytes some firmwares leave behind never reach a string.
constexpr void put_text(MutBytes b, std::size_t off, std::size_t n, std::string_view s) {
  for (std::size_t i = 0; i < n; ++i) b[off + i] = i < s.size() ? static_cast<uint8_t>(s[i]) : 0;
}
inline std::string_view get_text(Bytes b, std::size_t off, std::size_t n) {
  std::size_t len = 0;
  while (len < n && b[off + len] >= 0x20 && b[off + len] < 0x7F) ++len;
  return {reinterpret_cast<const char*>(b.data() + off), len};
}

}  // namespace softbms::protocols::jk
