#include "core/measure/calibration.hpp"

#include "core/settings/param.hpp"

namespace softbms::core {
namespace {

constexpr int64_t div_round(int64_t num, int64_t den) {
  if (den < 0) return div_round(-num, -den);
  return num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
}

// At unity (the default, and what most packs keep) the result is raw itself: no division, which
// is most of a cell's cost in the tick (the measure stage calibrates 17 values per tick).
int64_t scale(int64_t raw, int32_t ppm) {
  if (ppm == kUnityPpm) return raw;
  return div_round(raw * ppm, kUnityPpm);
}

Result<int32_t> factor_in_range(int64_t measured, int64_t raw, Param p) {
  const int64_t factor = div_round(measured * kUnityPpm, raw);
  if (factor < info(p).min || factor > info(p).max) {
    return Status(Errc::out_of_range, static_cast<uint16_t>(p));
  }
  return static_cast<int32_t>(factor);
}

}  // namespace

Result<int32_t> voltage_calibration_for(Millivolts measured_pack, Millivolts raw_pack_sum) {
  if (raw_pack_sum.count() <= 0) {
    return Status(Errc::bad_state, static_cast<uint16_t>(Param::voltage_calibration));
  }
  return factor_in_range(measured_pack.count(), raw_pack_sum.count(), Param::voltage_calibration);
}

Result<int32_t> current_calibration_for(Milliamps measured, Milliamps raw) {
  if (abs(raw) < kMinCalibrationCurrent) {
    return Status(Errc::bad_state, static_cast<uint16_t>(Param::current_calibration));
  }
  return factor_in_range(measured.count(), raw.count(), Param::current_calibration);
}

Millivolts calibrate(Millivolts raw, int32_t ppm) {
  return Millivolts(static_cast<int32_t>(scale(raw.count(), ppm)));
}

Milliamps calibrate(Milliamps raw, int32_t ppm) {
  return Milliamps(static_cast<int32_t>(scale(raw.count(), ppm)));
}

}  // namespace softbms::core
