// HMAC-SHA256 (RFC 2104) and PBKDF2-HMAC-SHA256 (RFC 8018): the salted, iterated password hash.
#pragma once

#include <cstdint>
#include <span>

#include "core/security/sha256.hpp"

namespace softbms::core {

// Keyed once; every mac() starts from the saved inner and outer states, so PBKDF2's many
// iterations cost two compressions each instead of four.
class HmacSha256 {
 public:
  explicit HmacSha256(std::span<const uint8_t> key);
  [[nodiscard]] Sha256Digest mac(std::span<const uint8_t> message) const;
  [[nodiscard]] Sha256Digest mac(std::span<const uint8_t> a, std::span<const uint8_t> b) const;

 private:
  Sha256 inner_;
  Sha256 outer_;
};

// Fills out (any length) with PBKDF2-HMAC-SHA256(password, salt, iterations).
// iterations = 0 is treated as 1.
void pbkdf2_sha256(std::span<const uint8_t> password, std::span<const uint8_t> salt,
                   uint32_t iterations, std::span<uint8_t> out);

}  // namespace softbms::core
