#include "host/client/wire.hpp"

#include <array>
#include <cstdio>
#include <cstring>

#include "protocols/jk/device_info_frame.hpp"
#include "protocols/jk/modbus.hpp"
#include "protocols/jk/nw_frame.hpp"
#include "protocols/jk/settings_frame.hpp"

namespace softbms::host::client {
namespace jk = protocols::jk;
using core::Param;

std::optional<Protocol> protocol_from_name(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kProtocolNames); ++i) {
    if (kProtocolNames[i] == name) return static_cast<Protocol>(i);
  }
  return std::nullopt;
}

namespace {

// The first position at or after `from` where `pattern` starts, or rx.size().
std::size_t find(Bytes rx, std::size_t from, std::initializer_list<uint8_t> pattern) {
  for (std::size_t i = from; i + pattern.size() <= rx.size(); ++i) {
    std::size_t k = 0;
    for (uint8_t b : pattern) {
      if (rx[i + k] != b) break;
      ++k;
    }
    if (k == pattern.size()) return i;
  }
  return rx.size();
}

constexpr Scan complete(std::size_t begin, std::size_t end) {
  return {Scan::State::complete, begin, end};
}

}  // namespace

Scan scan_55aa(Bytes rx, jk::FrameType want) {
  std::size_t i = find(rx, 0, {0x55, 0xAA, 0xEB, 0x90});
  while (i + jk::kFrameSize <= rx.size()) {
    const Bytes frame = rx.subspan(i, jk::kFrameSize);
    if (jk::check_frame(frame, want).ok()) return complete(i, i + jk::kFrameSize);
    // A frame of another type is skipped whole; a header with a bad sum may be data.
    const std::size_t next = jk::check_frame(frame).ok() ? i + jk::kFrameSize : i + 1;
    i = find(rx, next, {0x55, 0xAA, 0xEB, 0x90});
  }
  return {};
}

Scan scan_nw(Bytes rx) {
  constexpr std::size_t kMinFrame = 21;
  for (std::size_t i = find(rx, 0, {0x4E, 0x57}); i + 4 <= rx.size();
       i = find(rx, i + 1, {0x4E, 0x57})) {
    const std::size_t total = jk::get_be(rx, i + 2, 2) + 2u;
    if (total < kMinFrame || total > jk::kNwMaxFrame) continue;
    if (i + total > rx.size()) return {};
    const Bytes frame = rx.subspan(i, total);
    const bool sum_ok = jk::get_be(frame, total - 4, 4) == jk::sum16(frame.first(total - 4));
    if (sum_ok && frame[total - 5] == 0x68) return complete(i, i + total);
  }
  return {};
}

Scan scan_fc10_reply(Bytes rx, uint8_t address) {
  constexpr uint8_t kFc10 = 0x10;
  for (std::size_t i = 0; i + 2 <= rx.size(); ++i) {
    if (rx[i] != address || (rx[i + 1] & 0x7F) != kFc10) continue;
    const std::size_t size = rx[i + 1] == kFc10 ? 8 : 5;
    if (i + size > rx.size()) continue;
    if (jk::crc_ok(rx.subspan(i, size))) return complete(i, i + size);
  }
  return {};
}

Scan scan_ble_ack(Bytes rx) {
  for (std::size_t i = find(rx, 0, {0xAA, 0x55, 0x90, 0xEB}); i + jk::kCommandSize <= rx.size();
       i = find(rx, i + 1, {0xAA, 0x55, 0x90, 0xEB})) {
    if (jk::is_write_ack(rx.subspan(i, jk::kCommandSize))) return complete(i, i + jk::kCommandSize);
  }
  return {};
}

uint8_t fc10_exception(Bytes reply) {
  return reply.size() == 5 && (reply[1] & 0x80) != 0 ? reply[2] : 0;
}

std::vector<uint8_t> encode_fc10_write(uint8_t address, uint16_t start, Bytes data) {
  std::vector<uint8_t> out(9 + data.size());
  out[0] = address;
  out[1] = 0x10;
  jk::put_be(out, 2, 2, start);
  jk::put_be(out, 4, 2, static_cast<uint32_t>(data.size() / 2));
  out[6] = static_cast<uint8_t>(data.size());
  std::copy(data.begin(), data.end(), out.begin() + 7);
  jk::append_crc(out, 7 + data.size());
  return out;
}

// ---- JK-PB register writes ----

namespace {

constexpr std::size_t kFrameOffset = 6;  // register = block + frame offset - 6

// A one-byte or multi-byte field of a Modbus block that a client may write.
struct PbField {
  Param param;
  uint16_t block;
  uint16_t offset;
  uint8_t size;
  int8_t bit;
};

// The same rule the JK-PB codec answers by: a settings row with a BLE 32S register or a
// control-word bit, or one of the device-info settings.
std::optional<PbField> pb_field(Param p) {
  const core::ParamInfo& row = core::info(p);
  if (jk::in_settings_frame(row, jk::Layout::jk02_32s) && (row.jk.ble32 != 0 || row.jk.bit >= 0))
    return PbField{p, jk::kSettingsBlock, row.jk.offset, row.jk.size, row.jk.bit};
  for (const jk::DeviceInfoParam& d : jk::kDeviceInfoParams) {
    if (d.param == p) return PbField{p, jk::kAboutBlock, d.offset, 1, -1};
  }
  return std::nullopt;
}

// The writable one-byte field at this offset of the block, if any.
std::optional<PbField> byte_field_at(uint16_t block, std::size_t offset) {
  for (const core::ParamInfo& row : core::kParams) {
    const auto f = pb_field(row.id);
    if (f && f->block == block && f->size == 1 && f->offset == offset) return f;
  }
  return std::nullopt;
}

uint8_t wire_byte(const PbField& f, int32_t value) {
  return static_cast<uint8_t>(jk::to_wire(core::info(f.param), value));
}

}  // namespace

