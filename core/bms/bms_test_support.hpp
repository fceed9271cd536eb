// Shared by the Bms tests: a healthy pack as the front end hands it over, and a clock.
#pragma once

#include <array>
#include <cstddef>

#include "core/bms/bms.hpp"
#include "core/store/medium.hpp"
#include "core/store/store.hpp"

namespace softbms::core::test {

inline constexpr Milliseconds kTick{100};

// `cells` cells at `cell`, the given current, every sensor at 25 °C (10 kOhm), the FETs read
// back as given.
inline Measurements pack_at(int cells, Millivolts cell, Milliamps current, bool charge_rb = true,
                            bool discharge_rb = true) {
  Measurements m;
  for (int i = 0; i < cells; ++i) m.cell_raw[static_cast<std::size_t>(i)] = cell;
  m.current_raw = current;
  for (std::size_t i = 0; i < 3; ++i) m.ntc[i] = Ohms(10000);  // MOS, T1, T2
  m.wire_resistance.fill(Milliohms(20));
  m.terminal_voltage = cell * cells;
  m.charge_fet_readback = charge_rb;
  m.discharge_fet_readback = discharge_rb;
  return m;
}

// An erased two-slot store in RAM (40 KiB: keep it off small stacks).
struct RamStore {
  std::array<uint8_t, kStoreSize> flash = [] {
    std::array<uint8_t, kStoreSize> f{};
    f.fill(kErasedByte);
    return f;
  }();
  MemoryMedium medium{flash, kSlotSize};
  Store store{medium};
};

// Runs the BMS for a while with the same measurements; returns the time reached.
inline Milliseconds run(Bms& bms, Milliseconds from, Milliseconds span, const Measurements& m) {
  Milliseconds t = from;
  for (; t < from + span; t += kTick) bms.step(t, m);
  return t;
}

}  // namespace softbms::core::test
