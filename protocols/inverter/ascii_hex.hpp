// Hexadecimal text as both ASCII protocols here write it (SLCAN lines, Pylontech RS485 frames).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace softbms::protocols::inverter {

inline constexpr char kHexDigits[] = "0123456789ABCDEF";

// The value of a run of hex digits (either case); nothing for any other character.
constexpr std::optional<uint32_t> parse_hex(std::string_view s) {
  uint32_t v = 0;
  for (char c : s) {
    uint32_t d = 0;
    if (c >= '0' && c <= '9') {
      d = static_cast<uint32_t>(c - '0');
    } else if (c >= 'A' && c <= 'F') {
      d = static_cast<uint32_t>(c - 'A' + 10);
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<uint32_t>(c - 'a' + 10);
    } else {
      return std::nullopt;
    }
    v = (v << 4) | d;
  }
  return v;
}

}  // namespace softbms::protocols::inverter
