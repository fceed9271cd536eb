#include "core/security/passwords.hpp"

#include <gtest/gtest.h>

#include <array>

#include "core/store/layout.hpp"
#include "core/store/medium.hpp"
#include "core/store/store.hpp"

namespace softbms::core {
namespace {

using PK = PasswordKind;
constexpr Milliseconds at_s(int64_t s) {
  return Milliseconds(s * 1000);
}
constexpr std::array<uint8_t, 4> kEntropy = {0xde, 0xad, 0xbe, 0xef};

TEST(Passwords, factory_defaults_are_1234_for_connection_and_123456_for_settings) {
  Passwords p(kEntropy);
  EXPECT_TRUE(p.check(PK::connection, "1234", at_s(0)).ok());
  EXPECT_TRUE(p.check(PK::settings, "123456", at_s(0)).ok());
  EXPECT_TRUE(p.is_default(PK::connection));
  EXPECT_TRUE(p.is_default(PK::settings));
}

TEST(Passwords, the_two_passwords_are_independent) {
  Passwords p(kEntropy);
  EXPECT_EQ(p.check(PK::settings, "1234", at_s(0)).code(), Errc::wrong_password);
  EXPECT_EQ(p.check(PK::connection, "123456", at_s(0)).code(), Errc::wrong_password);
}

TEST(Passwords, wrong_password_reports_attempts_left) {
  Passwords p(kEntropy);
  const Status s = p.check(PK::settings, "654321", at_s(0));
  EXPECT_EQ(s.code(), Errc::wrong_password);
  EXPECT_EQ(s.detail(), 4);
  EXPECT_EQ(p.wrong_attempts(PK::settings), 1);
}

TEST(Passwords, fifth_wrong_settings_password_locks_for_60_s_then_unlocks_by_time) {
  Passwords p(kEntropy);
  for (int i = 0; i < 4; ++i) {
    const Status s = p.check(PK::settings, "000000", at_s(10 + i));
    EXPECT_EQ(s.code(), Errc::wrong_password) << "attempt " << i + 1;
    EXPECT_EQ(s.detail(), 4 - i);
  }
  EXPECT_FALSE(p.locked(PK::settings, at_s(13)));
  const Status fifth = p.check(PK::settings, "000000", at_s(14));
  EXPECT_EQ(fifth.code(), Errc::locked);
  EXPECT_EQ(fifth.detail(), 60);
  // The right password does not open the lock early.
  const Status during = p.check(PK::settings, "123456", at_s(14) + Milliseconds(59'999));
  EXPECT_EQ(during.code(), Errc::locked);
  EXPECT_EQ(during.detail(), 1);
  EXPECT_TRUE(p.locked(PK::settings, at_s(73)));
  EXPECT_FALSE(p.locked(PK::settings, at_s(74)));
  EXPECT_TRUE(p.check(PK::settings, "123456", at_s(74)).ok());
  EXPECT_EQ(p.wrong_attempts(PK::settings), 0);
}

TEST(Passwords, after_the_lock_expires_a_new_series_of_five_is_needed_to_lock_again) {
  Passwords p(kEntropy);
  for (int i = 0; i < 5; ++i) (void)p.check(PK::settings, "bad-one", at_s(0));
  EXPECT_EQ(p.check(PK::settings, "bad-one", at_s(60)).code(), Errc::wrong_password);
  EXPECT_EQ(p.wrong_attempts(PK::settings), 1);
}

TEST(Passwords, a_right_password_resets_the_count_of_wrong_ones) {
  Passwords p(kEntropy);
  for (int i = 0; i < 4; ++i) (void)p.check(PK::settings, "nope", at_s(i));
  ASSERT_TRUE(p.check(PK::settings, "123456", at_s(5)).ok());
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(p.check(PK::settings, "nope", at_s(6 + i)).code(), Errc::wrong_password);
  }
}

TEST(Passwords, settings_lock_leaves_the_connection_password_usable) {
  Passwords p(kEntropy);
  for (int i = 0; i < 5; ++i) (void)p.check(PK::settings, "guess", at_s(0));
  EXPECT_TRUE(p.locked(PK::settings, at_s(1)));
  EXPECT_FALSE(p.locked(PK::connection, at_s(1)));
  EXPECT_TRUE(p.check(PK::connection, "1234", at_s(1)).ok());
}

TEST(Passwords, connection_password_has_its_own_five_attempt_lock) {
  Passwords p(kEntropy);
  for (int i = 0; i < 4; ++i) (void)p.check(PK::connection, "0000", at_s(0));
  EXPECT_EQ(p.check(PK::connection, "0000", at_s(0)).code(), Errc::locked);
  EXPECT_TRUE(p.check(PK::settings, "123456", at_s(1)).ok());
  EXPECT_FALSE(p.locked(PK::connection, at_s(60)));
}

TEST(Passwords, clock_going_backwards_cannot_extend_the_lock_beyond_60_s) {
  Passwords p(kEntropy);
  for (int i = 0; i < 5; ++i) (void)p.check(PK::settings, "guess", at_s(1000));
  // The time source restarted near zero: the lock re-anchors there and still ends 60 s later.
  EXPECT_EQ(p.check(PK::settings, "123456", at_s(5)).code(), Errc::locked);
  EXPECT_TRUE(p.check(PK::settings, "123456", at_s(65)).ok());
}

TEST(Passwords, change_needs_the_right_old_password) {
  Passwords p(kEntropy);
  EXPECT_EQ(p.change(PK::settings, "111111", "S3cret!", at_s(0)).code(), Errc::wrong_password);
  EXPECT_TRUE(p.check(PK::settings, "123456", at_s(0)).ok());
  ASSERT_TRUE(p.change(PK::settings, "123456", "S3cret!", at_s(1)).ok());
  EXPECT_EQ(p.check(PK::settings, "123456", at_s(2)).code(), Errc::wrong_password);
  EXPECT_TRUE(p.check(PK::settings, "S3cret!", at_s(3)).ok());
  EXPECT_FALSE(p.is_default(PK::settings));
  EXPECT_TRUE(p.is_default(PK::connection));
}

TEST(Passwords, change_with_wrong_old_password_counts_toward_the_lock) {
  Passwords p(kEntropy);
  for (int i = 0; i < 4; ++i) (void)p.change(PK::settings, "999999", "abcdef", at_s(0));
  EXPECT_EQ(p.change(PK::settings, "999999", "abcdef", at_s(0)).code(), Errc::locked);
  EXPECT_EQ(p.change(PK::settings, "123456", "abcdef", at_s(30)).code(), Errc::locked);
}

TEST(Passwords, new_password_must_be_4_to_16_printable_characters_without_spaces) {
  Passwords p(kEntropy);
  EXPECT_EQ(p.change(PK::connection, "1234", "123", at_s(0)).code(), Errc::bad_value);
  EXPECT_EQ(p.change(PK::connection, "1234", "12345678901234567", at_s(0)).code(), Errc::bad_value);
  EXPECT_EQ(p.change(PK::connection, "1234", "ab cd", at_s(0)).code(), Errc::bad_value);
  EXPECT_EQ(p.change(PK::connection, "1234", "caf\xc3\xa9", at_s(0)).code(), Errc::bad_value);
  EXPECT_TRUE(p.check(PK::connection, "1234", at_s(0)).ok());  // unchanged
  EXPECT_TRUE(p.change(PK::connection, "1234", "abcd", at_s(0)).ok());
  EXPECT_TRUE(p.change(PK::connection, "abcd", "1234567890123456", at_s(0)).ok());
  EXPECT_TRUE(p.check(PK::connection, "1234567890123456", at_s(0)).ok());
}

TEST(Passwords, setting_the_default_again_raises_the_default_flag) {
  Passwords p(kEntropy);
  ASSERT_TRUE(p.change(PK::connection, "1234", "9876", at_s(0)).ok());
  EXPECT_FALSE(p.is_default(PK::connection));
  ASSERT_TRUE(p.change(PK::connection, "9876", "1234", at_s(0)).ok());
  EXPECT_TRUE(p.is_default(PK::connection));
}

TEST(Passwords, record_holds_no_password_text_and_salts_differ_per_board) {
  Passwords a(kEntropy);
  const std::array<uint8_t, 4> other = {1, 2, 3, 4};
  Passwords b(other);
  const PasswordRecord& ra = a.record();
  const PasswordRecord& rb = b.record();
  EXPECT_NE(ra.credentials[0].salt, rb.credentials[0].salt);
  EXPECT_NE(ra.credentials[0].hash, rb.credentials[0].hash);  // same password, other salt
  EXPECT_NE(ra.credentials[0].salt, ra.credentials[1].salt);
  std::array<uint8_t, kPasswordRecordSize> bytes{};
  ASSERT_TRUE(encode_password_record(ra, bytes).ok());
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  EXPECT_EQ(text.find("1234"), std::string_view::npos);
}

TEST(Passwords, changing_to_the_same_password_gives_a_new_salt_and_hash) {
  Passwords p(kEntropy);
  const PasswordCredential before = p.record().credentials[1];
  ASSERT_TRUE(p.change(PK::settings, "123456", "123456", at_s(0)).ok());
  const PasswordCredential after = p.record().credentials[1];
  EXPECT_NE(before.salt, after.salt);
  EXPECT_NE(before.hash, after.hash);
  EXPECT_EQ(after.generation, before.generation + 1);
}

TEST(Passwords, record_round_trips_through_the_store_and_keeps_a_changed_password) {
  std::array<uint8_t, kStoreSize> flash{};
  flash.fill(kErasedByte);
  MemoryMedium medium(flash, 4096);
  Store store(medium);
  Passwords p(kEntropy);
  ASSERT_TRUE(p.change(PK::settings, "123456", "Pack#48V", at_s(0)).ok());
  std::array<uint8_t, kPasswordRecordSize> bytes{};
  ASSERT_EQ(encode_password_record(p.record(), bytes).value(), kPasswordRecordSize);
  ASSERT_TRUE(store.save(RecordId::passwords, bytes).ok());

  std::array<uint8_t, kPasswordRecordSize> back{};
  ASSERT_EQ(store.load(RecordId::passwords, back).value(), kPasswordRecordSize);
  const Result<PasswordRecord> rec = decode_password_record(back);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec.value(), p.record());
  Passwords rebooted;  // factory defaults until the record is restored
  ASSERT_TRUE(rebooted.restore(rec.value()).ok());
  EXPECT_TRUE(rebooted.check(PK::settings, "Pack#48V", at_s(0)).ok());
  EXPECT_EQ(rebooted.check(PK::settings, "123456", at_s(0)).code(), Errc::wrong_password);
  EXPECT_FALSE(rebooted.is_default(PK::settings));
  EXPECT_TRUE(rebooted.is_default(PK::connection));
}

TEST(Passwords, bad_record_is_refused_and_the_current_passwords_stay) {
  Passwords p(kEntropy);
  PasswordRecord bad = p.record();
  bad.version = 7;
  EXPECT_EQ(p.restore(bad).code(), Errc::corrupt);
  bad = p.record();
  bad.iterations = 0;
  EXPECT_EQ(p.restore(bad).code(), Errc::corrupt);
  EXPECT_TRUE(p.check(PK::settings, "123456", at_s(0)).ok());
  std::array<uint8_t, kPasswordRecordSize - 1> short_bytes{};
  EXPECT_EQ(decode_password_record(short_bytes).status().code(), Errc::corrupt);
}

TEST(Passwords, password_text_rules) {
  EXPECT_TRUE(valid_password_text("1234"));
  EXPECT_TRUE(valid_password_text("~!@#$%^&*()_+{}|"));
  EXPECT_FALSE(valid_password_text(""));
  EXPECT_FALSE(valid_password_text("12\t4"));
  EXPECT_FALSE(
      valid_password_text(std::string_view("12\0"
                                           "4",
                                           4)));
}

}  // namespace
}  // namespace softbms::core
