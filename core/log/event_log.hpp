// The event log: the last 256 events in a fixed ring (the oldest is overwritten), the count of
// all events ever logged, iteration oldest to newest, and a byte form for the store.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>

#include "core/base/status.hpp"
#include "core/io/event.hpp"

namespace softbms::core {

inline constexpr std::size_t kEventLogCapacity = 256;
inline constexpr uint16_t kEventLogVersion = 1;
// Stored form, little-endian: u16 version, u16 count, u32 total, then count events oldest
// first, each u32 time_s, u8 type, u8 arg, u8 origin, u8 reserved (0), i32 value.
inline constexpr std::size_t kEventLogHeaderBytes = 8;
inline constexpr std::size_t kEventBytes = 12;
inline constexpr std::size_t kEventLogRecordSize =
    kEventLogHeaderBytes + kEventLogCapacity * kEventBytes;

class EventLog {
 public:
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Event;
    using difference_type = std::ptrdiff_t;
    using pointer = const Event*;
    using reference = const Event&;
    Iterator() = default;
    Iterator(const EventLog* log, std::size_t i) : log_(log), i_(i) {}
    const Event& operator*() const { return (*log_)[i_]; }
    const Event* operator->() const { return &(*log_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator old = *this;
      ++i_;
      return old;
    }
    bool operator==(const Iterator& o) const { return i_ == o.i_; }

   private:
    const EventLog* log_ = nullptr;
    std::size_t i_ = 0;
  };

  void push(const Event& e);
  void clear();
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] static constexpr std::size_t capacity() { return kEventLogCapacity; }
  // Events ever logged, including those overwritten (saturates at 2^32 - 1).
  [[nodiscard]] uint32_t total() const { return total_; }
  // 0 = the oldest kept event, size() - 1 = the newest. i must be below size().
  [[nodiscard]] const Event& operator[](std::size_t i) const {
    return ring_[(oldest_ + i) % kEventLogCapacity];
  }
  [[nodiscard]] const Event& newest() const { return (*this)[size_ - 1]; }
  [[nodiscard]] Iterator begin() const { return {this, 0}; }
  [[nodiscard]] Iterator end() const { return {this, size_}; }

  Result<std::size_t> serialize(std::span<uint8_t> out) const;
  // Replaces the log with the stored one. Errc::corrupt (and nothing changes) for a wrong
  // version, length, count or an event type / origin this firmware does not know.
  Status deserialize(std::span<const uint8_t> in);

 private:
  std::array<Event, kEventLogCapacity> ring_{};
  std::size_t oldest_ = 0;
  std::size_t size_ = 0;
  uint32_t total_ = 0;
};

}  // namespace softbms::core
