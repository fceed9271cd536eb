#include "protocols/jk/logbook.hpp"

#include "core/log/event_text.hpp"

namespace softbms::protocols::jk {
namespace {

constexpr uint16_t kCountOffset = 6;
constexpr uint16_t kNewestOffset = 10;
constexpr uint16_t kFirstEntry = 11;
constexpr uint16_t kEntrySize = 5;

}  // namespace

std::optional<uint8_t> jk_log_code(const core::Event& e) {
  return core::jk_logbook_code(e);
}

std::optional<core::Event> event_from_jk_code(LogEntry entry) {
  return core::jk_logbook_event(entry.code, entry.time_s);
}

void encode_logbook(std::span<const core::Event> events, FrameStamp stamp, FrameOut out) {
  begin_frame(out, FrameType::logbook, stamp);
  // Take the newest coded events, then write them oldest first.
  std::array<LogEntry, kLogbookEntries> picked{};
  std::size_t n = 0;
  for (std::size_t i = events.size(); i > 0 && n < kLogbookEntries; --i) {
    const auto code = jk_log_code(events[i - 1]);
    if (code) picked[n++] = {events[i - 1].time_s, *code};
  }
  for (std::size_t k = 0; k < n; ++k) {
    const LogEntry& e = picked[n - 1 - k];
    const std::size_t off = kFirstEntry + kEntrySize * k;
    put_le(out, off, 4, e.time_s);
    out[off + 4] = e.code;
  }
  put_le(out, kCountOffset, 4, static_cast<uint32_t>(n));
  out[kNewestOffset] = static_cast<uint8_t>(n == 0 ? 0 : n - 1);
  seal_frame(out);
}

Result<Logbook> decode_logbook(Bytes frame) {
  const Status st = check_frame(frame, FrameType::logbook);
  if (!st.ok()) return st;
  Logbook book;
  book.count = get_le(frame, kCountOffset, 4);
  book.size = book.count < kLogbookEntries ? book.count : kLogbookEntries;
  for (std::size_t k = 0; k < book.size; ++k) {
    const std::size_t off = kFirstEntry + kEntrySize * k;
    book.entries[k] = {get_le(frame, off, 4), frame[off + 4]};
  }
  return book;
}

}  // namespace softbms::protocols::jk
