#include "protocols/inverter/pylon_rs485_battery.hpp"

#include <algorithm>
#include <array>

#include "core/io/alarm.hpp"
#include "protocols/inverter/can_encode.hpp"

namespace softbms::protocols::inverter {
namespace {

using core::AlarmBit;
using core::Param;

// Appends big-endian fields to a response INFO; remembers an overflow instead of writing past.
class Info {
 public:
  explicit Info(PylonFrame& f) : f_(f) { f_.info_size = 0; }
  void u8(uint32_t v) { put(v, 1); }
  void u16(int64_t v) { put(static_cast<uint32_t>(std::clamp<int64_t>(v, 0, 0xFFFF)), 2); }
  void s16(int64_t v) {
    put(static_cast<uint16_t>(static_cast<int16_t>(std::clamp<int64_t>(v, -32768, 32767))), 2);
  }
  void u24(int64_t v) { put(static_cast<uint32_t>(std::clamp<int64_t>(v, 0, 0xFFFFFF)), 3); }
  void text(std::string_view s, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) u8(static_cast<uint8_t>(i < s.size() ? s[i] : ' '));
  }
  [[nodiscard]] bool overflow() const { return overflow_; }

 private:
  void put(uint32_t v, std::size_t bytes) {
    if (f_.info_size + bytes > kPylonMaxInfo) {
      overflow_ = true;
      return;
    }
    for (std::size_t i = bytes; i-- > 0;)
      f_.info[f_.info_size++] = static_cast<uint8_t>(v >> (8 * i));
  }
  PylonFrame& f_;
  bool overflow_ = false;
};

bool has(const InverterInput& in, AlarmBit b) {
  return (in.snapshot.alarms & core::alarm_mask(b)) != 0;
}
uint8_t flag(bool on, int bit) {
  return static_cast<uint8_t>(on ? 1U << bit : 0U);
}

struct Context {
  const PylonFrame& req;
  const InverterInput& in;
  const Rs485Options& o;
  Info& info;
  Rs485Action& action;
};

// Module commands carry the addressed battery (or 0xFF = the whole system) in INFO byte 0.
bool addressed(const Context& c) {
  if (c.req.info_size == 0) return true;
  return c.req.info[0] == c.in.identity.rs485_address || c.req.info[0] == 0xFF;
}
uint8_t command_value(const Context& c) {
  const bool system = c.req.info_size > 0 && c.req.info[0] == 0xFF;
  return system ? c.in.identity.module_count : c.in.identity.rs485_address;
}
uint16_t module_id(const BatteryIdentity& id) {
  return static_cast<uint16_t>(((id.rs485_address >> 4) << 8) | (id.rs485_address & 0x0F));
}

int64_t mv(Millivolts v) {
  return v.count();
}
int64_t deciamps(Milliamps i) {
  return i.count() / 100;
}

// The temperatures 0x42 lists: the MOS sensor as "BMS board", then each battery sensor present.
template <typename F>
void for_each_temperature(const core::Snapshot& s, F&& f) {
  f(s.temp[core::kMosSensor]);
  for (uint8_t i = 1; i < core::kMaxTempSensors; ++i) {
    if ((s.temp_present_mask & (1U << i)) != 0) f(s.temp[i]);
  }
}
uint8_t temperature_count(const core::Snapshot& s) {
  uint8_t n = 0;
  for_each_temperature(s, [&n](DeciCelsius) { ++n; });
  return n;
}

Rtn version(Context&) {
  return Rtn::normal;
}

Rtn manufacturer(Context& c) {
  c.info.text(c.in.identity.product, 10);
  c.info.u8(c.in.identity.fw_major);
  c.info.u8(c.in.identity.fw_minor);
  c.info.text(c.in.identity.company, 20);
  return Rtn::normal;
}

Rtn analog(Context& c) {
  if (!addressed(c)) return Rtn::invalid_data;
  const core::Snapshot& s = c.in.snapshot;
  c.info.u8(0x10);  // INFOFLAG as captured from real modules
  c.info.u8(command_value(c));
  c.info.u8(s.cell_count);
  for (uint8_t i = 0; i < s.cell_count; ++i) c.info.u16(mv(s.cell[i]));
  c.info.u8(temperature_count(s));
  for_each_temperature(s, [&c](DeciCelsius t) { c.info.u16(pylon_kelvin(t)); });
  c.info.s16(deciamps(s.current));
  c.info.u16(mv(s.pack_voltage));
  // Up to 65 Ah the capacities fit in u16 mAh; above, they move to the 3-byte fields.
  const bool large = s.full_capacity.count() > 65'000;
  c.info.u16(large ? 0xFFFF : s.remaining.count());
  c.info.u8(large ? 4 : 2);
  c.info.u16(large ? 0xFFFF : s.full_capacity.count());
  c.info.u16(s.cycles);
  if (large) {
    c.info.u24(s.remaining.count());
    c.info.u24(s.full_capacity.count());
  }
  return Rtn::normal;
}

uint8_t level(bool below, bool above) {
  return above ? 0x02 : (below ? 0x01 : 0x00);
}

Rtn alarm_info(Context& c) {
  if (!addressed(c)) return Rtn::invalid_data;
  const core::Snapshot& s = c.in.snapshot;
  const core::Settings& st = c.in.settings;
  c.info.u8(0x10);
  c.info.u8(command_value(c));
  c.info.u8(s.cell_count);
  for (uint8_t i = 0; i < s.cell_count; ++i) {
    c.info.u8(level(s.cell[i] <= st.mv(Param::cell_uvp), s.cell[i] >= st.mv(Param::cell_ovp)));
  }
  c.info.u8(temperature_count(s));
  const DeciCelsius hot = std::min(st.temp(Param::charge_otp), st.temp(Param::discharge_otp));
  const DeciCelsius cold = std::max(st.temp(Param::charge_utp), st.temp(Param::discharge_utp));
  for_each_temperature(s, [&](DeciCelsius t) { c.info.u8(level(t <= cold, t >= hot)); });
  const bool dch_oc = has(c.in, AlarmBit::discharge_ocp) || has(c.in, AlarmBit::discharge_ocp2) ||
                      has(c.in, AlarmBit::discharge_ocp3);
  c.info.u8(level(false, has(c.in, AlarmBit::charge_ocp)));
  c.info.u8(level(has(c.in, AlarmBit::pack_uvp), has(c.in, AlarmBit::pack_ovp)));
  c.info.u8(level(false, dch_oc));
  const bool ov = has(c.in, AlarmBit::pack_ovp) || has(c.in, AlarmBit::cell_ovp);
  c.info.u8(flag(has(c.in, AlarmBit::pack_uvp), 7) | flag(has(c.in, AlarmBit::charge_otp), 6) |
            flag(has(c.in, AlarmBit::discharge_otp), 5) | flag(dch_oc, 4) |
            flag(has(c.in, AlarmBit::charge_ocp), 2) | flag(has(c.in, AlarmBit::cell_uvp), 1) |
            flag(ov, 0));
  c.info.u8(flag(s.discharge_fet, 3) | flag(s.discharge_fet, 2) | flag(s.charge_fet, 1) |
            flag(s.precharge, 0));
  c.info.u8(flag(s.current.count() > 100, 7) | flag(s.current.count() < -100, 6) |
            flag(s.heater, 5) | flag(s.soc_percent >= 100, 3) | flag(s.buzzer, 0));
  uint16_t cell_errors = 0;
  for (uint8_t i = 0; i < s.cell_count && i < 16; ++i) {
    if (s.cell[i].count() > 4200 || s.cell[i].count() < 1000)
      cell_errors |= static_cast<uint16_t>(1U << i);
  }
  c.info.u8(cell_errors & 0xFF);
  c.info.u8(cell_errors >> 8);
  return Rtn::normal;
}

int64_t dcl_value(const Context& c, Milliamps dcl) {
  return c.o.negative_dcl ? -deciamps(dcl) : deciamps(dcl);
}

Rtn system_parameters(Context& c) {
  const core::Settings& st = c.in.settings;
  c.info.u8(0x10);
  c.info.u16(mv(st.mv(Param::cell_ovp)));
  c.info.u16(mv(st.mv(Param::cell_uvpr)));
  c.info.u16(mv(st.mv(Param::cell_uvp)));
  c.info.u16(pylon_kelvin(st.temp(Param::charge_otp)));
  c.info.u16(pylon_kelvin(st.temp(Param::charge_utp)));
  c.info.s16(deciamps(st.ma(Param::charge_ocp_current)));
  c.info.u16(mv(st.mv(Param::pack_ovp)));
  c.info.u16(mv(st.mv(Param::pack_uvpr)));
  c.info.u16(mv(st.mv(Param::pack_uvp)));
  c.info.u16(pylon_kelvin(st.temp(Param::discharge_otp)));
  c.info.u16(pylon_kelvin(st.temp(Param::discharge_utp)));
  c.info.s16(dcl_value(c, st.ma(Param::discharge_ocp_current)));
  return Rtn::normal;
}

Rtn management(Context& c) {
  if (!addressed(c)) return Rtn::invalid_data;
  const core::ChargeLimits& l = c.in.charge.limits;
  c.info.u8(command_value(c));
  c.info.u16(mv(l.charge_voltage));
  c.info.u16(mv(l.discharge_voltage));
  c.info.s16(deciamps(l.charge_current));
  c.info.s16(dcl_value(c, l.discharge_current));
  c.info.u8(request_bits(c.in.charge.request));
  return Rtn::normal;
}

Rtn serial_number(Context& c) {
  if (!addressed(c)) return Rtn::invalid_data;
  c.info.u8(command_value(c));
  c.info.text(c.in.identity.serial, 16);
  return Rtn::normal;
}

Rtn software_version(Context& c) {
  if (!addressed(c)) return Rtn::invalid_data;
  c.info.u8(command_value(c));
  c.info.u8(c.in.identity.fw_major);
  c.info.u8(c.in.identity.fw_minor);
  c.info.u8(c.in.identity.fw_major);
  c.info.u8(c.in.identity.fw_minor);
  c.info.u8(0);
  return Rtn::normal;
}

Rtn basic_info(Context& c) {
  c.info.text(c.in.identity.product, 10);
  c.info.text(c.in.identity.company, 20);
  c.info.u8(c.in.identity.fw_major);
  c.info.u8(c.in.identity.fw_minor);
  c.info.u8(1);
  c.info.text(c.in.identity.serial, 16);
  return Rtn::normal;
}

Rtn system_analog(Context& c) {
  const core::Snapshot& s = c.in.snapshot;
  const uint16_t id = module_id(c.in.identity);
  const DeciCelsius mos = s.temp[core::kMosSensor];
  c.info.u16(mv(s.pack_voltage));
  c.info.s16(s.current.count() / 10);  // 10 mA
  c.info.u8(s.soc_percent);
  c.info.u16(s.cycles);
  c.info.u16(s.cycles);
  c.info.u8(s.soh_percent);
  c.info.u8(s.soh_percent);
  c.info.u16(mv(s.cell_max));
  c.info.u16(id);
  c.info.u16(mv(s.cell_min));
  c.info.u16(id);
  DeciCelsius lo{2000}, hi{-2000};
  for (uint8_t i = 1; i < core::kMaxTempSensors; ++i) {
    if ((s.temp_present_mask & (1U << i)) == 0) continue;
    lo = std::min(lo, s.temp[i]);
    hi = std::max(hi, s.temp[i]);
  }
  if (hi < lo) lo = hi = mos;
  c.info.u16(pylon_kelvin(reported_temperature(s, TemperatureSource::average)));
  for (DeciCelsius t : {hi, lo}) {
    c.info.u16(pylon_kelvin(t));
    c.info.u16(id);
  }
  // MOS and BMS board: one sensor serves both on a JK board.
  for (int group = 0; group < 2; ++group) {
    c.info.u16(pylon_kelvin(mos));
    for (int k = 0; k < 2; ++k) {
      c.info.u16(pylon_kelvin(mos));
      c.info.u16(id);
    }
  }
  return Rtn::normal;
}

Rtn system_alarms(Context& c) {
  const Conditions k = conditions(c.in);
  const core::ChargeResult& ch = c.in.charge;
  const bool mos_warm = ch.charge_limiter == core::Limiter::mos_temperature ||
                        ch.discharge_limiter == core::Limiter::mos_temperature;
  c.info.u8(flag(k.warning(Condition::high_voltage), 5) |
            flag(k.warning(Condition::low_voltage), 4) |
            flag(k.warning(Condition::high_temperature), 3) |
            flag(k.warning(Condition::low_temperature), 2) | flag(mos_warm, 1));
  c.info.u8(flag(k.warning(Condition::high_charge_current), 6) |
            flag(k.warning(Condition::high_discharge_current), 5) |
            flag(k.alarm(Condition::internal_comm), 4));
  c.info.u8(flag(has(c.in, AlarmBit::pack_ovp), 7) | flag(has(c.in, AlarmBit::pack_uvp), 6) |
            flag(has(c.in, AlarmBit::cell_ovp), 5) | flag(has(c.in, AlarmBit::cell_uvp), 4) |
            flag(has(c.in, AlarmBit::charge_otp) || has(c.in, AlarmBit::discharge_otp) ||
                     has(c.in, AlarmBit::battery_otp),
                 3) |
            flag(k.alarm(Condition::low_temperature), 2) | flag(has(c.in, AlarmBit::mos_otp), 1));
  const bool fault = k.alarm(Condition::general) || k.alarm(Condition::contactor) ||
                     k.alarm(Condition::short_circuit);
  c.info.u8(flag(k.alarm(Condition::high_charge_current), 6) |
            flag(k.alarm(Condition::high_discharge_current), 5) | flag(fault, 3));
  return Rtn::normal;
}

Rtn system_management(Context& c) {
  const core::ChargeLimits& l = c.in.charge.limits;
  c.info.u16(mv(l.charge_voltage));
  c.info.u16(mv(l.discharge_voltage));
  c.info.u16(deciamps(l.charge_current));
  c.info.u16(deciamps(l.discharge_current));
  c.info.u8(request_bits(c.in.charge.request) & 0xF0);
  return Rtn::normal;
}

Rtn shutdown(Context& c) {
  c.action = Rs485Action::shutdown;
  return Rtn::normal;
}

struct Command {
  uint8_t cid2;
  bool system;  // V3.5 system command: group masters only
  Rtn (*answer)(Context&);
};
constexpr std::array<Command, 13> kCommands = {{
    {0x4F, false, version},
    {0x51, false, manufacturer},
    {0x42, false, analog},
    {0x44, false, alarm_info},
    {0x47, false, system_parameters},
    {0x92, false, management},
    {0x93, false, serial_number},
    {0x96, false, software_version},
    {0x60, true, basic_info},
    {0x61, true, system_analog},
    {0x62, true, system_alarms},
    {0x63, true, system_management},
    {0x64, true, shutdown},
}};

bool group_master(const BatteryIdentity& id) {
  return (id.rs485_address & 0x0F) == 0x02;
}

Result<Rs485Reply> send(const PylonFrame& f, Rtn rtn, Rs485Action action, std::span<char> out) {
  const Result<std::size_t> n = build_pylon(f, out);
  if (!n.ok()) return n.status();
  return Rs485Reply{n.value(), action, rtn};
}

}  // namespace

