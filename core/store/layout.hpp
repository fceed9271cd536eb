// Where each record lives. Every record has two slots of one 4 KiB page each, in RecordId
// order, so a microcontroller's flash page map reads straight off this table:
//   page 2*id = slot A, page 2*id + 1 = slot B.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace softbms::core {

enum class RecordId : uint8_t { settings, counters, event_log, passwords, device_info, count_ };
inline constexpr std::size_t kRecordCount = static_cast<std::size_t>(RecordId::count_);

inline constexpr std::size_t kSlotSize = 4096;
inline constexpr std::size_t kSlotsPerRecord = 2;
inline constexpr std::size_t kStoreSize = kRecordCount * kSlotsPerRecord * kSlotSize;

// Slot header, little-endian:
//   0 u32 magic "SBST"   4 u8 record id   5 u8 store format   6 u16 header size (32)
//   8 u32 sequence      12 u32 payload length   16..27 reserved (0)
//  28 u32 CRC-32 of bytes 0..27 followed by the payload
inline constexpr std::size_t kHeaderSize = 32;
inline constexpr uint32_t kStoreMagic = 0x54534253u;  // "SBST" read as bytes
inline constexpr uint8_t kStoreFormat = 1;
inline constexpr std::size_t kMaxPayload = kSlotSize - kHeaderSize;

struct RecordInfo {
  RecordId id;
  std::string_view name;
};
inline constexpr std::array<RecordInfo, kRecordCount> kRecords = {{
    {RecordId::settings, "settings"},
    {RecordId::counters, "counters"},
    {RecordId::event_log, "event_log"},
    {RecordId::passwords, "passwords"},
    {RecordId::device_info, "device_info"},
}};

constexpr std::size_t slot_offset(RecordId id, std::size_t slot) {
  return (static_cast<std::size_t>(id) * kSlotsPerRecord + slot) * kSlotSize;
}

}  // namespace softbms::core
