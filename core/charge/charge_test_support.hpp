// Shared by the charge tests: a 16S LFP pack on a JK-PB board at room temperature.
#pragma once

#include <cstdint>
#include <ostream>

#include "core/charge/charge_control.hpp"
#include "core/settings/settings.hpp"

namespace softbms {
// gtest prints a failing quantity as its number, not as bytes.
template <typename Tag, typename Rep>
void PrintTo(const Quantity<Tag, Rep>& q, std::ostream* os) {
  *os << q.count();
}
}  // namespace softbms

namespace softbms::core::test {

using namespace softbms::literals;

inline Settings lfp16() {
  return Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, 16);
}

inline void derive_cells(Measured& m) {
  m.pack = Millivolts(0);
  m.cells_present = 0;
  for (uint8_t i = 0; i < m.cells_expected; ++i) {
    const Millivolts v = m.cell[i];
    if (m.cells_present == 0 || v > m.max) m.max = v, m.max_index = i;
    if (m.cells_present == 0 || v < m.min) m.min = v, m.min_index = i;
    m.pack += v;
    ++m.cells_present;
  }
  m.present_mask = (uint32_t{1} << m.cells_present) - 1;
  m.delta = m.max - m.min;
  m.avg = m.pack / m.cells_present;
}

// Every cell at `cell`, battery sensors and MOS at `temp`.
inline Measured pack_at(Millivolts cell, DeciCelsius temp = DeciCelsius(250)) {
  Measured m;
  m.cells_expected = 16;
  for (uint8_t i = 0; i < 16; ++i) m.cell[i] = cell;
  derive_cells(m);
  m.temp_present_mask = 0b11111;
  for (uint8_t i = 0; i < 5; ++i) m.temp[i] = temp;
  m.battery_temp_valid = true;
  m.battery_min = temp;
  m.battery_max = temp;
  m.mos_temp_valid = true;
  m.mos = temp;
  return m;
}

// One cell moved to `v` (0-based index).
inline Measured with_cell(Measured m, uint8_t index, Millivolts v) {
  m.cell[index] = v;
  derive_cells(m);
  return m;
}

inline ChargeInputs healthy(uint8_t soc = 50) {
  ChargeInputs in;
  in.soc_percent = soc;
  return in;
}

}  // namespace softbms::core::test