Rtn pylon_response_info(const PylonFrame& request, const InverterInput& in, const Rs485Options& o,
                        PylonFrame& response, Rs485Action& action) {
  Info info(response);
  response.ver = request.cid2 == 0x4F ? o.version : request.ver;
  response.adr = in.identity.rs485_address;
  response.cid1 = kPylonCid1;
  if (request.cid1 != kPylonCid1) return Rtn::cid2_invalid;
  for (const Command& cmd : kCommands) {
    if (cmd.cid2 != request.cid2) continue;
    if (cmd.system && !group_master(in.identity)) return Rtn::cid2_invalid;
    Context c{request, in, o, info, action};
    const Rtn rtn = cmd.answer(c);
    if (info.overflow()) return Rtn::internal_comm;
    if (rtn != Rtn::normal) response.info_size = 0;
    return rtn;
  }
  return Rtn::cid2_invalid;
}

Result<Rs485Reply> pylon_answer(std::string_view request, const InverterInput& in,
                                const Rs485Options& o, std::span<char> out) {
  const uint8_t ours = in.identity.rs485_address;
  const std::optional<uint8_t> adr = peek_pylon_address(request);
  if (!adr || *adr != ours) return Rs485Reply{};
  const Result<PylonFrame> req = parse_pylon(request);
  PylonFrame resp;
  resp.adr = ours;
  if (!req.ok()) {
    resp.cid2 = static_cast<uint8_t>(req.status().detail());
    return send(resp, static_cast<Rtn>(resp.cid2), Rs485Action::none, out);
  }
  Rs485Action action = Rs485Action::none;
  const Rtn rtn = pylon_response_info(req.value(), in, o, resp, action);
  resp.cid2 = static_cast<uint8_t>(rtn);
  if (rtn != Rtn::normal) {
    resp.info_size = 0;
    action = Rs485Action::none;
  }
  return send(resp, rtn, action, out);
}

}  // namespace softbms::protocols::inverter
