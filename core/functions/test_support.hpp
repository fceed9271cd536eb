// Shared inputs for the functions tests.
#pragma once

#include "core/measure/measured.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core::test {

inline Settings lfp16() {
  return Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, 16);
}

// A 16-cell pack with every cell at `cell`, the given current, and battery sensors at `temp`.
inline Measured pack(Millivolts cell, Milliamps current, DeciCelsius temp = DeciCelsius(250)) {
  Measured m;
  m.cells_present = 16;
  m.cells_expected = 16;
  m.max = cell;
  m.min = cell;
  m.avg = cell;
  m.pack = cell * 16;
  m.current = current;
  m.battery_temp_valid = true;
  m.battery_min = temp;
  m.battery_max = temp;
  return m;
}

}  // namespace softbms::core::test
