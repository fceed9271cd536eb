// The first stage of the tick: raw front-end readings (Measurements) in, calibrated and
// converted values (Measured) out. See docs/measurement-and-balancing.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/base/units.hpp"
#include "core/io/measurements.hpp"
#include "core/measure/measured.hpp"
#include "core/settings/model.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

// A cell input that reads below this (raw) is not connected. The lowest cell threshold any JK
// model accepts is 1.0 V and the ADC range starts at 1 V, so 0.5 V is far below every real
// cell yet well above the few millivolts an open, floating input shows.
inline constexpr Millivolts kCellConnectedMin{500};

// Charge current at or above this means a charger is connected even when the closed charge FET
// holds the terminals at the pack voltage. 1 A is JK's own idle limit (smart sleep).
inline constexpr Milliamps kChargerCurrentMin{1000};

// How far the terminals must rise above the pack before a charger counts as connected: the
// activation voltage of each model (B2A8S20P manual §5.2: 5 V; BD4A24S guide: 2 V; the JK-PB
// documents give none and it wakes by button, so it takes the lower 2 V).
Millivolts charger_margin(ModelId model);

class Measure {
 public:
  Measured update(const Measurements& raw, const Settings& s);

  // The raw values of the last update, which calibration works from: the uncalibrated sum of
  // the present cells and the uncalibrated shunt current.
  [[nodiscard]] Millivolts raw_pack() const { return raw_pack_; }
  [[nodiscard]] Milliamps raw_current() const { return raw_current_; }

  // Temperature inputs that have given a reading since start (bit0 MOS, bit1..5 T1..T5). Only
  // these can be faulty; an input never seen is absent.
  [[nodiscard]] uint8_t seen_sensors() const { return seen_sensors_; }
  // Forget which sensors were seen: after the user removes a probe on purpose.
  void forget_sensors() { seen_sensors_ = 0; }

 private:
  void measure_temperatures(const Measurements& raw, const Settings& s, Measured& m);
  std::optional<DeciCelsius> temperature(std::size_t sensor, Ohms r);

  // The last conversion per sensor: an NTC's resistance changes by an ohm every few seconds at
  // rest, so most ticks convert the same reading again. Starts at Ohms(0), which converts to
  // no temperature, as the empty entry says.
  std::array<Ohms, kMaxTempSensors> ntc_ohms_{};
  std::array<std::optional<DeciCelsius>, kMaxTempSensors> ntc_temp_{};
  uint8_t seen_sensors_ = 0;
  Millivolts raw_pack_{};
  Milliamps raw_current_{};
};

}  // namespace softbms::core
