#include "core/log/event_log.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "core/io/alarm.hpp"
#include "core/io/command.hpp"
#include "core/store/layout.hpp"
#include "core/store/medium.hpp"
#include "core/store/store.hpp"

namespace softbms::core {
namespace {

Event trip(uint32_t t, AlarmBit bit, int32_t value) {
  return {t, EventType::protection_trip, static_cast<uint8_t>(bit), 0, value};
}

TEST(EventLog, keeps_events_oldest_to_newest_and_counts_them) {
  EventLog log;
  log.push({100, EventType::boot, 0, 0, 0});
  log.push(trip(160, AlarmBit::cell_ovp, 3651));
  log.push({200, EventType::protection_release, static_cast<uint8_t>(AlarmBit::cell_ovp), 0, 0});
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log.total(), 3u);
  EXPECT_EQ(log[0].type, EventType::boot);
  EXPECT_EQ(log[1].value, 3651);
  EXPECT_EQ(log.newest().time_s, 200u);
  std::vector<uint32_t> times;
  for (const Event& e : log) times.push_back(e.time_s);
  EXPECT_EQ(times, (std::vector<uint32_t>{100, 160, 200}));
}

TEST(EventLog, overflow_keeps_the_newest_256_in_order_and_counts_all) {
  EventLog log;
  for (uint32_t i = 0; i < 1000; ++i) log.push({i, EventType::setting_changed, 0, 0, int32_t(i)});
  ASSERT_EQ(log.size(), 256u);
  EXPECT_EQ(log.total(), 1000u);
  EXPECT_EQ(log[0].time_s, 744u);
  EXPECT_EQ(log.newest().time_s, 999u);
  uint32_t expected = 744;
  for (const Event& e : log) {
    EXPECT_EQ(e.time_s, expected);
    EXPECT_EQ(e.value, static_cast<int32_t>(expected));
    ++expected;
  }
  EXPECT_EQ(expected, 1000u);
}

TEST(EventLog, exactly_full_log_overwrites_only_the_oldest_on_the_next_event) {
  EventLog log;
  for (uint32_t i = 0; i < 256; ++i) log.push({i, EventType::wake, 0, 0, 0});
  EXPECT_EQ(log[0].time_s, 0u);
  log.push({256, EventType::sleep, 0, 0, 0});
  EXPECT_EQ(log.size(), 256u);
  EXPECT_EQ(log[0].time_s, 1u);
  EXPECT_EQ(log.newest().type, EventType::sleep);
}

TEST(EventLog, serialize_round_trip_restores_order_values_and_total) {
  EventLog log;
  for (uint32_t i = 0; i < 300; ++i) {
    log.push({1000 + i, EventType::switch_changed, static_cast<uint8_t>(Param::charge_enabled),
              static_cast<uint8_t>(Origin::app), int32_t(i % 2)});
  }
  std::array<uint8_t, kEventLogRecordSize> bytes{};
  const Result<std::size_t> n = log.serialize(bytes);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), kEventLogRecordSize);  // 8 + 256 x 12
  EventLog back;
  ASSERT_TRUE(back.deserialize(std::span(bytes).first(n.value())).ok());
  EXPECT_EQ(back.size(), 256u);
  EXPECT_EQ(back.total(), 300u);
  for (std::size_t i = 0; i < back.size(); ++i) EXPECT_EQ(back[i], log[i]);
}

TEST(EventLog, serialized_event_bytes_are_little_endian_as_documented) {
  EventLog log;
  log.push({0x01020304, EventType::protection_trip, static_cast<uint8_t>(AlarmBit::charge_ocp),
            static_cast<uint8_t>(Origin::internal), -2});
  std::array<uint8_t, kEventLogHeaderBytes + kEventBytes> bytes{};
  ASSERT_EQ(log.serialize(bytes).value(), bytes.size());
  const std::array<uint8_t, 20> expected = {1, 0, 1, 0, 1, 0, 0, 0,  // version, count, total
                                            4, 3, 2, 1, 1, 6, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF};
  EXPECT_EQ(bytes, expected);
}

TEST(EventLog, serialize_into_a_short_buffer_is_refused) {
  EventLog log;
  log.push({1, EventType::boot, 0, 0, 0});
  std::array<uint8_t, kEventLogHeaderBytes + kEventBytes - 1> small{};
  EXPECT_EQ(log.serialize(small).status().code(), Errc::no_space);
}

TEST(EventLog, bad_record_is_refused_and_the_log_is_unchanged) {
  EventLog log;
  log.push({5, EventType::boot, 0, 0, 0});
  log.push({6, EventType::shutdown, 0, 0, 0});
  std::array<uint8_t, kEventLogHeaderBytes + 2 * kEventBytes> bytes{};
  ASSERT_TRUE(log.serialize(bytes).ok());

  auto unknown_type = bytes;
  unknown_type[kEventLogHeaderBytes + kEventBytes + 4] = 0xEE;  // second event's type
  auto unknown_origin = bytes;
  unknown_origin[kEventLogHeaderBytes + 6] = 0x77;
  auto total_below_count = bytes;
  total_below_count[4] = 1;
  auto count_mismatch = bytes;
  count_mismatch[2] = 3;

  EventLog target;
  target.push({42, EventType::wake, 0, 0, 0});
  for (const auto& bad : {unknown_type, unknown_origin, total_below_count, count_mismatch}) {
    EXPECT_EQ(target.deserialize(bad).code(), Errc::corrupt);
    ASSERT_EQ(target.size(), 1u);
    EXPECT_EQ(target[0].time_s, 42u);
  }
  EXPECT_TRUE(target.deserialize(bytes).ok());
  EXPECT_EQ(target.size(), 2u);
}

TEST(EventLog, full_log_round_trips_through_the_store) {
  std::vector<uint8_t> flash(kStoreSize, kErasedByte);
  MemoryMedium medium(flash, 4096);
  Store store(medium);
  EventLog log;
  for (uint32_t i = 0; i < 500; ++i) log.push(trip(i, AlarmBit::cell_uvp, 2500 + int32_t(i)));
  std::array<uint8_t, kEventLogRecordSize> bytes{};
  ASSERT_TRUE(
      store.save(RecordId::event_log, std::span(bytes).first(log.serialize(bytes).value())).ok());

  std::array<uint8_t, kEventLogRecordSize> loaded{};
  const Result<std::size_t> n = store.load(RecordId::event_log, loaded);
  ASSERT_TRUE(n.ok());
  EventLog back;
  ASSERT_TRUE(back.deserialize(std::span(loaded).first(n.value())).ok());
  EXPECT_EQ(back.total(), 500u);
  EXPECT_EQ(back[0].value, 2744);
  EXPECT_EQ(back.newest().value, 2999);
}

TEST(EventLog, clear_empties_the_log_and_its_count) {
  EventLog log;
  log.push({1, EventType::boot, 0, 0, 0});
  log.clear();
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(log.total(), 0u);
  EXPECT_EQ(log.begin(), log.end());
}

}  // namespace
}  // namespace softbms::core
