#include "protocols/jk/modbus.hpp"

#include <algorithm>

#include "protocols/jk/cell_info.hpp"
#include "protocols/jk/device_info_frame.hpp"
#include "protocols/jk/settings_frame.hpp"

namespace softbms::protocols::jk {
namespace {

using core::Command;
using core::CommandKind;
using core::Param;

constexpr uint8_t kReadHolding = 0x03;
constexpr uint8_t kWriteSingle = 0x06;
constexpr uint8_t kWriteMultiple = 0x10;
constexpr uint16_t kMaxReadWords = 125;
constexpr uint16_t kMaxWriteWords = 123;
constexpr std::size_t kFrameOffset = 6;  // register base + 0 = frame byte 6

using Image = std::array<uint8_t, kBlockBytes>;

struct Request {
  uint8_t address;
  uint8_t function;
  uint16_t start;
  uint16_t words;
  Bytes data;  // written bytes (big-endian), empty for reads
};

// A field a Modbus client may write: where it sits in its block image and what it sets.
struct WritableField {
  uint16_t offset;  // frame offset
  uint8_t size;
  int8_t bit;  // >= 0: one bit of the control word
  Param param;
};
using FieldList = std::array<WritableField, core::kParamCount>;

bool modbus_writable(const core::ParamInfo& row) {
  return in_settings_frame(row, Layout::jk02_32s) && (row.jk.ble32 != 0 || row.jk.bit >= 0);
}

std::size_t writable_fields(uint16_t block, FieldList& out) {
  std::size_t n = 0;
  if (block == kSettingsBlock) {
    for (const core::ParamInfo& row : core::kParams) {
      if (modbus_writable(row)) out[n++] = {row.jk.offset, row.jk.size, row.jk.bit, row.id};
    }
  } else if (block == kAboutBlock) {
    for (const DeviceInfoParam& p : kDeviceInfoParams) out[n++] = {p.offset, 1, -1, p.param};
  }
  return n;
}

// ---- block images (big-endian) ----

uint8_t settings_width(uint16_t off) {
  if (off == kControlWordOffset) return 2;
  for (const core::ParamInfo& row : core::kParams) {
    if (in_settings_frame(row, Layout::jk02_32s) && row.jk.bit < 0 && row.jk.offset == off)
      return row.jk.size;
  }
  return 0;
}
uint8_t device_info_width(uint16_t off) {
  return off == 38 || off == 42 ? 4 : 0;
}
uint8_t status_width(uint16_t off) {
  return cell_info_field_size(Layout::jk02_32s, off);
}

// The frame's little-endian fields, turned big-endian, from byte 6 on.
void to_image(const Frame& f, uint8_t (*width)(uint16_t), Image& img) {
  std::copy(f.begin() + kFrameOffset, f.end(), img.begin());
  img[kBlockBytes - 1] = 0;  // the sum8 is not a register
  for (std::size_t off = kFrameOffset; off < kFrameSize - 1;) {
    const uint8_t w = std::max<uint8_t>(width(static_cast<uint16_t>(off)), 1);
    std::reverse(img.begin() + (off - kFrameOffset), img.begin() + (off - kFrameOffset + w));
    off += w;
  }
}

bool block_image(uint16_t block, const BmsView& v, Image& img) {
  Frame f{};
  const FrameStamp rs485{Link::rs485, 0};
  if (block == kSettingsBlock) {
    static_cast<void>(encode_settings(v.settings, Layout::jk02_32s, rs485, f));
    to_image(f, settings_width, img);
  } else if (block == kStatusBlock) {
    static_cast<void>(encode_cell_info(v.snapshot, Layout::jk02_32s, rs485, f));
    to_image(f, status_width, img);
  } else if (block == kAboutBlock) {
    encode_device_info(v.info, v.snapshot, v.settings, rs485, f);
    to_image(f, device_info_width, img);
  } else {
    return false;
  }
  return true;
}

// The readable block holding [start, start + bytes), or 0.
uint16_t block_of(uint16_t start, std::size_t bytes) {
  for (uint16_t b : {kSettingsBlock, kStatusBlock, kAboutBlock}) {
    if (start >= b && start - b + bytes <= kBlockBytes) return b;
  }
  return 0;
}

// ---- reply builders ----

ModbusOutcome outcome(std::size_t reply_size, Status status) {
  ModbusOutcome o;
  o.reply_size = reply_size;
  o.status = status;
  return o;
}

std::size_t finish(ModbusReplyOut out, std::size_t size) {
  return append_crc(out, size);
}

ModbusOutcome exception(const Request& r, ModbusException code, Status why, ModbusReplyOut out) {
  out[0] = r.address;
  out[1] = static_cast<uint8_t>(r.function | 0x80);
  out[2] = static_cast<uint8_t>(code);
  return outcome(finish(out, 3), why);
}

std::size_t write_ack(const Request& r, Bytes raw, MutBytes out) {
  if (r.function == kWriteSingle) {
    std::copy(raw.begin(), raw.end(), out.begin());
    return raw.size();
  }
  out[0] = r.address;
  out[1] = kWriteMultiple;
  put_be(out, 2, 2, r.start);
  put_be(out, 4, 2, r.words);
  return append_crc(out, 6);
}

// ---- parsing ----

Result<Request> parse(Bytes raw) {
  Request r{raw[0], raw[1], 0, 0, {}};
  if (r.function != kReadHolding && r.function != kWriteSingle && r.function != kWriteMultiple)
    return r;
  const std::size_t fixed = r.function == kWriteMultiple ? 7 : 6;  // without the CRC
  if (raw.size() < fixed) return wrong_length(raw.size());
  r.start = static_cast<uint16_t>(get_be(raw, 2, 2));
  r.words = static_cast<uint16_t>(get_be(raw, 4, 2));
  if (r.function != kWriteMultiple && raw.size() != fixed) return wrong_length(raw.size());
  if (r.function == kWriteSingle) {
    r.data = raw.subspan(4, 2);
    r.words = 1;
  } else if (r.function == kWriteMultiple) {
    if (raw[6] != 2u * r.words || raw.size() != fixed + raw[6]) return wrong_length(raw.size());
    r.data = raw.subspan(7, raw[6]);
  }
  return r;
}

// ---- reads ----

ModbusOutcome read(const Request& r, const BmsView& v, ModbusReplyOut out) {
  if (r.words == 0 || r.words > kMaxReadWords)
    return exception(r, ModbusException::illegal_value, value_out_of_range(r.words), out);
  const std::size_t bytes = 2u * r.words;
  const uint16_t block = block_of(r.start, bytes);
  Image img{};
  if (block == 0 || !block_image(block, v, img))
    return exception(r, ModbusException::illegal_address, unknown_register(r.start), out);
  out[0] = r.address;
  out[1] = kReadHolding;
  out[2] = static_cast<uint8_t>(bytes);
  std::copy_n(img.begin() + (r.start - block), bytes, out.begin() + 3);
  return outcome(finish(out, 3 + bytes), ok_status());
}

// ---- writes to settings and about ----

int32_t field_value(const WritableField& f, const Image& img) {
  const std::size_t at = f.offset - kFrameOffset;
  if (f.bit >= 0) return (get_be(img, at, 2) >> f.bit) & 1;
  const core::ParamInfo& row = core::info(f.param);
  const uint32_t raw = get_be(img, at, f.size);
  return from_wire(row, row.min < 0 ? sign_extend(raw, f.size) : static_cast<int32_t>(raw));
}

struct Span {
  std::size_t begin;
  std::size_t end;
};
Span span_of(const WritableField& f) {
  return f.bit >= 0 ? Span{kControlWordOffset, kControlWordOffset + 2u}
                    : Span{f.offset, f.offset + std::size_t{f.size}};
}

// Every written byte must belong to a writable field that the write covers whole.
bool covers_whole_fields(Span w, const FieldList& fields, std::size_t n) {
  for (std::size_t b = w.begin; b < w.end; ++b) {
    bool ok = false;
    for (std::size_t i = 0; i < n && !ok; ++i) {
      const Span f = span_of(fields[i]);
      ok = b >= f.begin && b < f.end && f.begin >= w.begin && f.end <= w.end;
    }
    if (!ok) return false;
  }
  return true;
}

ModbusOutcome write_fields(const Request& r, uint16_t block, const BmsView& v, Bytes raw,
                           ModbusReplyOut out) {
  FieldList fields{};
  const std::size_t n = writable_fields(block, fields);
  const Span w{r.start - block + kFrameOffset, r.start - block + kFrameOffset + r.data.size()};
  if (!covers_whole_fields(w, fields, n))
    return exception(r, ModbusException::illegal_address, unknown_register(r.start), out);
  Image img{};
  block_image(block, v, img);
  std::copy(r.data.begin(), r.data.end(), img.begin() + (w.begin - kFrameOffset));
  ModbusOutcome result;
  result.change.origin = core::Origin::rs485;
  for (std::size_t i = 0; i < n; ++i) {
    const Span f = span_of(fields[i]);
    if (f.begin < w.begin || f.end > w.end) continue;
    const int32_t value = field_value(fields[i], img);
    if (value == v.settings.raw(fields[i].param)) continue;
    static_cast<void>(result.change.changes.set(fields[i].param, value));  // a table Param
  }
  result.reply_size = write_ack(r, raw, out);
  return result;
}

// ---- writes to the control block ----

struct ControlRegister {
  uint16_t address;
  uint16_t words;
  CommandKind kind;
  core::Chemistry chemistry;
};
constexpr std::array<ControlRegister, 8> kControls = {{
    {0x1600, 2, CommandKind::calibrate_voltage, core::Chemistry::lfp},
    {0x1604, 1, CommandKind::shutdown, core::Chemistry::lfp},
    {0x1606, 2, CommandKind::calibrate_current, core::Chemistry::lfp},
    {0x160A, 1, CommandKind::load_preset, core::Chemistry::li_ion},
    {0x160C, 1, CommandKind::load_preset, core::Chemistry::lfp},
    {0x160E, 1, CommandKind::load_preset, core::Chemistry::lto},
    {0x1610, 1, CommandKind::emergency, core::Chemistry::lfp},
    {0x1612, 2, CommandKind::set_clock, core::Chemistry::lfp},
}};

struct Trigger {
  uint16_t address;
  FrameType type;
};
constexpr std::array<Trigger, 3> kTriggers = {{
    {kTriggerAbout, FrameType::device_info},
    {kTriggerSettings, FrameType::settings},
    {kTriggerStatus, FrameType::cell_info},
}};

ModbusOutcome dump(const Request& r, FrameType type, const BmsView& v, Bytes raw,
                   ModbusReplyOut out) {
  const FrameStamp rs485{Link::rs485, 0};
  const FrameOut frame = out.first<kFrameSize>();
  if (type == FrameType::settings)
    static_cast<void>(encode_settings(v.settings, Layout::jk02_32s, rs485, frame));
  if (type == FrameType::cell_info)
    static_cast<void>(encode_cell_info(v.snapshot, Layout::jk02_32s, rs485, frame));
  if (type == FrameType::device_info)
    encode_device_info(v.info, v.snapshot, v.settings, rs485, frame);
  const std::size_t ack = write_ack(r, raw, out.subspan(kFrameSize));
  return outcome(kFrameSize + ack, ok_status());
}

ModbusOutcome write_control(const Request& r, const BmsView& v, Bytes raw, ModbusReplyOut out) {
  for (const Trigger& t : kTriggers) {
    if (t.address == r.start && r.words == 1) return dump(r, t.type, v, raw, out);
  }
  for (const ControlRegister& c : kControls) {
    if (c.address != r.start) continue;
    if (c.words != r.words)
      return exception(r, ModbusException::illegal_address, unknown_register(r.start), out);
    ModbusOutcome result;
    result.has_command = true;
    Command& cmd = result.command;
    cmd.kind = c.kind;
    cmd.origin = core::Origin::rs485;
    cmd.chemistry = c.kind == CommandKind::load_preset ? c.chemistry : v.settings.chemistry();
    const uint32_t value = get_be(r.data, 0, r.data.size());
    cmd.value = c.kind == CommandKind::emergency
                    ? 1
                    : (c.words == 2 ? static_cast<int32_t>(value) : sign_extend(value, 2));
    result.reply_size = write_ack(r, raw, out);
    return result;
  }
  return exception(r, ModbusException::illegal_address, unknown_register(r.start), out);
}

ModbusOutcome write(const Request& r, const BmsView& v, Bytes raw, ModbusReplyOut out) {
  if (r.words == 0 || r.words > kMaxWriteWords)
    return exception(r, ModbusException::illegal_value, value_out_of_range(r.words), out);
  if (r.start >= kControlBlock && r.start < kControlBlock + kBlockBytes)
    return write_control(r, v, raw, out);
  for (uint16_t block : {kSettingsBlock, kAboutBlock}) {
    if (r.start >= block && r.start - block + r.data.size() <= kBlockBytes)
      return write_fields(r, block, v, raw, out);
  }
  return exception(r, ModbusException::illegal_address, unknown_register(r.start), out);
}

}  // namespace

uint8_t modbus_exception_for(const Status& s) {
  switch (s.code()) {
    case Errc::not_authorized:
      return static_cast<uint8_t>(ModbusException::illegal_function);
    case Errc::unknown_field:
      return static_cast<uint8_t>(ModbusException::illegal_address);
    case Errc::out_of_range:
    case Errc::rule_violation:
    case Errc::bad_value:
      return static_cast<uint8_t>(ModbusException::illegal_value);
    default:
      return static_cast<uint8_t>(ModbusException::device_failure);
  }
}

std::size_t encode_exception(Bytes request, uint8_t code, MutBytes out) {
  out[0] = request[0];
  out[1] = static_cast<uint8_t>(request[1] | 0x80);
  out[2] = code;
  return append_crc(out, 3);
}

bool crc_ok(Bytes frame) {
  if (frame.size() < 4) return false;
  const std::size_t n = frame.size() - 2;
  return crc16_modbus(frame.first(n)) == (frame[n] | (frame[n + 1] << 8));
}

std::size_t append_crc(MutBytes frame, std::size_t size) {
  const uint16_t crc = crc16_modbus(Bytes(frame).first(size));
  frame[size] = static_cast<uint8_t>(crc);
  frame[size + 1] = static_cast<uint8_t>(crc >> 8);
  return size + 2;
}

ModbusOutcome handle_modbus(Bytes request, uint8_t our_address, const BmsView& view,
                            ModbusReplyOut reply) {
  if (request.size() < 4) return outcome(0, wrong_length(request.size()));
  if (!crc_ok(request)) return outcome(0, bad_checksum());
  if (request[0] != our_address) return outcome(0, Status(Errc::not_found, request[0]));
  const Result<Request> parsed = parse(request.first(request.size() - 2));
  const Request r = parsed.ok() ? parsed.value() : Request{request[0], request[1], 0, 0, {}};
  if (!parsed.ok()) return exception(r, ModbusException::illegal_value, parsed.status(), reply);
  switch (r.function) {
    case kReadHolding:
      return read(r, view, reply);
    case kWriteSingle:
    case kWriteMultiple:
      return write(r, view, request, reply);
    default:
      return exception(r, ModbusException::illegal_function, unknown_register(r.function), reply);
  }
}

std::size_t encode_read_request(uint8_t address, uint16_t start, uint16_t count,
                                std::span<uint8_t, 8> out) {
  out[0] = address;
  out[1] = kReadHolding;
  put_be(out, 2, 2, start);
  put_be(out, 4, 2, count);
  return append_crc(out, 6);
}

std::size_t encode_trigger(uint8_t address, uint16_t trigger, std::span<uint8_t, 11> out) {
  out[0] = address;
  out[1] = kWriteMultiple;
  put_be(out, 2, 2, trigger);
  put_be(out, 4, 2, 1);
  out[6] = 2;
  put_be(out, 7, 2, 0);
  return append_crc(out, 9);
}

}  // namespace softbms::protocols::jk
