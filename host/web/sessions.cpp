#include "host/web/sessions.hpp"

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include "core/security/constant_time.hpp"
#include "core/security/sha256.hpp"

namespace softbms::host::web {
namespace {

std::string token_key(std::string_view token) {
  const auto digest = core::sha256(token);
  return to_hex(digest);
}

}  // namespace

void system_random(std::span<uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    // A session token without real randomness would be a guessable login: stop instead.
    if (n <= 0) std::abort();
    done += static_cast<std::size_t>(n);
  }
}

std::string to_hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0F]);
  }
  return out;
}

bool same_secret(std::string_view a, std::string_view b) {
  return core::equal_constant_time(core::as_bytes(a), core::as_bytes(b));
}

SessionStore::SessionStore(SessionPolicy policy, RandomSource random)
    : policy_(policy), random_(std::move(random)) {}

std::string SessionStore::random_hex(std::size_t bytes) {
  std::array<uint8_t, 64> buf{};
  const std::span<uint8_t> part(buf.data(), std::min(bytes, buf.size()));
  random_(part);
  return to_hex(part);
}

bool SessionStore::expired(const Session& s, int64_t now_ms) const {
  return now_ms - s.last_used_ms >= policy_.idle_ms || now_ms - s.created_ms >= policy_.lifetime_ms;
}

void SessionStore::drop_expired(int64_t now_ms) {
  std::erase_if(sessions_, [&](const auto& kv) { return expired(kv.second, now_ms); });
}

SessionStore::Created SessionStore::create(std::vector<std::string> packs, std::string_view remote,
                                           int64_t now_ms) {
  drop_expired(now_ms);
  while (!sessions_.empty() && sessions_.size() >= policy_.max_sessions) {
    const auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second.created_ms < b.second.created_ms; });
    sessions_.erase(oldest);
  }
  Created c;
  c.token = random_hex(32);
  const std::string key = token_key(c.token);
  c.session.csrf = random_hex(32);
  c.session.packs = std::move(packs);
  c.session.who = "web " + std::string(remote) + " #" + key.substr(0, 8);
  c.session.created_ms = now_ms;
  c.session.last_used_ms = now_ms;
  sessions_[key] = c.session;
  return c;
}

std::optional<Session> SessionStore::touch(std::string_view token, int64_t now_ms) {
  if (token.empty()) return std::nullopt;
  const auto it = sessions_.find(token_key(token));
  if (it == sessions_.end()) return std::nullopt;
  if (expired(it->second, now_ms)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used_ms = now_ms;
  return it->second;
}

void SessionStore::remove(std::string_view token) {
  sessions_.erase(token_key(token));
}

}  // namespace softbms::host::web
