#include "core/log/event_log.hpp"

#include "core/io/command.hpp"
#include "core/store/bytes.hpp"

namespace softbms::core {
namespace {

void write_event(ByteWriter& w, const Event& e) {
  w.u32(e.time_s);
  w.u8(static_cast<uint8_t>(e.type));
  w.u8(e.arg);
  w.u8(e.origin);
  w.u8(0);
  w.i32(e.value);
}

// Reads one event; false when its type or origin is unknown to this firmware.
bool read_event(ByteReader& r, Event& e) {
  e.time_s = r.u32();
  const uint8_t type = r.u8();
  e.arg = r.u8();
  e.origin = r.u8();
  (void)r.u8();
  e.value = r.i32();
  e.type = static_cast<EventType>(type);
  return type < static_cast<uint8_t>(EventType::count_) &&
         e.origin < static_cast<uint8_t>(Origin::count_);
}

}  // namespace

void EventLog::push(const Event& e) {
  if (size_ < kEventLogCapacity) {
    ring_[(oldest_ + size_) % kEventLogCapacity] = e;
    ++size_;
  } else {
    ring_[oldest_] = e;
    oldest_ = (oldest_ + 1) % kEventLogCapacity;
  }
  if (total_ != UINT32_MAX) ++total_;
}

void EventLog::clear() {
  oldest_ = 0;
  size_ = 0;
  total_ = 0;
}

Result<std::size_t> EventLog::serialize(std::span<uint8_t> out) const {
  ByteWriter w(out);
  w.u16(kEventLogVersion);
  w.u16(static_cast<uint16_t>(size_));
  w.u32(total_);
  for (const Event& e : *this) write_event(w, e);
  if (!w.ok()) return Status(Errc::no_space);
  return w.size();
}

Status EventLog::deserialize(std::span<const uint8_t> in) {
  ByteReader header(in);
  const uint16_t version = header.u16();
  const uint16_t count = header.u16();
  const uint32_t total = header.u32();
  if (!header.ok() || version != kEventLogVersion || count > kEventLogCapacity || total < count ||
      header.remaining() != std::size_t{count} * kEventBytes) {
    return Errc::corrupt;
  }
  // Check every event before touching the ring, so a bad record leaves the log as it was
  // without a second 3 KiB copy on the stack.
  ByteReader check = header;
  Event e;
  for (std::size_t i = 0; i < count; ++i) {
    if (!read_event(check, e)) return Errc::corrupt;
  }
  ByteReader fill = header;
  for (std::size_t i = 0; i < count; ++i) (void)read_event(fill, ring_[i]);
  oldest_ = 0;
  size_ = count;
  total_ = total;
  return ok_status();
}

}  // namespace softbms::core
