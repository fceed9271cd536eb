#include "core/security/passwords.hpp"

#include <algorithm>

#include "core/security/constant_time.hpp"
#include "core/security/hmac.hpp"
#include "core/store/bytes.hpp"

namespace softbms::core {
namespace {

constexpr std::array<std::string_view, kPasswordKinds> kDefaults = {kDefaultConnectionPassword,
                                                                    kDefaultSettingsPassword};

Sha256Digest derive_hash(std::string_view password, std::span<const uint8_t> salt,
                         uint32_t iterations) {
  Sha256Digest out{};
  pbkdf2_sha256(as_bytes(password), salt, iterations, out);
  return out;
}

int64_t ceil_seconds(Milliseconds ms) {
  return (ms.count() + 999) / 1000;
}

}  // namespace

bool valid_password_text(std::string_view text) {
  if (text.size() < kPasswordMinLength || text.size() > kPasswordMaxLength) return false;
  for (char c : text) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

Passwords::Passwords(std::span<const uint8_t> entropy) {
  Sha256 h;
  h.update("softbms.pool");
  h.update(entropy);
  pool_ = h.finish();
  for (std::size_t k = 0; k < kPasswordKinds; ++k) {
    set_password(static_cast<PasswordKind>(k), kDefaults[k]);
  }
  is_default_.fill(true);
}

Status Passwords::restore(const PasswordRecord& record) {
  if (record.version != kPasswordRecordVersion || record.iterations == 0 ||
      record.iterations > kMaxPasswordIterations) {
    return Errc::corrupt;
  }
  record_ = record;
  guard_ = {};
  refresh_default_flags();
  return ok_status();
}

void Passwords::add_entropy(std::span<const uint8_t> entropy) {
  Sha256 h;
  h.update(pool_);
  h.update(entropy);
  pool_ = h.finish();
}

// A new salt for every password set: the pool, the kind, the generation and the old salt, so
// salts never repeat on one board even when the host supplied no entropy at all.
void Passwords::set_password(PasswordKind kind, std::string_view password) {
  PasswordCredential& c = record_.credentials[idx(kind)];
  std::array<uint8_t, 5> tag{};
  ByteWriter w(tag);
  w.u8(static_cast<uint8_t>(kind));
  w.u32(c.generation);
  Sha256 h;
  h.update("softbms.salt");
  h.update(pool_);
  h.update(tag);
  h.update(c.salt);
  const Sha256Digest fresh = h.finish();
  std::copy(fresh.begin(), fresh.begin() + kSaltSize, c.salt.begin());
  c.hash = derive_hash(password, c.salt, record_.iterations);
  add_entropy(fresh);
}

bool Passwords::matches(PasswordKind kind, std::string_view candidate) const {
  const PasswordCredential& c = record_.credentials[idx(kind)];
  Sha256Digest h = derive_hash(candidate, c.salt, record_.iterations);
  const bool same = equal_constant_time(h, c.hash);
  secure_wipe(h);
  return same;
}

void Passwords::refresh_default_flags() {
  for (std::size_t k = 0; k < kPasswordKinds; ++k) {
    is_default_[k] = matches(static_cast<PasswordKind>(k), kDefaults[k]);
  }
}

// The lock ends by time only. A clock that went backwards re-anchors the lock at now, so it
// can never last longer than kLockoutTime from the moment it is next looked at.
Passwords::Guard Passwords::after_expiry(Guard g, Milliseconds now) {
  if (!g.locked) return g;
  if (now < g.since) g.since = now;
  return now - g.since >= kLockoutTime ? Guard{} : g;
}

bool Passwords::locked(PasswordKind kind, Milliseconds now) const {
  return after_expiry(guard_[idx(kind)], now).locked;
}

Status Passwords::wrong_attempt(Guard& g, Milliseconds now) {
  ++g.wrong;
  if (g.wrong < kMaxWrongAttempts) {
    return Status(Errc::wrong_password, static_cast<uint16_t>(kMaxWrongAttempts - g.wrong));
  }
  g.locked = true;
  g.since = now;
  return Status(Errc::locked, static_cast<uint16_t>(ceil_seconds(kLockoutTime)));
}

Status Passwords::check(PasswordKind kind, std::string_view candidate, Milliseconds now) {
  Guard& g = guard_[idx(kind)];
  g = after_expiry(g, now);
  if (g.locked) {
    return Status(Errc::locked, static_cast<uint16_t>(ceil_seconds(g.since + kLockoutTime - now)));
  }
  if (!valid_password_text(candidate) || !matches(kind, candidate)) return wrong_attempt(g, now);
  g.wrong = 0;
  return ok_status();
}

Status Passwords::change(PasswordKind kind, std::string_view old_password,
                         std::string_view new_password, Milliseconds now) {
  if (Status s = check(kind, old_password, now); !s.ok()) return s;
  if (!valid_password_text(new_password)) return Errc::bad_value;
  ++record_.credentials[idx(kind)].generation;
  set_password(kind, new_password);
  is_default_[idx(kind)] = new_password == kDefaults[idx(kind)];
  return ok_status();
}

Result<std::size_t> encode_password_record(const PasswordRecord& r, std::span<uint8_t> out) {
  ByteWriter w(out);
  w.u16(r.version);
  w.u32(r.iterations);
  for (const PasswordCredential& c : r.credentials) {
    w.bytes(c.salt);
    w.bytes(c.hash);
    w.u32(c.generation);
  }
  if (!w.ok()) return Status(Errc::no_space);
  return w.size();
}

Result<PasswordRecord> decode_password_record(std::span<const uint8_t> in) {
  ByteReader r(in);
  PasswordRecord rec;
  rec.version = r.u16();
  rec.iterations = r.u32();
  for (PasswordCredential& c : rec.credentials) {
    r.bytes(c.salt);
    r.bytes(c.hash);
    c.generation = r.u32();
  }
  if (!r.at_end() || rec.version != kPasswordRecordVersion) return Status(Errc::corrupt);
  return rec;
}

}  // namespace softbms::core
