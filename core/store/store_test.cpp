#include "core/store/store.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string_view>
#include <vector>

#include "core/store/crc32.hpp"

namespace softbms::core {
namespace {

std::span<const uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

class StoreTest : public ::testing::Test {
 protected:
  std::vector<uint8_t> flash = std::vector<uint8_t>(kStoreSize, kErasedByte);
  MemoryMedium medium{flash, 1024};
  Store store{medium};

  std::string loaded(RecordId id) {
    std::array<uint8_t, 256> out{};
    const Result<std::size_t> n = store.load(id, out);
    if (!n.ok()) return std::string("error: ") + std::string(errc_name(n.status().code()));
    return std::string(reinterpret_cast<const char*>(out.data()), n.value());
  }
};

TEST(Crc32, matches_the_ieee_check_value_for_123456789) {
  EXPECT_EQ(crc32(bytes_of("123456789")), 0xCBF43926u);
  EXPECT_EQ(crc32({}), 0x00000000u);
}

TEST(Crc32, incremental_chunks_give_the_same_crc_as_one_pass) {
  const uint32_t part = crc32_update(kCrc32Init, bytes_of("12345"));
  EXPECT_EQ(crc32_final(crc32_update(part, bytes_of("6789"))), 0xCBF43926u);
}

TEST_F(StoreTest, empty_medium_loads_not_found) {
  EXPECT_EQ(loaded(RecordId::settings), "error: not found");
}

TEST_F(StoreTest, saved_payload_loads_back_byte_for_byte) {
  ASSERT_TRUE(store.save(RecordId::counters, bytes_of("cycles=12")).ok());
  EXPECT_EQ(loaded(RecordId::counters), "cycles=12");
  EXPECT_EQ(loaded(RecordId::settings), "error: not found");
}

TEST_F(StoreTest, saves_alternate_slots_and_the_highest_sequence_wins) {
  ASSERT_TRUE(store.save(RecordId::passwords, bytes_of("one")).ok());
  ASSERT_TRUE(store.save(RecordId::passwords, bytes_of("two")).ok());
  ASSERT_TRUE(store.save(RecordId::passwords, bytes_of("three")).ok());
  EXPECT_EQ(store.inspect(RecordId::passwords, 0).sequence, 3u);  // 1, then overwritten by 3
  EXPECT_EQ(store.inspect(RecordId::passwords, 1).sequence, 2u);
  EXPECT_EQ(loaded(RecordId::passwords), "three");
}

TEST_F(StoreTest, crc_corrupted_newest_slot_falls_back_to_the_other) {
  ASSERT_TRUE(store.save(RecordId::device_info, bytes_of("old name")).ok());
  ASSERT_TRUE(store.save(RecordId::device_info, bytes_of("new name")).ok());
  // Flip one payload bit of the newest copy (slot B).
  flash[slot_offset(RecordId::device_info, 1) + kHeaderSize + 2] ^= 0x01;
  EXPECT_FALSE(store.inspect(RecordId::device_info, 1).good);
  EXPECT_EQ(loaded(RecordId::device_info), "old name");
  // The next save goes over the damaged slot, never over the good one.
  ASSERT_TRUE(store.save(RecordId::device_info, bytes_of("newer")).ok());
  EXPECT_EQ(store.inspect(RecordId::device_info, 1).sequence, 2u);
  EXPECT_EQ(loaded(RecordId::device_info), "newer");
}

TEST_F(StoreTest, damaged_header_field_makes_the_slot_bad) {
  ASSERT_TRUE(store.save(RecordId::settings, bytes_of("abc")).ok());
  flash[slot_offset(RecordId::settings, 0) + 8] ^= 0x80;  // sequence number
  EXPECT_EQ(loaded(RecordId::settings), "error: corrupt");
}

TEST_F(StoreTest, both_slots_bad_loads_corrupt_and_a_new_save_recovers) {
  ASSERT_TRUE(store.save(RecordId::settings, bytes_of("a")).ok());
  ASSERT_TRUE(store.save(RecordId::settings, bytes_of("b")).ok());
  flash[slot_offset(RecordId::settings, 0) + kHeaderSize] ^= 0xFF;
  flash[slot_offset(RecordId::settings, 1) + kHeaderSize] ^= 0xFF;
  EXPECT_EQ(loaded(RecordId::settings), "error: corrupt");
  ASSERT_TRUE(store.save(RecordId::settings, bytes_of("c")).ok());
  EXPECT_EQ(loaded(RecordId::settings), "c");
}

TEST_F(StoreTest, a_record_never_reads_another_records_slot) {
  ASSERT_TRUE(store.save(RecordId::settings, bytes_of("settings")).ok());
  // Copy the settings slot over the counters slot: the record id in the header differs.
  for (std::size_t i = 0; i < kSlotSize; ++i) {
    flash[slot_offset(RecordId::counters, 0) + i] = flash[slot_offset(RecordId::settings, 0) + i];
  }
  EXPECT_EQ(loaded(RecordId::counters), "error: corrupt");
}

TEST_F(StoreTest, payload_larger_than_a_slot_is_refused_and_changes_nothing) {
  ASSERT_TRUE(store.save(RecordId::event_log, bytes_of("keep")).ok());
  const std::vector<uint8_t> big(kMaxPayload + 1, 0x55);
  EXPECT_EQ(store.save(RecordId::event_log, big).code(), Errc::no_space);
  EXPECT_EQ(loaded(RecordId::event_log), "keep");
  const std::vector<uint8_t> largest(kMaxPayload, 0x55);
  EXPECT_TRUE(store.save(RecordId::event_log, largest).ok());
}

TEST_F(StoreTest, load_into_a_short_buffer_says_how_many_bytes_are_needed) {
  ASSERT_TRUE(store.save(RecordId::counters, bytes_of("0123456789")).ok());
  std::array<uint8_t, 4> small{};
  const Result<std::size_t> n = store.load(RecordId::counters, small);
  EXPECT_EQ(n.status().code(), Errc::no_space);
  EXPECT_EQ(n.status().detail(), 10);
}

TEST_F(StoreTest, erase_removes_both_copies) {
  ASSERT_TRUE(store.save(RecordId::counters, bytes_of("x")).ok());
  ASSERT_TRUE(store.save(RecordId::counters, bytes_of("y")).ok());
  ASSERT_TRUE(store.erase(RecordId::counters).ok());
  EXPECT_EQ(loaded(RecordId::counters), "error: not found");
}

TEST(StoreMedium, too_small_medium_is_refused) {
  std::vector<uint8_t> flash(kStoreSize - kSlotSize, kErasedByte);
  MemoryMedium medium(flash, 1024);
  Store store(medium);
  EXPECT_EQ(store.save(RecordId::settings, bytes_of("x")).code(), Errc::no_space);
}

TEST(StoreMedium, erase_unit_that_does_not_divide_a_slot_is_refused) {
  std::vector<uint8_t> flash(kStoreSize, kErasedByte);
  MemoryMedium medium(flash, 3000);
  Store store(medium);
  EXPECT_EQ(store.save(RecordId::settings, bytes_of("x")).code(), Errc::bad_state);
}

TEST(StoreMedium, layout_puts_each_record_on_its_own_pair_of_4k_pages) {
  EXPECT_EQ(slot_offset(RecordId::settings, 0), 0u);
  EXPECT_EQ(slot_offset(RecordId::settings, 1), 4096u);
  EXPECT_EQ(slot_offset(RecordId::event_log, 0), 16384u);
  EXPECT_EQ(slot_offset(RecordId::device_info, 1), 36864u);
  EXPECT_EQ(kStoreSize, 40960u);
}

TEST(StoreMedium, header_bytes_on_the_medium_are_little_endian_as_documented) {
  std::vector<uint8_t> flash(kStoreSize, kErasedByte);
  MemoryMedium medium(flash, 4096);
  Store store(medium);
  ASSERT_TRUE(store.save(RecordId::passwords, bytes_of("pw")).ok());
  const std::size_t b = slot_offset(RecordId::passwords, 0);
  const std::vector<uint8_t> head(flash.begin() + static_cast<long>(b),
                                  flash.begin() + static_cast<long>(b + 16));
  const std::vector<uint8_t> expected = {'S', 'B', 'S', 'T', 3, 1, 32, 0, 1, 0, 0, 0, 2, 0, 0, 0};
  EXPECT_EQ(head, expected);
}

}  // namespace
}  // namespace softbms::core
