#include "protocols/jk/cell_info.hpp"

#include <array>
#include <bit>

#include "protocols/jk/field.hpp"

namespace softbms::protocols::jk {
namespace {

using core::Snapshot;

// One scalar field: its offset in each layout (0 = not in that layout), width, and how it maps
// to the Snapshot. set == nullptr: written but not read back (derived from another field).
struct CellField {
  uint16_t off24;
  uint16_t off32;
  uint8_t size;
  bool is_signed;
  int64_t (*get)(const Snapshot&);
  void (*set)(Snapshot&, int64_t);
};

constexpr int64_t temp_of(const Snapshot& s, std::size_t i) {
  return s.temp[i].count();
}

// clang-format off
#define SB_FIELD(o24, o32, size, sgn, getter, setter) \
  CellField{o24, o32, size, sgn, [](const Snapshot& s) -> int64_t { return getter; }, [](Snapshot& s, int64_t v) { setter; }}
#define SB_OUT_ONLY(o24, o32, size, sgn, getter) \
  CellField{o24, o32, size, sgn, [](const Snapshot& s) -> int64_t { return getter; }, nullptr}
#define SB_TIMER(k) \
  SB_FIELD(170 + 2 * k, 202 + 2 * k, 2, false, s.release_timer_s[k], s.release_timer_s[k] = static_cast<uint16_t>(v))

const std::array kFields = {
  SB_FIELD(54, 70, 4, false, s.cell_present_mask, s.cell_present_mask = static_cast<uint32_t>(v)),
  SB_FIELD(58, 74, 2, false, s.cell_avg.count(), s.cell_avg = Millivolts(static_cast<int32_t>(v))),
  SB_FIELD(60, 76, 2, false, s.cell_delta.count(), s.cell_delta = Millivolts(static_cast<int32_t>(v))),
  SB_FIELD(62, 78, 1, false, s.cell_max_index, s.cell_max_index = static_cast<uint8_t>(v)),
  SB_FIELD(63, 79, 1, false, s.cell_min_index, s.cell_min_index = static_cast<uint8_t>(v)),
  SB_FIELD(134, 144, 2, true, temp_of(s, core::kMosSensor), s.temp[core::kMosSensor] = DeciCelsius(static_cast<int32_t>(v))),
  SB_FIELD(114, 146, 4, false, s.wire_alarm_mask, s.wire_alarm_mask = static_cast<uint32_t>(v)),
  SB_FIELD(118, 150, 4, false, s.pack_voltage.count(), s.pack_voltage = Millivolts(static_cast<int32_t>(v))),
  // JK sends power unsigned; the sign is the current's.
  SB_FIELD(122, 154, 4, false, s.power.count() < 0 ? -s.power.count() : s.power.count(), s.power = Milliwatts(v)),
  SB_FIELD(126, 158, 4, true, s.current.count(), s.current = Milliamps(static_cast<int32_t>(v))),
  SB_FIELD(130, 162, 2, true, temp_of(s, 1), s.temp[1] = DeciCelsius(static_cast<int32_t>(v))),
  SB_FIELD(132, 164, 2, true, temp_of(s, 2), s.temp[2] = DeciCelsius(static_cast<int32_t>(v))),
  SB_FIELD(136, 0, 2, false, s.alarms & 0xFFFF, s.alarms = static_cast<uint32_t>(v)),
  SB_FIELD(0, 166, 4, false, s.alarms, s.alarms = static_cast<uint32_t>(v)),
  SB_FIELD(138, 170, 2, true, s.balance_current.count(), s.balance_current = Milliamps(static_cast<int32_t>(v))),
  SB_FIELD(140, 172, 1, false, static_cast<uint8_t>(s.balance_state), s.balance_state = static_cast<core::BalanceState>(v)),
  SB_FIELD(141, 173, 1, false, s.soc_percent, (s.soc_percent = static_cast<uint8_t>(v), s.soc_permille = static_cast<int32_t>(v) * 10)),
  SB_FIELD(142, 174, 4, true, s.remaining.count(), s.remaining = MilliampHours(v)),
  SB_FIELD(146, 178, 4, false, s.full_capacity.count(), s.full_capacity = MilliampHours(v)),
  SB_FIELD(150, 182, 4, false, s.cycles, s.cycles = static_cast<uint32_t>(v)),
  SB_FIELD(154, 186, 4, false, s.cycle_capacity.count(), s.cycle_capacity = MilliampHours(v)),
  SB_FIELD(158, 190, 1, false, s.soh_percent, s.soh_percent = static_cast<uint8_t>(v)),
  SB_FIELD(159, 191, 1, false, s.precharge, s.precharge = v != 0),
  SB_FIELD(162, 194, 4, false, s.runtime.count(), s.runtime = Seconds(v)),
  SB_FIELD(166, 198, 1, false, s.charge_fet, s.charge_fet = v != 0),
  SB_FIELD(167, 199, 1, false, s.discharge_fet, s.discharge_fet = v != 0),
  SB_TIMER(0), SB_TIMER(1), SB_TIMER(2), SB_TIMER(3), SB_TIMER(4), SB_TIMER(5),
  SB_FIELD(182, 214, 1, false, s.temp_present_mask, s.temp_present_mask = static_cast<uint8_t>(v)),
  SB_FIELD(183, 215, 1, false, s.heater, s.heater = v != 0),
  SB_FIELD(186, 218, 2, false, s.emergency_remaining.count(), s.emergency_remaining = Seconds(v)),
  SB_OUT_ONLY(202, 234, 2, false, s.pack_voltage.count() / 10),
  SB_FIELD(204, 236, 2, true, s.heater_current.count(), s.heater_current = Milliamps(static_cast<int32_t>(v))),
  SB_FIELD(213, 245, 1, false, s.charger_present, s.charger_present = v != 0),
  // SysRunTicks counts 0.1 s.
  SB_FIELD(214, 246, 4, false, s.uptime.count() / 100, s.uptime = Milliseconds(v * 100)),
  SB_FIELD(222, 254, 2, true, temp_of(s, 3), s.temp[3] = DeciCelsius(static_cast<int32_t>(v))),
  SB_FIELD(224, 256, 2, true, temp_of(s, 4), s.temp[4] = DeciCelsius(static_cast<int32_t>(v))),
  SB_FIELD(226, 258, 2, true, temp_of(s, 5), s.temp[5] = DeciCelsius(static_cast<int32_t>(v))),
  SB_FIELD(230, 262, 4, false, s.rtc_s, s.rtc_s = static_cast<uint32_t>(v)),
  SB_FIELD(238, 270, 4, false, s.sleep_countdown.count(), s.sleep_countdown = Seconds(v)),
  SB_FIELD(0, 278, 2, false, s.charge_stage_elapsed.count(), s.charge_stage_elapsed = Seconds(v)),
  SB_FIELD(0, 280, 1, false, static_cast<uint8_t>(s.charge_stage), s.charge_stage = static_cast<core::ChargeStage>(v > 2 ? 0 : v)),
  SB_FIELD(0, 281, 1, false, (s.dry_contact1 ? 2 : 0) | (s.dry_contact2 ? 4 : 0), (s.dry_contact1 = (v & 2) != 0, s.dry_contact2 = (v & 4) != 0)),
  // Clients tell 32S from 24S by this byte (trap 11.1 of the reference, dbus-serialbattery).
  SB_OUT_ONLY(0, 287, 1, false, (static_cast<void>(s), 0xFE)),
};
#undef SB_FIELD
#undef SB_OUT_ONLY
#undef SB_TIMER
// clang-format on

constexpr uint16_t offset_in(const CellField& f, Layout l) {
  return l == Layout::jk02_24s ? f.off24 : f.off32;
}
constexpr FieldSpec spec(const CellField& f, Layout l) {
  return {offset_in(f, l), f.size, f.is_signed};
}

// Cell voltages at 6 + 2i; wire resistances follow the cells-block fields.
constexpr uint16_t cell_offset(std::size_t i) {
  return static_cast<uint16_t>(6 + 2 * i);
}
constexpr uint16_t wire_offset(Layout l, std::size_t i) {
  return static_cast<uint16_t>((l == Layout::jk02_24s ? 64 : 80) + 2 * i);
}

uint32_t slot_mask(Layout l) {
  return cell_slots(l) >= 32 ? 0xFFFFFFFFu : (uint32_t{1} << cell_slots(l)) - 1;
}

void decode_cells(Bytes in, Layout l, Snapshot& s) {
  for (std::size_t i = 0; i < cell_slots(l); ++i) {
    s.cell[i] = Millivolts(static_cast<int32_t>(get_le(in, cell_offset(i), 2)));
    s.wire_resistance[i] = Milliohms(sign_extend(get_le(in, wire_offset(l, i), 2), 2));
  }
  s.cell_present_mask &= slot_mask(l);
  s.cell_count = static_cast<uint8_t>(std::popcount(s.cell_present_mask));
  const std::size_t slots = cell_slots(l);
  if (s.cell_max_index < slots) s.cell_max = s.cell[s.cell_max_index];
  if (s.cell_min_index < slots) s.cell_min = s.cell[s.cell_min_index];
  if (s.current.count() < 0) s.power = -s.power;
}

}  // namespace

Status encode_cell_info(const Snapshot& s, Layout layout, FrameStamp stamp, FrameOut out) {
  if (layout == Layout::jk04) return Status(Errc::bad_state);
  begin_frame(out, FrameType::cell_info, stamp);
  for (std::size_t i = 0; i < cell_slots(layout); ++i) {
    put_field(out, {cell_offset(i), 2, false}, s.cell[i].count());
    put_field(out, {wire_offset(layout, i), 2, true}, s.wire_resistance[i].count());
  }
  for (const CellField& f : kFields) {
    if (offset_in(f, layout) != 0) put_field(out, spec(f, layout), f.get(s));
  }
  put_le(out, offset_in(kFields[0], layout), 4, s.cell_present_mask & slot_mask(layout));
  seal_frame(out);
  return ok_status();
}

uint8_t cell_info_field_size(Layout layout, uint16_t offset) {
  if (offset >= cell_offset(0) && offset < cell_offset(cell_slots(layout))) return 2;
  if (offset >= wire_offset(layout, 0) && offset < wire_offset(layout, cell_slots(layout)))
    return 2;
  for (const CellField& f : kFields) {
    if (offset_in(f, layout) == offset && offset != 0) return f.size;
  }
  return 0;
}

Result<Snapshot> decode_cell_info(Bytes frame, Layout layout) {
  if (layout == Layout::jk04) return Status(Errc::bad_state);
  const Status st = check_frame(frame, FrameType::cell_info);
  if (!st.ok()) return st;
  Snapshot s;
  for (const CellField& f : kFields) {
    if (offset_in(f, layout) != 0 && f.set != nullptr) f.set(s, get_field(frame, spec(f, layout)));
  }
  decode_cells(frame, layout, s);
  return s;
}

}  // namespace softbms::protocols::jk
