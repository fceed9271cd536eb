// Measurements after calibration and conversion: what every later stage of the tick reads.
#pragma once

#include <array>
#include <cstdint>

#include "core/base/units.hpp"
#include "core/io/measurements.hpp"

namespace softbms::core {

struct Measured {
  // Cells: calibrated voltages; cells whose input is not connected are absent (bit clear).
  std::array<Millivolts, kMaxCells> cell{};
  uint32_t present_mask = 0;
  uint8_t cells_present = 0;
  uint8_t cells_expected = 0;  // the cell_count setting
  Millivolts max{};
  Millivolts min{};
  Millivolts avg{};
  Millivolts delta{};
  uint8_t max_index = 0;  // 0-based
  uint8_t min_index = 0;
  Millivolts pack{};      // sum of the present cells

  Milliamps current{};    // calibrated, + = charge

  // Temperatures: index 0 MOS, 1..5 T1..T5 (kMaxTempSensors).
  std::array<DeciCelsius, kMaxTempSensors> temp{};
  uint8_t temp_present_mask = 0;  // sensors installed and reading
  uint8_t temp_fault_mask = 0;    // sensors that were installed and now read open or implausible
  bool battery_temp_valid = false;  // at least one battery sensor present (and not disabled)
  DeciCelsius battery_max{};
  DeciCelsius battery_min{};
  bool mos_temp_valid = false;
  DeciCelsius mos{};

  // Balance wires.
  std::array<Milliohms, kMaxCells> wire{};
  uint32_t wire_alarm_mask = 0;   // cells whose wire resistance exceeds wire_resistance_alarm

  // Passed through from the front end.
  bool short_circuit = false;
  Milliamps balance_current{};
  Milliamps heater_current{};
  Millivolts terminal{};
  bool charger_present = false;  // terminal voltage above the pack by the activation margin
  bool button = false;
  bool charge_fet_readback = false;
  bool discharge_fet_readback = false;
  // The last tick switched the precharge resistor in: discharge current flows around the open
  // discharge FET, so a current with both FETs off is no sign of a bad sensor (set by the Bms).
  bool precharge = false;
};

}  // namespace softbms::core
