#include "protocols/jk/ble_command.hpp"

#include <optional>

#include "protocols/jk/device_info_frame.hpp"
#include "protocols/jk/settings_frame.hpp"

namespace softbms::protocols::jk {
namespace {

using core::Command;
using core::CommandKind;

constexpr std::array<uint8_t, 4> kHeader = {0xAA, 0x55, 0x90, 0xEB};
constexpr uint8_t kAckRegister = 0xC8;
constexpr uint8_t kRestart = 0x66;
constexpr uint8_t kUnknownWrittenByClients = 0x40;
constexpr uint8_t kPresetBase = 0x68;  // + Chemistry: 0x68 Li-ion, 0x69 LiFePO4, 0x6A LTO

// Commands that are not settings, with their register in each layout (0 = none there).
struct ControlRegister {
  uint8_t reg24;
  uint8_t reg32;
  CommandKind kind;
};
constexpr std::array<ControlRegister, 5> kControls = {{
    {0x21, 0x64, CommandKind::calibrate_voltage},  // value mV
    {0x24, 0x67, CommandKind::calibrate_current},  // value mA, signed
    {0x6B, 0x6B, CommandKind::emergency},
    {0x9D, 0x9D, CommandKind::factory_reset},
    {0x65, 0x65, CommandKind::shutdown},
}};

constexpr uint8_t reg_in(uint8_t r24, uint8_t r32, Layout l) {
  return l == Layout::jk02_24s ? r24 : (l == Layout::jk02_32s ? r32 : 0);
}

struct Target {
  const core::ParamInfo* row;  // a setting, or
  const ControlRegister* control;
};

std::optional<Target> find_register(uint8_t reg, Layout l) {
  if (reg == 0) return std::nullopt;
  for (const core::ParamInfo& row : core::kParams) {
    if (reg_in(row.jk.ble24, row.jk.ble32, l) == reg) return Target{&row, nullptr};
  }
  for (const DeviceInfoParam& p : kDeviceInfoParams) {
    if (l == Layout::jk02_32s && p.ble_register == reg)
      return Target{&core::info(p.param), nullptr};
  }
  for (const ControlRegister& c : kControls) {
    if (reg_in(c.reg24, c.reg32, l) == reg) return Target{nullptr, &c};
  }
  return std::nullopt;
}

// The register a device-info parameter is written with, or 0.
uint8_t device_info_register(core::Param p) {
  for (const DeviceInfoParam& d : kDeviceInfoParams) {
    if (d.param == p) return d.ble_register;
  }
  return 0;
}

Status check_command_frame(Bytes frame) {
  if (frame.size() != kCommandSize) return wrong_length(frame.size());
  for (std::size_t i = 0; i < kHeader.size(); ++i) {
    if (frame[i] != kHeader[i]) return bad_header();
  }
  if (sum8(frame.first(kCommandSize - 1)) != frame[kCommandSize - 1]) return bad_checksum();
  return ok_status();
}

// Decoding only: the value's range and the rules are the core's (Bms::apply).
Result<BleRequest> decode_setting(const core::ParamInfo& row, uint8_t reg, int32_t wire) {
  static_cast<void>(reg);
  const int32_t v = from_wire(row, wire);
  BleRequest r{BleRequestKind::command, {}};
  r.command.kind = CommandKind::set_param;
  r.command.param = row.id;
  r.command.value = v;
  return r;
}

BleRequest decode_control(const ControlRegister& c, int32_t value, core::Chemistry chemistry) {
  BleRequest r{BleRequestKind::command, {}};
  r.command.kind = c.kind;
  r.command.chemistry = chemistry;
  r.command.value = c.kind == CommandKind::emergency ? (value != 0 ? 1 : 0) : value;
  return r;
}

void frame_out(CommandOut out, uint8_t reg, uint8_t len, uint32_t value) {
  for (auto& b : out) b = 0;
  for (std::size_t i = 0; i < kHeader.size(); ++i) out[i] = kHeader[i];
  out[4] = reg;
  out[5] = len;
  put_le(out, 6, 4, value);
  out[kCommandSize - 1] = sum8(Bytes(out).first(kCommandSize - 1));
}

uint8_t control_register(CommandKind kind, Layout l) {
  for (const ControlRegister& c : kControls) {
    if (c.kind == kind) return reg_in(c.reg24, c.reg32, l);
  }
  return 0;
}

Status encode_set_param(const Command& c, Layout l, CommandOut out) {
  const core::ParamInfo& row = core::info(c.param);
  uint8_t reg = reg_in(row.jk.ble24, row.jk.ble32, l);
  if (reg == 0 && l == Layout::jk02_32s) reg = device_info_register(c.param);
  if (reg == 0) return unknown_register(static_cast<uint32_t>(c.param));
  const bool one_byte = row.jk.size == 1 || device_info_register(c.param) == reg;
  frame_out(out, reg, one_byte ? 1 : 4,
            static_cast<uint32_t>(to_wire(row, c.value)) & (one_byte ? 0xFFu : 0xFFFFFFFFu));
  return ok_status();
}

}  // namespace

Result<BleRequest> decode_ble_command(Bytes frame, Layout layout, core::Chemistry chemistry) {
  const Status st = check_command_frame(frame);
  if (!st.ok()) return st;
  const uint8_t reg = frame[4];
  switch (reg) {
    case kRequestSettings:
      return BleRequest{BleRequestKind::settings_and_stream, {}};
    case kRequestDeviceInfo:
      return BleRequest{BleRequestKind::device_info, {}};
    case kRequestLogbook:
      return BleRequest{BleRequestKind::logbook, {}};
    case kRestart:
      return BleRequest{BleRequestKind::restart, {}};
    case kUnknownWrittenByClients:
      return BleRequest{BleRequestKind::ignored, {}};
    default:
      break;
  }
  if (reg >= kPresetBase && reg < kPresetBase + core::kChemistryCount &&
      layout == Layout::jk02_32s) {
    BleRequest r{BleRequestKind::command, {}};
    r.command.kind = CommandKind::load_preset;
    r.command.chemistry = static_cast<core::Chemistry>(reg - kPresetBase);
    return r;
  }
  const std::optional<Target> t = find_register(reg, layout);
  if (!t) return unknown_register(reg);
  const uint8_t len = frame[5];
  if (len > 4 || (t->row != nullptr && len == 0)) return value_out_of_range(reg);
  const uint32_t raw = get_le(frame, 6, len);
  const bool is_signed =
      t->row != nullptr ? t->row->min < 0 : t->control->kind == CommandKind::calibrate_current;
  const int32_t value =
      is_signed ? sign_extend(raw, len == 0 ? 4 : len) : static_cast<int32_t>(raw);
  Result<BleRequest> r = t->row != nullptr
                             ? decode_setting(*t->row, reg, value)
                             : Result<BleRequest>(decode_control(*t->control, value, chemistry));
  return r;
}

void encode_ble_request(uint8_t request, CommandOut out) {
  frame_out(out, request, 0, 0);
}

Status encode_ble_command(const Command& c, Layout layout, CommandOut out) {
  if (layout == Layout::jk04) return Status(Errc::bad_state);
  switch (c.kind) {
    case CommandKind::set_param:
      return encode_set_param(c, layout, out);
    case CommandKind::load_preset:
      if (layout != Layout::jk02_32s) return unknown_register(kPresetBase);
      frame_out(out, static_cast<uint8_t>(kPresetBase + static_cast<uint8_t>(c.chemistry)), 0, 0);
      return ok_status();
    default:
      break;
  }
  const uint8_t reg = control_register(c.kind, layout);
  if (reg == 0) return unknown_register(static_cast<uint32_t>(c.kind));
  const bool has_value = c.kind == CommandKind::calibrate_voltage ||
                         c.kind == CommandKind::calibrate_current ||
                         c.kind == CommandKind::emergency;
  frame_out(out, reg, has_value ? 4 : 0, has_value ? static_cast<uint32_t>(c.value) : 0);
  return ok_status();
}

void encode_write_ack(CommandOut out) {
  frame_out(out, kAckRegister, 1, 1);
}

bool is_write_ack(Bytes frame) {
  return check_command_frame(frame).ok() && frame[4] == kAckRegister;
}

}  // namespace softbms::protocols::jk