Result<RegisterWrite> pb_register_write(Param p, int32_t value, const core::Settings& now,
                                        uint16_t control_word_now) {
  const auto f = pb_field(p);
  if (!f) return Status(Errc::unknown_field, static_cast<uint16_t>(p));
  RegisterWrite w;
  if (f->bit >= 0) {
    // The whole control word goes out: bits softbms does not model keep the board's value.
    const uint16_t mask = static_cast<uint16_t>(1u << f->bit);
    const uint16_t word = value != 0 ? (control_word_now | mask) : (control_word_now & ~mask);
    w.start = static_cast<uint16_t>(f->block + jk::kControlWordOffset - kFrameOffset);
    w.data = {static_cast<uint8_t>(word >> 8), static_cast<uint8_t>(word)};
    return w;
  }
  if (f->size > 1) {
    w.start = static_cast<uint16_t>(f->block + f->offset - kFrameOffset);
    w.data.resize(f->size);
    jk::put_be(w.data, 0, f->size, static_cast<uint32_t>(jk::to_wire(core::info(p), value)));
    return w;
  }
  // A register is two bytes: a one-byte field goes out with its writable neighbour unchanged.
  if (const auto next = byte_field_at(f->block, f->offset + 1u)) {
    w.start = static_cast<uint16_t>(f->block + f->offset - kFrameOffset);
    w.data = {wire_byte(*f, value), wire_byte(*next, now.raw(next->param))};
    return w;
  }
  if (const auto prev = byte_field_at(f->block, f->offset - 1u)) {
    w.start = static_cast<uint16_t>(f->block + prev->offset - kFrameOffset);
    w.data = {wire_byte(*prev, now.raw(prev->param)), wire_byte(*f, value)};
    return w;
  }
  return Status(Errc::unknown_field, static_cast<uint16_t>(p));
}

// ---- 4E57 register writes ----

Result<NwWrite> nw_register_write(Param p, int32_t value) {
  // The codec's record table is the map: ask it which register and unit give back (p, value).
  constexpr std::array<int32_t, 4> kUnits = {1, 10, 100, 1000};
  bool coarser = false;
  for (uint16_t id = 0x80; id <= 0xC0; ++id) {
    std::array<uint8_t, jk::kNwMaxFrame> probe{};
    const Result<std::size_t> size =
        jk::encode_nw_write_request(static_cast<uint8_t>(id), 0, probe);
    if (!size.ok()) continue;
    const std::size_t len = size.value() - 21;  // header 11 + id 1 + trailer 9
    const uint32_t mask = len >= 4 ? 0xFFFFFFFFu : (1u << (8 * len)) - 1u;
    for (int32_t unit : kUnits) {
      jk::NwRequest req{jk::NwCommand::write, 3, static_cast<uint8_t>(id),
                        static_cast<uint32_t>(value / unit) & mask};
      const Result<core::Command> c = jk::nw_write_command(req);
      if (!c.ok() || c.value().param != p) continue;
      if (c.value().value == value) return NwWrite{static_cast<uint8_t>(id), req.value, unit};
      coarser = true;
    }
  }
  return Status(coarser ? Errc::bad_value : Errc::unknown_field, static_cast<uint16_t>(p));
}

Result<jk::CommandFrame> ble_write(Param p, int32_t value, jk::Layout layout) {
  core::Command c;
  c.kind = core::CommandKind::set_param;
  c.origin = core::Origin::cli;
  c.param = p;
  c.value = value;
  jk::CommandFrame out{};
  const Status st = jk::encode_ble_command(c, layout, out);
  if (!st.ok()) return Status(Errc::unknown_field, static_cast<uint16_t>(p));
  return out;
}

std::string hex(Bytes bytes) {
  std::string out;
  char buf[4];
  for (uint8_t b : bytes) {
    std::snprintf(buf, sizeof buf, "%02X", b);
    if (!out.empty()) out += ' ';
    out += buf;
  }
  return out;
}

std::string hex16(uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", v);
  return buf;
}

jk::Layout ble_cell_info_layout(Bytes cell_info) {
  constexpr std::size_t kFirstCell = 6;
  if (cell_info.size() < jk::kFrameSize) return jk::Layout::jk02_32s;
  const uint32_t bits = jk::get_le(cell_info, kFirstCell, 4);
  float volts = 0;
  static_assert(sizeof volts == sizeof bits);
  std::memcpy(&volts, &bits, sizeof volts);
  if (volts >= 0.5F && volts <= 5.0F) return jk::Layout::jk04;
  return jk::guess_cell_info_layout(cell_info);
}

std::string_view layout_name(jk::Layout l) {
  constexpr std::string_view kNames[] = {"JK02_24S", "JK02_32S", "JK04"};
  return kNames[static_cast<std::size_t>(l)];
}

}  // namespace softbms::host::client
