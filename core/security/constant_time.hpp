// Comparison whose time does not depend on where two secrets differ, and a wipe the compiler
// may not remove.
#pragma once

#include <cstdint>
#include <span>

namespace softbms::core {

// True when a and b have the same length and bytes. Every byte is visited whatever the data.
inline bool equal_constant_time(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) return false;  // lengths are public (fixed-size digests)
  uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff = static_cast<uint8_t>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

// Overwrites a buffer that held a password or an intermediate of its hash.
inline void secure_wipe(std::span<uint8_t> buffer) {
  volatile uint8_t* p = buffer.data();
  for (std::size_t i = 0; i < buffer.size(); ++i) p[i] = 0;
}

}  // namespace softbms::core
