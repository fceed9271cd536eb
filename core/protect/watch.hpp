// The measured quantities a protection can watch, each read from Measured as one integer in the
// unit the settings use for its limits (mV, mA, 0.1 °C, or a count for fault inputs).
#pragma once

#include <array>
#include <cstdint>

#include "core/measure/measured.hpp"
#include "core/settings/param.hpp"

namespace softbms::core {

enum class Watch : uint8_t {
  cell_max,           // highest present cell, mV
  cell_min,           // lowest present cell, mV
  pack,               // sum of the present cells, mV
  charge_current,     // charge current, mA (0 while discharging)
  discharge_current,  // discharge current as a magnitude, mA (0 while charging)
  battery_max,        // hottest battery sensor, 0.1 °C
  battery_min,        // coldest battery sensor, 0.1 °C
  mos_temp,           // MOSFET sensor, 0.1 °C
  short_circuit,      // 1 while the front end reports a short circuit
  cell_count_error,   // |cells present - cells expected|
  idle_current,       // |current| while both FETs read back off, else 0, mA
  temp_sensor_fault,  // number of faulty temperature sensors
  wire_fault,         // number of balance wires above the resistance alarm
  count_
};
inline constexpr std::size_t kWatchCount = static_cast<std::size_t>(Watch::count_);

// A reading without a valid source (no battery sensor, no cell) starts no trip.
struct Reading {
  bool valid = false;
  int32_t value = 0;
};

Reading read(Watch w, const Measured& m);

// clang-format off
inline constexpr std::array<Unit, kWatchCount> kWatchUnits = {
    Unit::mV, Unit::mV, Unit::mV, Unit::mA, Unit::mA, Unit::deci_celsius, Unit::deci_celsius,
    Unit::deci_celsius, Unit::count, Unit::count, Unit::mA, Unit::count, Unit::count};
// clang-format on
constexpr Unit watch_unit(Watch w) {
  return kWatchUnits[static_cast<std::size_t>(w)];
}

}  // namespace softbms::core
