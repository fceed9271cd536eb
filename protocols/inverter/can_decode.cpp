#include "protocols/inverter/can_decode.hpp"

namespace softbms::protocols::inverter {
namespace {

Status check(const CanFrame& f, uint32_t id, uint8_t min_dlc) {
  if (f.extended || f.id != id) return wrong_id(f.id);
  if (f.dlc < min_dlc || f.dlc > 8) return wrong_dlc(f.dlc);
  return ok_status();
}

PairState pair(uint8_t byte, std::size_t index) {
  return static_cast<PairState>((byte >> (2 * index)) & 0b11);
}

}  // namespace

Result<Limits351> decode_limits(const CanFrame& f) {
  if (Status s = check(f, 0x351, 6); !s.ok()) return s;
  Limits351 v;
  v.charge_voltage = Millivolts(get_u16(f, 0) * 100);
  v.charge_current = Milliamps(get_s16(f, 2) * 100);
  v.discharge_current = Milliamps(get_s16(f, 4) * 100);
  if (f.dlc == 8) v.discharge_voltage = Millivolts(get_u16(f, 6) * 100);
  return v;
}

Result<Soc355> decode_soc(const CanFrame& f) {
  if (Status s = check(f, 0x355, 4); !s.ok()) return s;
  Soc355 v;
  if (get_u16(f, 0) > 100 || get_u16(f, 2) > 100) return Status(Errc::out_of_range, 0x355);
  v.soc_percent = static_cast<uint8_t>(get_u16(f, 0));
  v.soh_percent = static_cast<uint8_t>(get_u16(f, 2));
  if (f.dlc >= 6) v.soc_hundredths = get_u16(f, 4);
  return v;
}

Result<Measures356> decode_measures(const CanFrame& f) {
  if (Status s = check(f, 0x356, 6); !s.ok()) return s;
  return Measures356{Millivolts(get_s16(f, 0) * 10), Milliamps(get_s16(f, 2) * 100),
                     DeciCelsius(get_s16(f, 4))};
}

Result<Protection359> decode_protection(const CanFrame& f) {
  if (Status s = check(f, 0x359, 7); !s.ok()) return s;
  Protection359 v;
  for (std::size_t i = 0; i < 4; ++i) v.flags[i] = f.data[i];
  v.module_count = f.data[4];
  v.token = {static_cast<char>(f.data[5]), static_cast<char>(f.data[6])};
  return v;
}

Result<core::ChargeRequest> decode_request(const CanFrame& f) {
  if (Status s = check(f, 0x35C, 1); !s.ok()) return s;
  const uint8_t b = f.data[0];
  core::ChargeRequest r;
  r.charge_enable = (b & 0x80) != 0;
  r.discharge_enable = (b & 0x40) != 0;
  r.force_charge_1 = (b & 0x20) != 0;
  r.force_charge_2 = (b & 0x10) != 0;
  r.full_charge = (b & 0x08) != 0;
  return r;
}

Result<FixedString<8>> decode_text(const CanFrame& f) {
  if (f.extended) return wrong_id(f.id);
  if (f.dlc == 0 || f.dlc > 8) return wrong_dlc(f.dlc);
  std::size_t n = 0;
  while (n < f.dlc && f.data[n] != 0) ++n;
  while (n > 0 && f.data[n - 1] == ' ') --n;
  char text[8] = {};
  for (std::size_t i = 0; i < n; ++i) {
    if (f.data[i] < 0x20 || f.data[i] > 0x7E) return Status(Errc::bad_value, f.data[i], 1);
    text[i] = static_cast<char>(f.data[i]);
  }
  return FixedString<8>(std::string_view(text, n));
}

Result<Alarms35A> decode_alarms(const CanFrame& f) {
  if (Status s = check(f, 0x35A, 8); !s.ok()) return s;
  Alarms35A v;
  for (std::size_t n = 0; n < 16; ++n) {
    v.alarm[n] = pair(f.data[n / 4], n % 4);
    v.warning[n] = pair(f.data[4 + n / 4], n % 4);
  }
  return v;
}

Result<Info35F> decode_info(const CanFrame& f) {
  if (Status s = check(f, 0x35F, 8); !s.ok()) return s;
  Info35F v;
  v.chemistry = {static_cast<char>(f.data[0]), static_cast<char>(f.data[1])};
  v.version_major = f.data[2];
  v.version_minor = f.data[3];
  v.capacity_ah = get_u16(f, 4);
  v.extra = get_u16(f, 6);
  return v;
}

Result<Modules372> decode_modules(const CanFrame& f) {
  if (Status s = check(f, 0x372, 8); !s.ok()) return s;
  return Modules372{get_u16(f, 0), get_u16(f, 2), get_u16(f, 4), get_u16(f, 6)};
}

Result<CellExtremes373> decode_cell_extremes(const CanFrame& f) {
  if (Status s = check(f, 0x373, 8); !s.ok()) return s;
  return CellExtremes373{Millivolts(get_u16(f, 0)), Millivolts(get_u16(f, 2)), get_u16(f, 4),
                         get_u16(f, 6)};
}

Result<Energy378> decode_energy(const CanFrame& f) {
  if (Status s = check(f, 0x378, 8); !s.ok()) return s;
  return Energy378{MilliwattHours(int64_t{get_u32(f, 0)} * 100'000),
                   MilliwattHours(int64_t{get_u32(f, 4)} * 100'000)};
}

Result<uint16_t> decode_capacity(const CanFrame& f) {
  if (Status s = check(f, 0x379, 2); !s.ok()) return s;
  return get_u16(f, 0);
}

Result<SmaInverter305> decode_sma_305(const CanFrame& f) {
  if (Status s = check(f, 0x305, 8); !s.ok()) return s;
  return SmaInverter305{Millivolts(get_u16(f, 0) * 100), Milliamps(get_s16(f, 2) * 100),
                        DeciCelsius(get_s16(f, 4)), get_u16(f, 6)};
}

}  // namespace softbms::protocols::inverter
