// Web login sessions: a random token in an HttpOnly cookie, a second random token the page
// must echo in X-CSRF-Token on every write, an idle timeout and an absolute lifetime. Only a
// hash of each session token is kept, so a memory dump does not hand out live sessions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace softbms::host::web {

struct SessionPolicy {
  int64_t idle_ms = int64_t{15} * 60 * 1000;           // a session unused this long ends
  int64_t lifetime_ms = int64_t{12} * 60 * 60 * 1000;  // and none outlives this, used or not
  std::size_t max_sessions = 32;              // the oldest is dropped beyond this
};

struct Session {
  std::string csrf;                // what X-CSRF-Token must carry
  std::vector<std::string> packs;  // pack ids whose settings password this login proved
  std::string who;                 // "web 127.0.0.1 #a1b2c3d4": for the write log
  int64_t created_ms = 0;
  int64_t last_used_ms = 0;
};

// Fills a buffer with unpredictable bytes (getrandom on Linux; tests may inject their own).
using RandomSource = std::function<void(std::span<uint8_t>)>;
void system_random(std::span<uint8_t> out);

class SessionStore {
 public:
  explicit SessionStore(SessionPolicy policy = {}, RandomSource random = system_random);

  struct Created {
    std::string token;  // goes into the cookie, never stored here
    Session session;
  };
  Created create(std::vector<std::string> packs, std::string_view remote, int64_t now_ms);
  // The live session for a cookie token, its idle timer restarted; nullopt for an unknown or
  // expired token (an expired one is forgotten).
  std::optional<Session> touch(std::string_view token, int64_t now_ms);
  void remove(std::string_view token);
  [[nodiscard]] std::size_t size() const { return sessions_.size(); }
  [[nodiscard]] const SessionPolicy& policy() const { return policy_; }

 private:
  [[nodiscard]] bool expired(const Session& s, int64_t now_ms) const;
  void drop_expired(int64_t now_ms);
  std::string random_hex(std::size_t bytes);

  SessionPolicy policy_;
  RandomSource random_;
  std::map<std::string, Session> sessions_;  // key: hex SHA-256 of the token
};

// Equal length and bytes, in time that does not depend on where they differ.
bool same_secret(std::string_view a, std::string_view b);
std::string to_hex(std::span<const uint8_t> bytes);

}  // namespace softbms::host::web
