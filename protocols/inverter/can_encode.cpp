#include "protocols/inverter/can_encode.hpp"

#include <algorithm>

#include "core/io/alarm.hpp"

namespace softbms::protocols::inverter {
namespace {

using core::alarm_mask;
using core::AlarmBit;
using core::Limiter;

struct ConditionRow {
  Condition condition;
  uint32_t alarm_bits;
};
// clang-format off
constexpr std::array<ConditionRow, kConditions> kConditionAlarms = {{
  {Condition::general, alarm_mask(AlarmBit::current_sensor) | alarm_mask(AlarmBit::cell_count_mismatch) |
                       alarm_mask(AlarmBit::temp_sensor) | alarm_mask(AlarmBit::pcl_module) |
                       alarm_mask(AlarmBit::discharge_on_failed)},
  {Condition::high_voltage, alarm_mask(AlarmBit::cell_ovp) | alarm_mask(AlarmBit::pack_ovp)},
  {Condition::low_voltage, alarm_mask(AlarmBit::cell_uvp) | alarm_mask(AlarmBit::pack_uvp)},
  {Condition::high_temperature, alarm_mask(AlarmBit::charge_otp) | alarm_mask(AlarmBit::discharge_otp) |
                                alarm_mask(AlarmBit::battery_otp) | alarm_mask(AlarmBit::mos_otp)},
  {Condition::low_temperature, alarm_mask(AlarmBit::charge_utp) | alarm_mask(AlarmBit::discharge_utp)},
  {Condition::high_temperature_charge, alarm_mask(AlarmBit::charge_otp)},
  {Condition::low_temperature_charge, alarm_mask(AlarmBit::charge_utp)},
  {Condition::high_discharge_current, alarm_mask(AlarmBit::discharge_ocp) | alarm_mask(AlarmBit::discharge_ocp2) |
                                      alarm_mask(AlarmBit::discharge_ocp3)},
  {Condition::high_charge_current, alarm_mask(AlarmBit::charge_ocp)},
  {Condition::contactor, alarm_mask(AlarmBit::charge_mos_fault) | alarm_mask(AlarmBit::discharge_mos_fault)},
  {Condition::short_circuit, alarm_mask(AlarmBit::charge_scp) | alarm_mask(AlarmBit::discharge_scp) |
                             alarm_mask(AlarmBit::scp_release_failed)},
  {Condition::internal_comm, alarm_mask(AlarmBit::internal_comm)},
}};
// clang-format on

constexpr uint16_t bit(Condition c) {
  return static_cast<uint16_t>(1U << static_cast<int>(c));
}

uint16_t warnings_from(const InverterInput& in) {
  const core::ChargeResult& c = in.charge;
  uint16_t w = 0;
  if (c.charge_limiter == Limiter::cell_voltage) w |= bit(Condition::high_voltage);
  if (c.discharge_limiter == Limiter::cell_voltage) w |= bit(Condition::low_voltage);
  if (c.charge_limiter == Limiter::hot || c.discharge_limiter == Limiter::hot ||
      c.charge_limiter == Limiter::mos_temperature ||
      c.discharge_limiter == Limiter::mos_temperature) {
    w |= bit(Condition::high_temperature);
  }
  if (c.charge_limiter == Limiter::hot) w |= bit(Condition::high_temperature_charge);
  if (c.charge_limiter == Limiter::cold || c.discharge_limiter == Limiter::cold) {
    w |= bit(Condition::low_temperature);
  }
  if (c.charge_limiter == Limiter::cold || c.charge_limiter == Limiter::no_temperature) {
    w |= bit(Condition::low_temperature_charge);
  }
  // Current above the limit we announced: the inverter is not following it.
  const Milliamps i = in.snapshot.current;
  if (i.count() > 0 && i > c.limits.charge_current) w |= bit(Condition::high_charge_current);
  if (i.count() < 0 && -i > c.limits.discharge_current) w |= bit(Condition::high_discharge_current);
  return w;
}

int32_t deci(int64_t v, int64_t unit) {
  return static_cast<int32_t>(v / unit);
}
int32_t deci_up(int64_t v, int64_t unit) {
  return static_cast<int32_t>((v + unit - 1) / unit);
}

// Kelvin, rounded, for Victron 0x373.
uint16_t kelvin(DeciCelsius t) {
  return static_cast<uint16_t>((t.count() + 2731 + 5) / 10);
}

struct TempExtreme {
  DeciCelsius value{250};
  uint8_t sensor = 0;  // 1-based T number, 0 = none
};
TempExtreme battery_extreme(const core::Snapshot& s, bool highest) {
  TempExtreme e;
  for (uint8_t i = 1; i < core::kMaxTempSensors; ++i) {
    if ((s.temp_present_mask & (1U << i)) == 0) continue;
    const bool better = highest ? s.temp[i] > e.value : s.temp[i] < e.value;
    if (e.sensor == 0 || better) e = {s.temp[i], i};
  }
  if (e.sensor == 0 && (s.temp_present_mask & 1U) != 0) e.value = s.temp[0];
  return e;
}

CanFrame limits(const InverterInput& in, const Dialect& d, const CanOptions& o) {
  CanFrame f = make_frame(0x351, o.send_dvl ? 8 : 6);
  const core::ChargeLimits& l = in.charge.limits;
  Millivolts cvl = l.charge_voltage;
  if (d.cvl_to_pack_when_charge_off && !in.charge.request.charge_enable) {
    cvl = std::min(cvl, in.snapshot.pack_voltage);
  }
  // Rounded towards the safe side: limits down, the discharge floor up.
  put_u16_sat(f, 0, deci(cvl.count(), 100));
  put_s16(f, 2, deci(l.charge_current.count(), 100));
  put_s16(f, 4, deci(l.discharge_current.count(), 100));
  if (o.send_dvl) put_u16_sat(f, 6, deci_up(l.discharge_voltage.count(), 100));
  return f;
}

CanFrame soc(const InverterInput& in, const Dialect& d) {
  const core::Snapshot& s = in.snapshot;
  CanFrame f = make_frame(0x355, d.dlc_355);
  put_u16(f, 0, s.soc_percent);
  put_u16(f, 2, s.soh_percent);
  if (d.luxpower_extras) {
    put_u16_sat(f, 4, s.cell_max.count());
    put_u16_sat(f, 6, s.cell_min.count());
  } else if (d.hires_soc) {
    put_u16_sat(f, 4, int64_t{s.soc_permille} * 10);  // 0.01 %
  }
  return f;
}

CanFrame measures(const InverterInput& in, const Dialect& d, const CanOptions& o) {
  const core::Snapshot& s = in.snapshot;
  CanFrame f = make_frame(0x356, d.dlc_356);
  put_s16(f, 0, deci(s.pack_voltage.count(), 10));
  put_s16(f, 2, deci(s.current.count(), 100));
  if (d.luxpower_extras) {
    put_s16(f, 4, battery_extreme(s, true).value.count());
    put_s16(f, 6, battery_extreme(s, false).value.count());
  } else {
    put_s16(f, 4, reported_temperature(s, o.temperature).count());
  }
  return f;
}

CanFrame protection(const InverterInput& in, const Dialect& d, const CanOptions& o) {
  const Conditions c = conditions(in);
  CanFrame f = make_frame(0x359, d.dlc_359);
  auto set = [&f](std::size_t byte, int b, bool on) {
    if (on) f.data[byte] = static_cast<uint8_t>(f.data[byte] | (1U << b));
  };
  const int system_bit = o.system_error_bit == SystemErrorBit::byte1_bit3 ? 3 : 7;
  const bool system = c.alarm(Condition::general) || c.alarm(Condition::contactor) ||
                      c.alarm(Condition::short_circuit);
  set(0, 1, c.alarm(Condition::high_voltage));
  set(0, 2, c.alarm(Condition::low_voltage));
  set(0, 3, c.alarm(Condition::high_temperature));
  set(0, 4, c.alarm(Condition::low_temperature));
  set(0, 7, c.alarm(Condition::high_discharge_current) || c.alarm(Condition::short_circuit));
  set(1, 0, c.alarm(Condition::high_charge_current));
  set(1, system_bit, system);
  set(2, 1, c.warning(Condition::high_voltage));
  set(2, 2, c.warning(Condition::low_voltage));
  set(2, 3, c.warning(Condition::high_temperature));
  set(2, 4, c.warning(Condition::low_temperature));
  set(2, 7, c.warning(Condition::high_discharge_current));
  set(3, 0, c.warning(Condition::high_charge_current));
  set(3, 3, c.alarm(Condition::internal_comm));
  f.data[4] = in.identity.module_count;
  if (d.luxpower_extras) {
    put_u16_sat(f, 5, in.snapshot.full_capacity.count() / 1000);
  } else {
    f.data[5] = 'P';
    f.data[6] = 'N';
  }
  return f;
}

CanFrame request(const InverterInput& in, const Dialect& d) {
  CanFrame f = make_frame(0x35C, d.luxpower_extras ? 4 : 2);
  f.data[0] = request_bits(in.charge.request);
  if (d.luxpower_extras) put_u16_sat(f, 2, in.snapshot.cycles);
  return f;
}

CanFrame name(const InverterInput& in, const Dialect& d) {
  CanFrame f = make_frame(0x35E, 8);
  const std::string_view n =
      in.identity.manufacturer.empty() ? d.default_name : in.identity.manufacturer;
  put_text(f, 0, 8, n, d.name_pad);
  return f;
}

// Message n (1-based) sits in byte (n-1)/4, bits 2((n-1)%4) ("arrive") and +1 ("leave").
// All 16 messages are reported (13-16 are never active), as the BYD LVS does.
void put_pairs(CanFrame& f, std::size_t base, uint16_t active, AlarmIdle idle) {
  for (std::size_t n = 0; n < 16; ++n) {
    const bool on = (active >> n) & 1U;
    const uint8_t pair = on ? 0b01 : (idle == AlarmIdle::leave_bits ? 0b10 : 0b00);
    f.data[base + n / 4] = static_cast<uint8_t>(f.data[base + n / 4] | (pair << (2 * (n % 4))));
  }
}

CanFrame alarms(const InverterInput& in, const Dialect& d) {
  const Conditions c = conditions(in);
  CanFrame f = make_frame(0x35A, 8);
  put_pairs(f, 0, c.alarms, d.alarm_idle);
  put_pairs(f, 4, c.warnings, d.alarm_idle);
  return f;
}

CanFrame info(const InverterInput& in, const Dialect& d) {
  const core::Snapshot& s = in.snapshot;
  CanFrame f = make_frame(0x35F, 8);
  put_text(f, 0, 2, "Li", '\0');
  f.data[2] = in.identity.fw_major;
  f.data[3] = in.identity.fw_minor;
  const MilliampHours ah = d.info_capacity_remaining ? s.remaining : s.full_capacity;
  put_u16_sat(f, 4, ah.count() / 1000);
  put_u16(f, 6, in.identity.hw_version);
  return f;
}

CanFrame modules(const InverterInput& in) {
  CanFrame f = make_frame(0x372, 8);
  const BatteryIdentity& id = in.identity;
  const uint8_t n = id.module_count;
  // A direction the announcement disables (a fail-safe, a blocking pack) blocks every module,
  // whatever the bank counted.
  const uint8_t charge_blocking = id.bank_counts ? id.modules_blocking_charge : 0;
  const uint8_t discharge_blocking = id.bank_counts ? id.modules_blocking_discharge : 0;
  put_u16(f, 0, n);
  put_u16(f, 2, in.charge.request.charge_enable ? charge_blocking : n);
  put_u16(f, 4, in.charge.request.discharge_enable ? discharge_blocking : n);
  put_u16(f, 6, id.bank_counts ? id.modules_offline : 0);
  return f;
}

CanFrame extremes(const InverterInput& in) {
  const core::Snapshot& s = in.snapshot;
  CanFrame f = make_frame(0x373, 8);
  put_u16_sat(f, 0, s.cell_min.count());
  put_u16_sat(f, 2, s.cell_max.count());
  put_u16(f, 4, kelvin(battery_extreme(s, false).value));
  put_u16(f, 6, kelvin(battery_extreme(s, true).value));
  return f;
}

// "C7" / "T2": short ASCII names of the cell or sensor, NUL padded.
CanFrame ascii_id(uint32_t id, char prefix, unsigned number) {
  CanFrame f = make_frame(id, 8);
  f.data[0] = static_cast<uint8_t>(prefix);
  std::size_t at = 1;
  if (number >= 10) f.data[at++] = static_cast<uint8_t>('0' + number / 10);
  f.data[at] = static_cast<uint8_t>('0' + number % 10);
  return f;
}

CanFrame energy(const InverterInput& in) {
  CanFrame f = make_frame(0x378, 8);
  put_u32(f, 0, static_cast<uint32_t>(in.snapshot.charged_energy.count() / 100'000));
  put_u32(f, 4, static_cast<uint32_t>(in.snapshot.discharged_energy.count() / 100'000));
  return f;
}

CanFrame capacity(const InverterInput& in) {
  CanFrame f = make_frame(0x379, 8);
  put_u16_sat(f, 0, in.snapshot.design_capacity.count() / 1000);
  return f;
}

CanFrame product(const InverterInput& in) {
  CanFrame f = make_frame(0x382, 8);
  put_text(f, 0, 8, in.identity.product, '\0');
  return f;
}

}  // namespace

Conditions conditions(const InverterInput& in) {
  Conditions c;
  for (const ConditionRow& row : kConditionAlarms) {
    if ((in.snapshot.alarms & row.alarm_bits) != 0) c.alarms |= bit(row.condition);
  }
  c.warnings = warnings_from(in);
  return c;
}

uint8_t request_bits(const core::ChargeRequest& r) {
  return static_cast<uint8_t>((r.charge_enable ? 0x80 : 0) | (r.discharge_enable ? 0x40 : 0) |
                              (r.force_charge_1 ? 0x20 : 0) | (r.force_charge_2 ? 0x10 : 0) |
                              (r.full_charge ? 0x08 : 0));
}

DeciCelsius reported_temperature(const core::Snapshot& s, TemperatureSource source) {
  if (source == TemperatureSource::highest) return battery_extreme(s, true).value;
  int32_t sum = 0;
  int32_t n = 0;
  for (uint8_t i = 1; i < core::kMaxTempSensors; ++i) {
    if ((s.temp_present_mask & (1U << i)) == 0) continue;
    sum += s.temp[i].count();
    ++n;
  }
  if (n > 0) return DeciCelsius(sum / n);
  return (s.temp_present_mask & 1U) != 0 ? s.temp[0] : DeciCelsius(250);
}

CanFrame encode(FrameKind kind, const InverterInput& in, const Dialect& d, const CanOptions& o) {
  const core::Snapshot& s = in.snapshot;
  switch (kind) {
    case FrameKind::limits_351:
      return limits(in, d, o);
    case FrameKind::soc_355:
      return soc(in, d);
    case FrameKind::measures_356:
      return measures(in, d, o);
    case FrameKind::protection_359:
      return protection(in, d, o);
    case FrameKind::request_35c:
      return request(in, d);
    case FrameKind::name_35e:
      return name(in, d);
    case FrameKind::alarms_35a:
      return alarms(in, d);
    case FrameKind::events_35b:
      return make_frame(0x35B, 8);
    case FrameKind::info_35f:
      return info(in, d);
    case FrameKind::modules_372:
      return modules(in);
    case FrameKind::cell_extremes_373:
      return extremes(in);
    case FrameKind::min_cell_id_374:
      return ascii_id(0x374, 'C', s.cell_min_index + 1U);
    case FrameKind::max_cell_id_375:
      return ascii_id(0x375, 'C', s.cell_max_index + 1U);
    case FrameKind::min_temp_id_376:
      return ascii_id(0x376, 'T', battery_extreme(s, false).sensor);
    case FrameKind::max_temp_id_377:
      return ascii_id(0x377, 'T', battery_extreme(s, true).sensor);
    case FrameKind::energy_378:
      return energy(in);
    case FrameKind::capacity_379:
      return capacity(in);
    case FrameKind::product_382:
      return product(in);
    case FrameKind::count_:
      break;
  }
  return CanFrame{};
}

std::size_t encode_all(const InverterInput& in, const Dialect& d, const CanOptions& o,
                       std::span<CanFrame> out) {
  std::size_t n = 0;
  for (const ScheduleEntry& e : d.schedule) {
    if (n == out.size()) break;
    out[n++] = encode(e.kind, in, d, o);
  }
  return n;
}

}  // namespace softbms::protocols::inverter
