#include "protocols/jk/nw_frame.hpp"

#include <bit>
#include <cstdint>

#include "core/io/alarm.hpp"

namespace softbms::protocols::jk {
namespace {

using core::AlarmBit;
using core::Param;

constexpr uint8_t kCellsId = 0x79;
constexpr uint8_t kEndMarker = 0x68;
constexpr uint8_t kCurrentId = 0x84;
constexpr std::size_t kHeaderSize = 11;  // 4E 57, length, terminal, command, source, type
constexpr std::size_t kTrailerSize = 9;  // record number, 0x68, checksum
constexpr uint8_t kReply = 0x01;
constexpr uint8_t kProtocolVersion = 0x01;

enum class Kind : uint8_t { cells, param, read_only_param, value, text };

// One record of the read-all reply, in JK's order. param rows: wire = stored / divisor.
struct Record {
  uint8_t id;
  uint8_t len;
  Kind kind;
  Param param = Param::cell_ovp;
  int32_t divisor = 1;
  int64_t (*get)(const BmsView&) = nullptr;
  void (*set)(NwDecoded&, int64_t) = nullptr;
  void (*put_text)(const BmsView&, MutBytes) = nullptr;
  void (*get_text)(NwDecoded&, Bytes) = nullptr;
};

constexpr Record param(uint8_t id, uint8_t len, Param p, int32_t divisor = 1) {
  return {id, len, Kind::param, p, divisor};
}
constexpr Record shown(uint8_t id, uint8_t len, Param p, int32_t divisor = 1) {
  return {id, len, Kind::read_only_param, p, divisor};
}
constexpr Record value(uint8_t id, uint8_t len, int64_t (*get)(const BmsView&),
                       void (*set)(NwDecoded&, int64_t) = nullptr) {
  return {id, len, Kind::value, Param::cell_ovp, 1, get, set};
}
constexpr Record text(uint8_t id, uint8_t len, void (*put)(const BmsView&, MutBytes),
                      void (*get)(NwDecoded&, Bytes) = nullptr) {
  return {id, len, Kind::text, Param::cell_ovp, 1, nullptr, nullptr, put, get};
}

// 0x8B warning bits and the JK alarm bits that raise them.
struct WarningBit {
  uint8_t bit;
  uint32_t alarms;
};
constexpr std::array<WarningBit, 10> kWarnings = {{
    {1, core::alarm_mask(AlarmBit::mos_otp)},
    {2, core::alarm_mask(AlarmBit::pack_ovp)},
    {3, core::alarm_mask(AlarmBit::pack_uvp)},
    {4, core::alarm_mask(AlarmBit::discharge_otp) | core::alarm_mask(AlarmBit::battery_otp)},
    {5, core::alarm_mask(AlarmBit::charge_ocp)},
    {6, core::alarm_mask(AlarmBit::discharge_ocp)},
    {8, core::alarm_mask(AlarmBit::charge_otp)},
    {9, core::alarm_mask(AlarmBit::charge_utp) | core::alarm_mask(AlarmBit::discharge_utp)},
    {10, core::alarm_mask(AlarmBit::cell_ovp)},
    {11, core::alarm_mask(AlarmBit::cell_uvp)},
}};

int64_t warnings_of(uint32_t alarms) {
  uint32_t w = 0;
  for (const WarningBit& b : kWarnings) {
    if ((alarms & b.alarms) != 0) w |= uint32_t{1} << b.bit;
  }
  return w;
}
uint32_t alarms_of(int64_t warnings) {
  uint32_t a = 0;
  for (const WarningBit& b : kWarnings) {
    if ((warnings >> b.bit) & 1) a |= uint32_t{1} << std::countr_zero(b.alarms);
  }
  return a;
}

// 0xAF battery type: 0 LFP, 1 ternary (Li-ion), 2 LTO.
constexpr std::array<uint8_t, core::kChemistryCount> kBatteryType = {1, 0, 2};
core::Chemistry chemistry_of(int64_t type) {
  for (std::size_t c = 0; c < kBatteryType.size(); ++c) {
    if (kBatteryType[c] == type) return static_cast<core::Chemistry>(c);
  }
  return core::Chemistry::lfp;
}

void put_padded(MutBytes out, std::string_view s, char pad) {
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<uint8_t>(i < s.size() ? s[i] : pad);
}
std::string_view trim_pad(Bytes b) {
  std::string_view s(reinterpret_cast<const char*>(b.data()), b.size());
  while (!s.empty() && (s.back() == '_' || s.back() == '\0' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

// 0xB7: "<hw padded to 5 with _>_S<sw>" padded with _ to 15, e.g. "10.XW_S10.07___".
void put_version(const BmsView& v, MutBytes out) {
  put_padded(out, v.info.hw_version.view().substr(0, 5), '_');
  if (out.size() < 7) return;
  out[5] = '_';
  out[6] = 'S';
  put_padded(out.subspan(7), v.info.sw_version.view(), '_');
}
void get_version(NwDecoded& d, Bytes in) {
  const std::string_view s(reinterpret_cast<const char*>(in.data()), in.size());
  const std::size_t split = s.find("_S");
  if (split == std::string_view::npos) return;
  d.info.hw_version.assign(trim_pad(in.first(split)).substr(0, 8));
  d.info.sw_version.assign(trim_pad(in.subspan(split + 2)).substr(0, 8));
}

int64_t temp_get(const BmsView& v, std::size_t i) {
  return nw_temp_code(v.snapshot.temp[i]);
}
void temp_set(NwDecoded& d, std::size_t i, int64_t code) {
  d.snapshot.temp[i] = nw_temp_from_code(static_cast<uint16_t>(code));
  d.snapshot.temp_present_mask = static_cast<uint8_t>(d.snapshot.temp_present_mask | (1u << i));
}

// clang-format off
const std::array kRecords = {
  Record{kCellsId, 0, Kind::cells},
  value(0x80, 2, [](const BmsView& v) { return temp_get(v, 0); }, [](NwDecoded& d, int64_t x) { temp_set(d, 0, x); }),
  value(0x81, 2, [](const BmsView& v) { return temp_get(v, 1); }, [](NwDecoded& d, int64_t x) { temp_set(d, 1, x); }),
  value(0x82, 2, [](const BmsView& v) { return temp_get(v, 2); }, [](NwDecoded& d, int64_t x) { temp_set(d, 2, x); }),
  value(0x83, 2, [](const BmsView& v) -> int64_t { return v.snapshot.pack_voltage.count() / 10; },
        [](NwDecoded& d, int64_t x) { d.snapshot.pack_voltage = Millivolts(static_cast<int32_t>(x * 10)); }),
  value(0x84, 2, [](const BmsView& v) -> int64_t { return nw_current_code(v.snapshot.current); },
        [](NwDecoded& d, int64_t x) { d.snapshot.current = Milliamps(static_cast<int32_t>(x)); }),  // raw until 0xC0 is known
  value(0x85, 1, [](const BmsView& v) -> int64_t { return v.snapshot.soc_percent; },
        [](NwDecoded& d, int64_t x) { d.snapshot.soc_percent = static_cast<uint8_t>(x); d.snapshot.soc_permille = static_cast<int32_t>(x) * 10; }),
  value(0x86, 1, [](const BmsView&) -> int64_t { return 2; }),  // battery sensors this record set reports
  value(0x87, 2, [](const BmsView& v) -> int64_t { return v.snapshot.cycles; },
        [](NwDecoded& d, int64_t x) { d.snapshot.cycles = static_cast<uint32_t>(x); }),
  value(0x89, 4, [](const BmsView& v) -> int64_t { return v.snapshot.cycle_capacity.count() / 1000; },
        [](NwDecoded& d, int64_t x) { d.snapshot.cycle_capacity = MilliampHours(x * 1000); }),
  value(0x8A, 2, [](const BmsView& v) -> int64_t { return v.snapshot.cell_count; }),
  value(0x8B, 2, [](const BmsView& v) { return warnings_of(v.snapshot.alarms); },
        [](NwDecoded& d, int64_t x) { d.snapshot.alarms = alarms_of(x); }),
  value(0x8C, 2, [](const BmsView& v) -> int64_t {
          const auto& s = v.snapshot;
          return (s.charge_fet ? 1 : 0) | (s.discharge_fet ? 2 : 0) | (s.balance_state != core::BalanceState::off ? 4 : 0) | (s.cell_count > 0 ? 8 : 0);
        },
        [](NwDecoded& d, int64_t x) {
          d.snapshot.charge_fet = (x & 1) != 0;
          d.snapshot.discharge_fet = (x & 2) != 0;
          d.snapshot.balance_state = (x & 4) != 0 ? core::BalanceState::charging_cell : core::BalanceState::off;
        }),
  param(0x8E, 2, Param::pack_ovp, 10), param(0x8F, 2, Param::pack_uvp, 10),
  param(0x90, 2, Param::cell_ovp), param(0x91, 2, Param::cell_ovpr), param(0x92, 2, Param::cell_ovp_delay),
  param(0x93, 2, Param::cell_uvp), param(0x94, 2, Param::cell_uvpr), param(0x95, 2, Param::cell_uvp_delay),
  value(0x96, 2, [](const BmsView&) -> int64_t { return 0; }),  // cell-delta protection: not in use
  param(0x97, 2, Param::discharge_ocp_current, 1000), param(0x98, 2, Param::discharge_ocp_delay),
  param(0x99, 2, Param::charge_ocp_current, 1000), param(0x9A, 2, Param::charge_ocp_delay),
  param(0x9B, 2, Param::start_balance_voltage), param(0x9C, 2, Param::balance_trigger_delta),
  param(0x9D, 1, Param::balance_enabled),
  param(0x9E, 2, Param::mos_otp, 10), param(0x9F, 2, Param::mos_otpr, 10),
  // Box over-temperature: JK's box sensor is T1, which our discharge OTP already watches.
  shown(0xA0, 2, Param::discharge_otp, 10), shown(0xA1, 2, Param::discharge_otpr, 10),
  value(0xA2, 2, [](const BmsView&) -> int64_t { return 0; }),  // temperature-difference protection: not in use
  param(0xA3, 2, Param::charge_otp, 10), param(0xA4, 2, Param::discharge_otp, 10),
  param(0xA5, 2, Param::charge_utp, 10), param(0xA6, 2, Param::charge_utpr, 10),
  param(0xA7, 2, Param::discharge_utp, 10), param(0xA8, 2, Param::discharge_utpr, 10),
  param(0xA9, 1, Param::cell_count), param(0xAA, 4, Param::design_capacity, 1000),
  param(0xAB, 1, Param::charge_enabled), param(0xAC, 1, Param::discharge_enabled),
  value(0xAD, 2, [](const BmsView& v) -> int64_t { return v.settings.raw(Param::current_calibration) / 1000; }),
  shown(0xAE, 1, Param::device_address),
  value(0xAF, 1, [](const BmsView& v) -> int64_t { return kBatteryType[static_cast<std::size_t>(v.settings.chemistry())]; },
        [](NwDecoded& d, int64_t x) { d.settings.set_chemistry(chemistry_of(x)); }),
  value(0xB0, 2, [](const BmsView& v) -> int64_t { return int64_t{v.settings.raw(Param::smart_sleep_hours)} * 3600; }),
  value(0xB1, 1, [](const BmsView&) -> int64_t { return 0; }),  // low-capacity alarm: not in use
  text(0xB2, 10, [](const BmsView&, MutBytes out) { put_padded(out, {}, '\0'); }),  // passwords never leave
  param(0xB3, 1, Param::special_charger),
  text(0xB4, 8, [](const BmsView& v, MutBytes out) { put_padded(out, v.info.user_data.view(), '\0'); }),
  text(0xB5, 4, [](const BmsView& v, MutBytes out) { put_padded(out, v.info.manufacturing_date.view().substr(0, 4), '0'); },
       [](NwDecoded& d, Bytes in) { d.info.manufacturing_date.assign(trim_pad(in)); }),
  value(0xB6, 4, [](const BmsView& v) -> int64_t { return v.snapshot.runtime.count() / 60; },
        [](NwDecoded& d, int64_t x) { d.snapshot.runtime = Seconds(x * 60); }),
  text(0xB7, 15, put_version, get_version),
  value(0xB8, 1, [](const BmsView&) -> int64_t { return 0; }),
  value(0xB9, 4, [](const BmsView& v) -> int64_t { return v.snapshot.full_capacity.count() / 1000; },
        [](NwDecoded& d, int64_t x) { d.snapshot.full_capacity = MilliampHours(x * 1000); }),
  text(0xBA, 24, [](const BmsView& v, MutBytes out) {
         put_padded(out.first(12), v.info.user_data.view(), ' ');
         put_padded(out.subspan(12), v.info.model.view(), ' ');
       }),
  value(0xC0, 1, [](const BmsView&) -> int64_t { return kProtocolVersion; },
        [](NwDecoded& d, int64_t x) { d.protocol_version = static_cast<uint8_t>(x); }),
};
// clang-format on

const Record* find_record(uint8_t id) {
  for (const Record& r : kRecords) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

int64_t saturate(int64_t v, uint8_t len, bool is_signed) {
  const int64_t lo = is_signed ? -(int64_t{1} << (8 * len - 1)) : 0;
  const int64_t hi = is_signed ? (int64_t{1} << (8 * len - 1)) - 1 : (int64_t{1} << (8 * len)) - 1;
  return v < lo ? lo : (v > hi ? hi : v);
}

int64_t param_wire(const Record& r, const core::Settings& s) {
  const int64_t stored = s.raw(r.param);
  return stored / r.divisor;
}

std::size_t put_record(const Record& r, const BmsView& v, MutBytes out, std::size_t pos) {
  out[pos++] = r.id;
  if (r.kind == Kind::cells) {
    const std::size_t n = v.snapshot.cell_count;
    out[pos++] = static_cast<uint8_t>(3 * n);
    for (std::size_t i = 0; i < n; ++i) {
      out[pos++] = static_cast<uint8_t>(i + 1);
      put_be(out, pos, 2, static_cast<uint32_t>(saturate(v.snapshot.cell[i].count(), 2, false)));
      pos += 2;
    }
    return pos;
  }
  if (r.kind == Kind::text) {
    r.put_text(v, out.subspan(pos, r.len));
    return pos + r.len;
  }
  const bool is_param = r.kind == Kind::param || r.kind == Kind::read_only_param;
  const bool is_signed = is_param && core::info(r.param).min < 0;
  const int64_t x = is_param ? param_wire(r, v.settings) : r.get(v);
  put_be(out, pos, r.len, static_cast<uint32_t>(saturate(x, r.len, is_signed)));
  return pos + r.len;
}

void write_frame_shell(MutBytes out, std::size_t total, uint8_t command, uint8_t source,
                       uint8_t type) {
  put_be(out, 0, 2, 0x4E57);
  put_be(out, 2, 2, static_cast<uint32_t>(total - 2));
  put_be(out, 4, 4, 0);
  out[8] = command;
  out[9] = source;
  out[10] = type;
  put_be(out, total - 9, 4, 0);
  out[total - 5] = kEndMarker;
  put_be(out, total - 4, 4, sum16(Bytes(out).first(total - 4)));
}

Status check_nw_frame(Bytes frame) {
  if (frame.size() < kHeaderSize + kTrailerSize + 1 || frame.size() > kNwMaxFrame)
    return wrong_length(frame.size());
  if (get_be(frame, 0, 2) != 0x4E57) return bad_header();
  if (get_be(frame, 2, 2) + 2 != frame.size()) return wrong_length(frame.size());
  if (frame[frame.size() - 5] != kEndMarker) return bad_header();
  if (get_be(frame, frame.size() - 4, 4) != sum16(frame.first(frame.size() - 4)))
    return bad_checksum();
  return ok_status();
}

void decode_record(const Record& r, Bytes data, NwDecoded& d) {
  if (r.kind == Kind::text) {
    if (r.get_text != nullptr) r.get_text(d, data);
    return;
  }
  if (r.kind == Kind::cells) {
    const std::size_t n = data.size() / 3;
    for (std::size_t i = 0; i < n && i < core::kMaxCells; ++i) {
      d.snapshot.cell[i] = Millivolts(static_cast<int32_t>(get_be(data, 3 * i + 1, 2)));
      d.snapshot.cell_present_mask |= uint32_t{1} << i;
    }
    d.snapshot.cell_count = static_cast<uint8_t>(n < core::kMaxCells ? n : core::kMaxCells);
    return;
  }
  const uint32_t raw = get_be(data, 0, data.size());
  if (r.kind == Kind::param) {
    const bool is_signed = core::info(r.param).min < 0;
    const int64_t wire = is_signed ? sign_extend(raw, data.size()) : int64_t{raw};
    d.settings.set_raw(r.param, static_cast<int32_t>(wire * r.divisor));
    return;
  }
  if (r.kind == Kind::value && r.set != nullptr) r.set(d, raw);
}

}  // namespace

uint16_t nw_temp_code(DeciCelsius t) {
  // Whole degrees, rounded. 0..98 as is, below zero 100 + |t|; 99 and 100 are never sent
  // because clients disagree on them (trap 11.8), so hot readings stop at 98.
  const int32_t d = t.count();
  const int32_t c = d >= 0 ? (d + 5) / 10 : -((-d + 5) / 10);
  if (c >= 0) return static_cast<uint16_t>(c > 98 ? 98 : c);
  return static_cast<uint16_t>(100 + (-c > 40 ? 40 : -c));
}

DeciCelsius nw_temp_from_code(uint16_t code) {
  const int32_t c = code <= 100 ? code : 100 - static_cast<int32_t>(code);
  return DeciCelsius(c * 10);
}

uint16_t nw_current_code(Milliamps i) {
  const int32_t ten_ma = (i.count() < 0 ? -i.count() : i.count()) / 10;
  const auto mag = static_cast<uint16_t>(ten_ma > 0x7FFF ? 0x7FFF : ten_ma);
  return i.count() > 0 ? static_cast<uint16_t>(0x8000 | mag) : mag;
}

Milliamps nw_current_from_code(uint16_t code, uint8_t protocol_version) {
  if (protocol_version != kProtocolVersion)
    return Milliamps((10000 - static_cast<int32_t>(code)) * 10);
  const int32_t mag = (code & 0x7FFF) * 10;
  return Milliamps((code & 0x8000) != 0 ? mag : -mag);
}

std::size_t nw_read_all_size(std::size_t cells) {
  std::size_t n = kHeaderSize + kTrailerSize + 2 + 3 * cells;
  for (const Record& r : kRecords) {
    if (r.kind != Kind::cells) n += 1 + r.len;
  }
  return n;
}

Result<NwRequest> parse_nw_request(Bytes frame) {
  const Status st = check_nw_frame(frame);
  if (!st.ok()) return st;
  const Bytes data = frame.subspan(kHeaderSize, frame.size() - kHeaderSize - kTrailerSize);
  NwRequest r;
  r.command = static_cast<NwCommand>(frame[8]);
  r.source = frame[9];
  r.register_id = data[0];
  switch (r.command) {
    case NwCommand::activate:
    case NwCommand::read:
    case NwCommand::read_all:
    case NwCommand::password:
      return r;
    case NwCommand::write:
      break;
    default:
      return unknown_register(frame[8]);
  }
  const Record* rec = find_record(r.register_id);
  if (rec == nullptr || rec->kind != Kind::param) return unknown_register(r.register_id);
  if (data.size() != 1u + rec->len) return Status(Errc::bad_value, r.register_id);
  r.value = get_be(data, 1, rec->len);
  return r;
}

Result<std::size_t> encode_nw_read_all(const BmsView& view, uint8_t command_echo, MutBytes out) {
  const std::size_t total = nw_read_all_size(view.snapshot.cell_count);
  if (view.snapshot.cell_count > core::kMaxCells) return Status(Errc::bad_value);
  if (out.size() < total) return buffer_too_small(total);
  std::size_t pos = kHeaderSize;
  for (const Record& r : kRecords) pos = put_record(r, view, out, pos);
  write_frame_shell(out, total, command_echo, 0, kReply);
  return total;
}

Result<core::Command> nw_write_command(const NwRequest& request) {
  const Record* rec = find_record(request.register_id);
  if (request.command != NwCommand::write || rec == nullptr || rec->kind != Kind::param) {
    return unknown_register(request.register_id);
  }
  const core::ParamInfo& row = core::info(rec->param);
  const int64_t wire = row.min < 0 ? sign_extend(request.value, rec->len) : int64_t{request.value};
  const int64_t stored = wire * rec->divisor;
  // Decoding only: a value that fits is passed on; its range and the rules are the core's.
  if (stored < INT32_MIN || stored > INT32_MAX) return value_out_of_range(request.register_id);
  core::Command c;
  c.kind = core::CommandKind::set_param;
  c.origin = core::Origin::rs485;
  c.param = rec->param;
  c.value = static_cast<int32_t>(stored);
  return c;
}

Result<std::size_t> encode_nw_write_reply(const NwRequest& request, MutBytes out) {
  const Record* rec = find_record(request.register_id);
  if (rec == nullptr || rec->kind != Kind::param) return unknown_register(request.register_id);
  const std::size_t total = kHeaderSize + 1 + rec->len + kTrailerSize;
  if (out.size() < total) return buffer_too_small(total);
  out[kHeaderSize] = request.register_id;
  put_be(out, kHeaderSize + 1, rec->len, request.value);
  write_frame_shell(out, total, static_cast<uint8_t>(NwCommand::write), 0, kReply);
  return total;
}

Result<std::size_t> encode_nw_read_all_request(uint8_t source, MutBytes out) {
  constexpr std::size_t total = kHeaderSize + 1 + kTrailerSize;
  if (out.size() < total) return buffer_too_small(total);
  out[kHeaderSize] = 0;
  write_frame_shell(out, total, static_cast<uint8_t>(NwCommand::read_all), source, 0);
  return total;
}

Result<std::size_t> encode_nw_write_request(uint8_t register_id, uint32_t value, MutBytes out) {
  const Record* rec = find_record(register_id);
  if (rec == nullptr || rec->kind != Kind::param) return unknown_register(register_id);
  const std::size_t total = kHeaderSize + 1 + rec->len + kTrailerSize;
  if (out.size() < total) return buffer_too_small(total);
  out[kHeaderSize] = register_id;
  put_be(out, kHeaderSize + 1, rec->len, value);
  write_frame_shell(out, total, static_cast<uint8_t>(NwCommand::write), 3, 0);
  return total;
}

Result<std::size_t> nw_records(Bytes frame, std::span<NwRecordPos> out) {
  const Status st = check_nw_frame(frame);
  if (!st.ok()) return st;
  const std::size_t end = frame.size() - kTrailerSize;
  std::size_t pos = kHeaderSize;
  std::size_t n = 0;
  while (pos < end) {
    const Record* rec = find_record(frame[pos]);
    if (rec == nullptr) return unknown_register(frame[pos]);
    if (rec->kind == Kind::cells && pos + 1 >= end) return wrong_length(frame.size());
    const std::size_t size = rec->kind == Kind::cells ? 1u + frame[pos + 1] : rec->len;
    if (pos + 1 + size > end) return wrong_length(frame.size());
    if (n < out.size()) out[n] = {rec->id, static_cast<uint16_t>(pos), static_cast<uint8_t>(size)};
    ++n;
    pos += 1 + size;
  }
  return n;
}

Result<NwDecoded> decode_nw_reply(Bytes frame, const core::Settings& defaults) {
  std::array<NwRecordPos, kRecords.size() + 8> pos{};
  const Result<std::size_t> found = nw_records(frame, pos);
  if (!found.ok()) return found.status();
  if (found.value() > pos.size()) return Status(Errc::bad_value);
  NwDecoded d{{}, defaults, {}, 0};
  for (std::size_t i = 0; i < found.value(); ++i) {
    const Record& r = *find_record(pos[i].id);
    const Bytes data = frame.subspan(pos[i].offset + 1u + (r.kind == Kind::cells ? 1u : 0u),
                                     pos[i].size - (r.kind == Kind::cells ? 1u : 0u));
    decode_record(r, data, d);
  }
  for (std::size_t i = 0; i < found.value(); ++i) {
    // The current's encoding depends on 0xC0, which comes last.
    if (pos[i].id == kCurrentId)
      d.snapshot.current = nw_current_from_code(static_cast<uint16_t>(d.snapshot.current.count()),
                                                d.protocol_version);
  }
  return d;
}

}  // namespace softbms::protocols::jk
