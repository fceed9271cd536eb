#include "core/security/hmac.hpp"

#include <algorithm>

#include "core/security/constant_time.hpp"

namespace softbms::core {

HmacSha256::HmacSha256(std::span<const uint8_t> key) {
  std::array<uint8_t, kSha256BlockSize> block{};
  if (key.size() > kSha256BlockSize) {
    const Sha256Digest k = sha256(key);
    std::copy(k.begin(), k.end(), block.begin());
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<uint8_t, kSha256BlockSize> pad{};
  for (std::size_t i = 0; i < pad.size(); ++i) pad[i] = static_cast<uint8_t>(block[i] ^ 0x36);
  inner_.update(pad);
  for (std::size_t i = 0; i < pad.size(); ++i) pad[i] = static_cast<uint8_t>(block[i] ^ 0x5c);
  outer_.update(pad);
  secure_wipe(block);
  secure_wipe(pad);
}

Sha256Digest HmacSha256::mac(std::span<const uint8_t> message) const {
  return mac(message, {});
}

Sha256Digest HmacSha256::mac(std::span<const uint8_t> a, std::span<const uint8_t> b) const {
  Sha256 inner = inner_;
  inner.update(a);
  inner.update(b);
  const Sha256Digest inner_digest = inner.finish();
  Sha256 outer = outer_;
  outer.update(inner_digest);
  return outer.finish();
}

void pbkdf2_sha256(std::span<const uint8_t> password, std::span<const uint8_t> salt,
                   uint32_t iterations, std::span<uint8_t> out) {
  const HmacSha256 prf(password);
  const uint32_t rounds = iterations == 0 ? 1 : iterations;
  for (uint32_t block = 1; !out.empty(); ++block) {
    const std::array<uint8_t, 4> index = {
        static_cast<uint8_t>(block >> 24), static_cast<uint8_t>(block >> 16),
        static_cast<uint8_t>(block >> 8), static_cast<uint8_t>(block)};
    Sha256Digest u = prf.mac(salt, index);
    Sha256Digest t = u;
    for (uint32_t i = 1; i < rounds; ++i) {
      u = prf.mac(u);
      for (std::size_t k = 0; k < t.size(); ++k) t[k] ^= u[k];
    }
    const std::size_t n = out.size() < t.size() ? out.size() : t.size();
    std::copy(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(n), out.begin());
    out = out.subspan(n);
    secure_wipe(u);
    secure_wipe(t);
  }
}

}  // namespace softbms::core
