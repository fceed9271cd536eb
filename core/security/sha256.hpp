// SHA-256 (FIPS 180-4), portable and heap-free: the base of password hashing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace softbms::core {

inline constexpr std::size_t kSha256DigestSize = 32;
inline constexpr std::size_t kSha256BlockSize = 64;
using Sha256Digest = std::array<uint8_t, kSha256DigestSize>;

class Sha256 {
 public:
  Sha256() { reset(); }
  void reset();
  void update(std::span<const uint8_t> data);
  void update(std::string_view text);
  // Pads, returns the digest and resets, so the object can hash the next message.
  Sha256Digest finish();

 private:
  void compress(std::span<const uint8_t, kSha256BlockSize> block);
  std::array<uint32_t, 8> state_{};
  std::array<uint8_t, kSha256BlockSize> buffer_{};
  std::size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

Sha256Digest sha256(std::span<const uint8_t> data);
Sha256Digest sha256(std::string_view text);

inline std::span<const uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

}  // namespace softbms::core
