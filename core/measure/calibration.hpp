// Gain calibration as the JK app does it: the user enters what a meter shows, the board works
// out the factor. Factors are in ppm (1 000 000 = 1.0), the settings voltage_calibration and
// current_calibration; applying them is integer arithmetic only.
#pragma once

#include <cstdint>

#include "core/base/status.hpp"
#include "core/base/units.hpp"

namespace softbms::core {

inline constexpr int32_t kUnityPpm = 1'000'000;
// Below this raw current the shunt's offset and noise are a large part of the reading, so a
// gain worked out from it would be wrong by more than it corrects.
inline constexpr Milliamps kMinCalibrationCurrent{1000};

// The voltage factor that makes the raw (uncalibrated) sum of the present cells read as the
// pack voltage the user measured. Errc::bad_state when no cell is present; Errc::out_of_range
// (detail = Param::voltage_calibration) when the factor is outside the parameter's range.
Result<int32_t> voltage_calibration_for(Millivolts measured_pack, Millivolts raw_pack_sum);

// The current factor that makes the raw shunt reading read as the current the user measured
// (+ = charge). Errc::bad_state when |raw| < kMinCalibrationCurrent; Errc::out_of_range
// (detail = Param::current_calibration) when the factor is outside the parameter's range,
// which includes a measured current of the opposite sign.
Result<int32_t> current_calibration_for(Milliamps measured, Milliamps raw);

// value * ppm / 1e6, rounded to the nearest unit.
Millivolts calibrate(Millivolts raw, int32_t ppm);
Milliamps calibrate(Milliamps raw, int32_t ppm);

}  // namespace softbms::core
