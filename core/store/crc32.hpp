// CRC-32 (IEEE 802.3, reflected 0xEDB88320, as zlib): guards every stored record.
#pragma once

#include <cstdint>
#include <span>

namespace softbms::core {

// Incremental: start with kCrc32Init, feed any number of chunks, finish with crc32_final.
inline constexpr uint32_t kCrc32Init = 0xFFFFFFFFu;
uint32_t crc32_update(uint32_t state, std::span<const uint8_t> data);
constexpr uint32_t crc32_final(uint32_t state) {
  return state ^ 0xFFFFFFFFu;
}
inline uint32_t crc32(std::span<const uint8_t> data) {
  return crc32_final(crc32_update(kCrc32Init, data));
}

}  // namespace softbms::core
