#include "protocols/jk/logbook.hpp"

#include "core/io/alarm.hpp"
#include "core/io/command.hpp"

namespace softbms::protocols::jk {
namespace {

using core::AlarmBit;
using core::EventType;
using core::Origin;
using core::Param;

constexpr int16_t kAny = -1;

// One JK code and the event it stands for. Encoding takes the first row that matches the event;
// decoding takes the first row with the code, so the most specific row comes first.
struct CodeRow {
  uint8_t code;
  EventType type;
  int16_t arg;     // kAny = any
  int16_t origin;  // kAny = any
  int16_t value;   // kAny = any
};

constexpr int16_t a(AlarmBit b) {
  return static_cast<int16_t>(b);
}
constexpr int16_t p(Param x) {
  return static_cast<int16_t>(x);
}
constexpr int16_t o(Origin x) {
  return static_cast<int16_t>(x);
}
constexpr int16_t c(core::Chemistry x) {
  return static_cast<int16_t>(x);
}

constexpr CodeRow trip(uint8_t code, AlarmBit b) {
  return {code, EventType::protection_trip, a(b), kAny, kAny};
}
constexpr CodeRow release(uint8_t code, AlarmBit b) {
  return {code, EventType::protection_release, a(b), kAny, kAny};
}
constexpr CodeRow sw(uint8_t code, Param x, Origin org, int16_t v) {
  return {code, EventType::switch_changed, p(x), o(org), v};
}

// clang-format off
constexpr std::array kCodes = {
  CodeRow{0x01, EventType::boot, kAny, kAny, kAny},
  sw(0x03, Param::charge_enabled, Origin::app, 0), sw(0x04, Param::charge_enabled, Origin::app, 1),
  sw(0x05, Param::discharge_enabled, Origin::app, 0), sw(0x06, Param::discharge_enabled, Origin::app, 1),
  sw(0x30, Param::charge_enabled, Origin::can, 0), sw(0x31, Param::charge_enabled, Origin::can, 1),
  sw(0x32, Param::discharge_enabled, Origin::can, 0), sw(0x33, Param::discharge_enabled, Origin::can, 1),
  sw(0x34, Param::charge_enabled, Origin::rs485, 0), sw(0x35, Param::charge_enabled, Origin::rs485, 1),
  sw(0x36, Param::discharge_enabled, Origin::rs485, 0), sw(0x37, Param::discharge_enabled, Origin::rs485, 1),
  // Every other origin (web, MQTT, command line) is what JK calls "remote".
  CodeRow{0x07, EventType::switch_changed, p(Param::charge_enabled), kAny, 0},
  CodeRow{0x08, EventType::switch_changed, p(Param::charge_enabled), kAny, 1},
  CodeRow{0x09, EventType::switch_changed, p(Param::discharge_enabled), kAny, 0},
  CodeRow{0x0A, EventType::switch_changed, p(Param::discharge_enabled), kAny, 1},
  trip(0x0B, AlarmBit::mos_otp), release(0x0C, AlarmBit::mos_otp),
  trip(0x0D, AlarmBit::current_sensor), release(0x0E, AlarmBit::current_sensor),
  trip(0x0F, AlarmBit::internal_comm), release(0x10, AlarmBit::internal_comm),
  trip(0x11, AlarmBit::cell_ovp), release(0x12, AlarmBit::cell_ovp),
  trip(0x13, AlarmBit::pack_ovp), release(0x14, AlarmBit::pack_ovp),
  trip(0x15, AlarmBit::charge_ocp), release(0x16, AlarmBit::charge_ocp),
  trip(0x17, AlarmBit::charge_scp), release(0x18, AlarmBit::charge_scp),
  trip(0x19, AlarmBit::charge_otp), release(0x1A, AlarmBit::charge_otp),
  trip(0x1B, AlarmBit::charge_utp), release(0x1C, AlarmBit::charge_utp),
  trip(0x1D, AlarmBit::cell_uvp), release(0x1E, AlarmBit::cell_uvp),
  trip(0x1F, AlarmBit::pack_uvp), release(0x20, AlarmBit::pack_uvp),
  trip(0x21, AlarmBit::discharge_ocp), release(0x22, AlarmBit::discharge_ocp),
  trip(0x23, AlarmBit::discharge_scp), release(0x24, AlarmBit::discharge_scp),
  trip(0x25, AlarmBit::discharge_otp), release(0x26, AlarmBit::discharge_otp),
  trip(0x2E, AlarmBit::discharge_on_failed),
  trip(0x39, AlarmBit::charge_mos_fault), trip(0x3A, AlarmBit::discharge_mos_fault),
  trip(0x3C, AlarmBit::cell_count_mismatch),
  trip(0x40, AlarmBit::discharge_ocp2), trip(0x41, AlarmBit::discharge_ocp3),
  trip(0x42, AlarmBit::scp_release_failed),
  trip(0x48, AlarmBit::discharge_utp), release(0x49, AlarmBit::discharge_utp),
  CodeRow{0x3D, EventType::emergency_started, kAny, o(Origin::button), kAny},
  CodeRow{0x3E, EventType::emergency_ended, kAny, o(Origin::button), kAny},
  CodeRow{0x2B, EventType::emergency_ended, kAny, o(Origin::internal), kAny},
  CodeRow{0x29, EventType::emergency_started, kAny, o(Origin::app), kAny},
  CodeRow{0x2A, EventType::emergency_ended, kAny, o(Origin::app), kAny},
  CodeRow{0x46, EventType::emergency_started, kAny, kAny, kAny},
  CodeRow{0x47, EventType::emergency_ended, kAny, kAny, kAny},
  CodeRow{0x43, EventType::factory_reset, c(core::Chemistry::li_ion), kAny, kAny},
  CodeRow{0x44, EventType::factory_reset, c(core::Chemistry::lfp), kAny, kAny},
  CodeRow{0x45, EventType::factory_reset, c(core::Chemistry::lto), kAny, kAny},
  CodeRow{0x43, EventType::preset_loaded, c(core::Chemistry::li_ion), kAny, kAny},
  CodeRow{0x44, EventType::preset_loaded, c(core::Chemistry::lfp), kAny, kAny},
  CodeRow{0x45, EventType::preset_loaded, c(core::Chemistry::lto), kAny, kAny},
  CodeRow{0x38, EventType::sleep, kAny, kAny, kAny},
  CodeRow{0x2C, EventType::shutdown, kAny, o(Origin::app), kAny},
  CodeRow{0x2D, EventType::shutdown, kAny, o(Origin::button), kAny},
  CodeRow{0x2F, EventType::shutdown, kAny, o(Origin::rs485), kAny},
  CodeRow{0x02, EventType::shutdown, kAny, kAny, kAny},
};
// clang-format on

// JK logs over-charge / over-discharge per cell: 0x64 + cell and 0xC8 + cell (cell 0-based).
constexpr uint8_t kCellOvpBase = 0x64;
constexpr uint8_t kCellUvpBase = 0xC8;
constexpr uint8_t kMaxCellCodes = 32;

constexpr bool matches(int16_t want, int32_t have) {
  return want == kAny || want == have;
}

constexpr uint16_t kCountOffset = 6;
constexpr uint16_t kNewestOffset = 10;
constexpr uint16_t kFirstEntry = 11;
constexpr uint16_t kEntrySize = 5;

}  // namespace

std::optional<uint8_t> jk_log_code(const core::Event& e) {
  for (const CodeRow& r : kCodes) {
    if (r.type == e.type && matches(r.arg, e.arg) && matches(r.origin, e.origin) &&
        matches(r.value, e.value)) {
      return r.code;
    }
  }
  return std::nullopt;
}

std::optional<core::Event> event_from_jk_code(LogEntry entry) {
  const auto cell_event = [&](uint8_t base, AlarmBit b) {
    return core::Event{entry.time_s, EventType::protection_trip, static_cast<uint8_t>(b), 0,
                       entry.code - base};
  };
  if (entry.code >= kCellOvpBase && entry.code < kCellOvpBase + kMaxCellCodes)
    return cell_event(kCellOvpBase, AlarmBit::cell_ovp);
  if (entry.code >= kCellUvpBase && entry.code < kCellUvpBase + kMaxCellCodes)
    return cell_event(kCellUvpBase, AlarmBit::cell_uvp);
  for (const CodeRow& r : kCodes) {
    if (r.code != entry.code) continue;
    const auto field = [](int16_t v) { return v == kAny ? 0 : v; };
    return core::Event{entry.time_s, r.type, static_cast<uint8_t>(field(r.arg)),
                       static_cast<uint8_t>(field(r.origin)), field(r.value)};
  }
  return std::nullopt;
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
