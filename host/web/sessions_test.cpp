#include "host/web/sessions.hpp"

#include <gtest/gtest.h>

namespace softbms::host::web {
namespace {

// Deterministic bytes so a test can tell tokens apart without depending on getrandom.
RandomSource counting_random() {
  return [n = uint8_t{0}](std::span<uint8_t> out) mutable {
    for (auto& b : out) b = n++;
  };
}

TEST(Sessions, token_and_csrf_are_64_hex_characters_and_differ) {
  SessionStore store({}, counting_random());
  const auto c = store.create({"1"}, "127.0.0.1", 0);
  EXPECT_EQ(c.token.size(), 64U);
  EXPECT_EQ(c.session.csrf.size(), 64U);
  EXPECT_NE(c.token, c.session.csrf);
  EXPECT_EQ(c.session.who.rfind("web 127.0.0.1 #", 0), 0U);
}

TEST(Sessions, idle_timeout_ends_a_session_and_use_restarts_it) {
  SessionStore store({.idle_ms = 1000, .lifetime_ms = 10'000, .max_sessions = 4},
                     counting_random());
  const auto c = store.create({"1"}, "127.0.0.1", 0);
  EXPECT_TRUE(store.touch(c.token, 999));
  EXPECT_TRUE(store.touch(c.token, 1998));
  EXPECT_FALSE(store.touch(c.token, 2998));
  EXPECT_EQ(store.size(), 0U);
}

TEST(Sessions, lifetime_ends_a_session_even_while_it_is_used) {
  SessionStore store({.idle_ms = 1000, .lifetime_ms = 3000, .max_sessions = 4}, counting_random());
  const auto c = store.create({"1"}, "127.0.0.1", 0);
  for (int64_t t = 500; t < 3000; t += 500) EXPECT_TRUE(store.touch(c.token, t)) << t;
  EXPECT_FALSE(store.touch(c.token, 3000));
}

TEST(Sessions, oldest_session_is_dropped_beyond_the_limit) {
  SessionStore store({.idle_ms = 1000, .lifetime_ms = 3000, .max_sessions = 2}, counting_random());
  const auto a = store.create({"1"}, "a", 0);
  const auto b = store.create({"1"}, "b", 1);
  const auto c = store.create({"1"}, "c", 2);
  EXPECT_EQ(store.size(), 2U);
  EXPECT_FALSE(store.touch(a.token, 3));
  EXPECT_TRUE(store.touch(b.token, 3));
  EXPECT_TRUE(store.touch(c.token, 3));
}

TEST(Sessions, unknown_empty_and_removed_tokens_are_not_sessions) {
  SessionStore store({}, counting_random());
  const auto c = store.create({"1"}, "127.0.0.1", 0);
  EXPECT_FALSE(store.touch("", 1));
  EXPECT_FALSE(store.touch(c.session.csrf, 1));  // the CSRF token is not a login
  store.remove(c.token);
  EXPECT_FALSE(store.touch(c.token, 1));
}

TEST(Sessions, same_secret_needs_equal_length_and_bytes) {
  EXPECT_TRUE(same_secret("abc", "abc"));
  EXPECT_FALSE(same_secret("abc", "abd"));
  EXPECT_FALSE(same_secret("abc", "ab"));
  EXPECT_FALSE(same_secret("", "a"));
}

}  // namespace
}  // namespace softbms::host::web
