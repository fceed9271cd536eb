// Shared by the protection tests: a healthy 16S LFP pack on a JK-PB board and a clock that
// steps the protections at a fixed tick.
#pragma once

#include <algorithm>
#include <cstdint>
#include <ostream>

#include "core/protect/protections.hpp"
#include "core/settings/validate.hpp"

namespace softbms::core {

// Readable gtest output for a transition that differs.
inline void PrintTo(const Transition& t, std::ostream* os) {
  *os << protection_name(t.bit) << (t.kind == TransitionKind::trip ? " trip" : " release")
      << " value " << t.value << " at " << t.at.count() << " ms";
}

}  // namespace softbms::core

namespace softbms::core::test {

using namespace softbms::literals;

inline constexpr int kCells = 16;
inline constexpr Millivolts kHealthyCell{3300};  // LFP: between UVPR 3.0 V and OVPR 3.4 V
inline constexpr DeciCelsius kRoomTemp{250};

// Recomputes what the measure stage derives from the present cells.
inline void derive(Measured& m) {
  m.cells_present = 0;
  m.pack = Millivolts(0);
  m.max = Millivolts(0);
  m.min = Millivolts(0);
  for (uint8_t i = 0; i < kMaxCells; ++i) {
    if ((m.present_mask & (uint32_t{1} << i)) == 0) continue;
    const Millivolts v = m.cell[i];
    if (m.cells_present == 0 || v > m.max) {
      m.max = v;
      m.max_index = i;
    }
    if (m.cells_present == 0 || v < m.min) {
      m.min = v;
      m.min_index = i;
    }
    m.pack += v;
    ++m.cells_present;
  }
  m.delta = m.max - m.min;
  m.avg = m.cells_present > 0 ? m.pack / m.cells_present : Millivolts(0);
}

inline Measured healthy_pack() {
  Measured m;
  for (int i = 0; i < kCells; ++i) m.cell[i] = kHealthyCell;
  m.present_mask = (uint32_t{1} << kCells) - 1;
  m.cells_expected = kCells;
  for (auto& t : m.temp) t = kRoomTemp;
  m.temp_present_mask = 0b000111;  // MOS, T1, T2
  m.battery_temp_valid = true;
  m.battery_max = kRoomTemp;
  m.battery_min = kRoomTemp;
  m.mos_temp_valid = true;
  m.mos = kRoomTemp;
  m.charge_fet_readback = true;
  m.discharge_fet_readback = true;
  derive(m);
  return m;
}

inline void set_cell(Measured& m, int index, Millivolts v) {
  m.cell[index] = v;
  derive(m);
}
inline void set_all_cells(Measured& m, Millivolts v) {
  for (int i = 0; i < kCells; ++i) m.cell[i] = v;
  derive(m);
}
inline void set_battery_temp(Measured& m, DeciCelsius t) {
  m.temp[1] = m.temp[2] = t;
  m.battery_max = m.battery_min = t;
}

inline Settings lfp16() {
  return Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, kCells);
}

// Applies a change that the test relies on; a rejected change fails the test at once.
#define SOFTBMS_APPLY(settings, param, value) \
  ASSERT_TRUE(apply_change(settings, param, value).ok()) << info(param).name << " = " << (value)

// A pack, its settings and the protections, stepped on a fixed tick.
struct Bench {
  Settings s = lfp16();
  Measured m = healthy_pack();
  ProtectionInputs in{};
  Protections p;
  Milliseconds now{0};
  Milliseconds tick{100};

  void step() { p.step(now, m, s, in); }
  // Steps every tick after now, up to and including t.
  void run_until(Milliseconds t) {
    while (now + tick <= t) {
      now += tick;
      step();
    }
  }
  void run_for(Milliseconds d) { run_until(now + d); }
  [[nodiscard]] bool alarm(AlarmBit b) const { return (p.alarms() & alarm_mask(b)) != 0; }
  [[nodiscard]] uint16_t timer(ReleaseTimer t) const {
    return p.release_timers_s()[static_cast<std::size_t>(t)];
  }
  [[nodiscard]] bool saw(AlarmBit b, TransitionKind k) const {
    return std::ranges::any_of(p.transitions(),
                               [&](const Transition& t) { return t.bit == b && t.kind == k; });
  }
};

}  // namespace softbms::core::test
