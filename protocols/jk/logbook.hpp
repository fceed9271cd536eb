// Frame type 0x05, the logbook (reply to BLE request 0xA1; [ESPHOME]): a count at
// byte 6, the index of the newest entry at byte 10, then 5-byte entries (u32 time, u8 code).
#pragma once

#include <array>
#include <optional>
#include <span>

#include "core/io/event.hpp"
#include "protocols/jk/frame.hpp"

namespace softbms::protocols::jk {

inline constexpr std::size_t kLogbookEntries = 57;  // (299 - 11) / 5 whole entries

struct LogEntry {
  uint32_t time_s = 0;
  uint8_t code = 0;
  bool operator==(const LogEntry&) const = default;
};

struct Logbook {
  uint32_t count = 0;  // as the frame states it
  std::array<LogEntry, kLogbookEntries> entries{};
  std::size_t size = 0;  // entries actually carried
};

// The JK logbook code for an event, if JK has one (a charge under-temperature trip is 0x1B,
// the app opening charging 0x04). Events JK does not log (setting changes, ...) give none.
// JK's per-cell codes (0x64 + cell over-charge, 0xC8 + cell over-discharge) are decoded into a
// cell OVP/UVP trip whose value is the 0-based cell; we send the pack-level 0x11 / 0x1D.
std::optional<uint8_t> jk_log_code(const core::Event& e);
// The event a JK code stands for, with time; nullopt for codes with no event of ours.
std::optional<core::Event> event_from_jk_code(LogEntry entry);

// Writes the newest events that have a JK code (at most kLogbookEntries), oldest first.
void encode_logbook(std::span<const core::Event> events, FrameStamp stamp, FrameOut out);
Result<Logbook> decode_logbook(Bytes frame);

}  // namespace softbms::protocols::jk
