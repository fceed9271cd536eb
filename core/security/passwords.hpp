// The two JK credentials ([M-B2A] 5.3.1): the connection password (default "1234") and the
// settings password (default "123456"), independent of each other. They are held only as
// salted PBKDF2-HMAC-SHA256 hashes; nothing here returns a password or a hash except the
// record handed to the store.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include "core/base/status.hpp"
#include "core/base/units.hpp"
#include "core/io/command.hpp"
#include "core/security/sha256.hpp"

namespace softbms::core {

inline constexpr std::string_view kDefaultConnectionPassword = "1234";
inline constexpr std::string_view kDefaultSettingsPassword = "123456";
// 4 to 16 characters from '!' (0x21) to '~' (0x7E): printable ASCII without the space, which
// app and web forms tend to trim and so would lock a user out of their own board.
inline constexpr std::size_t kPasswordMinLength = 4;
inline constexpr std::size_t kPasswordMaxLength = 16;
// Five wrong attempts in a row lock that credential for 60 s.
inline constexpr uint8_t kMaxWrongAttempts = 5;
inline constexpr Milliseconds kLockoutTime{60'000};
// PBKDF2 iterations: about 2000 SHA-256 compressions per check, roughly 30-80 ms on a
// Cortex-M4F at 64-168 MHz, so a check fits in one control period. See the docs for why more
// would not buy real protection for 4-digit PINs.
inline constexpr uint32_t kPasswordIterations = 1000;
inline constexpr uint32_t kMaxPasswordIterations = 100'000;  // refuse records that would stall
inline constexpr std::size_t kSaltSize = 16;
inline constexpr std::size_t kPasswordKinds = 2;

bool valid_password_text(std::string_view text);

struct PasswordCredential {
  std::array<uint8_t, kSaltSize> salt{};
  Sha256Digest hash{};
  uint32_t generation = 0;  // times changed; feeds the next salt
  bool operator==(const PasswordCredential&) const = default;
};

inline constexpr uint16_t kPasswordRecordVersion = 1;
struct PasswordRecord {
  uint16_t version = kPasswordRecordVersion;
  uint32_t iterations = kPasswordIterations;
  std::array<PasswordCredential, kPasswordKinds> credentials{};  // by PasswordKind
  bool operator==(const PasswordRecord&) const = default;
};
static_assert(std::is_trivially_copyable_v<PasswordRecord>);

// Stored form, little-endian: u16 version, u32 iterations, then per credential (connection,
// settings): 16 bytes salt, 32 bytes hash, u32 generation.
inline constexpr std::size_t kPasswordRecordSize = 2 + 4 + kPasswordKinds * (kSaltSize + 32 + 4);
Result<std::size_t> encode_password_record(const PasswordRecord& r, std::span<uint8_t> out);
Result<PasswordRecord> decode_password_record(std::span<const uint8_t> in);

class Passwords {
 public:
  // Factory defaults. entropy (any length, from the host's RNG or a chip's unique id and ADC
  // noise) makes the salts unique to this board; the core has no RNG of its own.
  explicit Passwords(std::span<const uint8_t> entropy = {});

  // Adopts a stored record. Errc::corrupt (and nothing changes) for an unknown version or an
  // iteration count outside 1..kMaxPasswordIterations. Lock state is not stored: it restarts.
  Status restore(const PasswordRecord& record);
  // Mixes more host entropy into the salts of later changes.
  void add_entropy(std::span<const uint8_t> entropy);

  // Errc::wrong_password (detail = attempts left before the lock) or Errc::locked (detail =
  // seconds until the lock ends). The fifth wrong attempt in a row returns Errc::locked.
  Status check(PasswordKind kind, std::string_view candidate, Milliseconds now);
  // Needs the right old password (a wrong one counts as a wrong attempt); Errc::bad_value for a
  // new password that breaks the text rules (not counted).
  Status change(PasswordKind kind, std::string_view old_password, std::string_view new_password,
                Milliseconds now);

  [[nodiscard]] bool is_default(PasswordKind kind) const { return is_default_[idx(kind)]; }
  [[nodiscard]] bool locked(PasswordKind kind, Milliseconds now) const;
  [[nodiscard]] uint8_t wrong_attempts(PasswordKind kind) const { return guard_[idx(kind)].wrong; }
  [[nodiscard]] const PasswordRecord& record() const { return record_; }

 private:
  struct Guard {
    uint8_t wrong = 0;
    bool locked = false;
    Milliseconds since{};
  };
  static constexpr std::size_t idx(PasswordKind k) { return static_cast<std::size_t>(k); }
  static Guard after_expiry(Guard g, Milliseconds now);
  Status wrong_attempt(Guard& g, Milliseconds now);
  [[nodiscard]] bool matches(PasswordKind kind, std::string_view candidate) const;
  void set_password(PasswordKind kind, std::string_view password);
  void refresh_default_flags();

  PasswordRecord record_{};
  std::array<Guard, kPasswordKinds> guard_{};
  std::array<bool, kPasswordKinds> is_default_{};
  Sha256Digest pool_{};  // entropy pool for new salts
};

}  // namespace softbms::core
