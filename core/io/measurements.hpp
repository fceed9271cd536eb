// What the plant (the simulated pack, or an analog front end) hands the core every tick.
// Raw values: the core applies calibration and converts NTC resistances itself.
#pragma once

#include <array>
#include <cstdint>

#include "core/base/units.hpp"

namespace softbms::core {

inline constexpr std::size_t kMaxCells = 32;
// Temperature inputs: index 0 is the MOSFET sensor, 1..5 the battery sensors T1..T5.
inline constexpr std::size_t kMaxTempSensors = 6;
inline constexpr std::size_t kMosSensor = 0;

struct Measurements {
  // Cell voltages as the ADC reads them, before calibration. A cell input that reads below
  // 500 mV is treated as not connected (see measure/).
  std::array<Millivolts, kMaxCells> cell_raw{};
  // Pack current through the shunt, before calibration; + = charge.
  Milliamps current_raw{};
  // NTC resistance of each temperature input; 0 = open (not installed or broken).
  std::array<Ohms, kMaxTempSensors> ntc{};
  // Balance-lead resistance from the board's self-test, per cell.
  std::array<Milliohms, kMaxCells> wire_resistance{};
  // Current the balancer actually moves (sign as JK: - while taking from the high cell).
  Milliamps balance_current{};
  // Voltage at the pack terminals (P+ to P-) with the FETs as they are; a charger raises it.
  Millivolts terminal_voltage{};
  // Set by the front end's short-circuit comparator when the current exceeded the hardware
  // threshold for scp_delay (configured from Outputs::scp_delay). Latched by the core.
  bool short_circuit = false;
  // Heater current (the heater pad's own shunt); 0 when off.
  Milliamps heater_current{};
  // The FET states the front end reads back (for charge/discharge MOS fault detection).
  bool charge_fet_readback = false;
  bool discharge_fet_readback = false;
  // The emergency / wake button (edge detection is the core's job).
  bool button = false;
};

}  // namespace softbms::core
