#include "core/store/crc32.hpp"

#include <array>

namespace softbms::core {
namespace {

// A nibble table: 64 bytes of flash instead of 1 KiB, fast enough for a few KiB per save.
constexpr std::array<uint32_t, 16> make_nibble_table() {
  std::array<uint32_t, 16> t{};
  for (uint32_t n = 0; n < 16; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 4; ++k) c = (c & 1u) != 0 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    t[n] = c;
  }
  return t;
}
constexpr std::array<uint32_t, 16> kNibble = make_nibble_table();

}  // namespace

uint32_t crc32_update(uint32_t state, std::span<const uint8_t> data) {
  for (uint8_t b : data) {
    state ^= b;
    state = (state >> 4) ^ kNibble[state & 0x0Fu];
    state = (state >> 4) ^ kNibble[state & 0x0Fu];
  }
  return state;
}

}  // namespace softbms::core
