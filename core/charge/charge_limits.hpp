// The rules behind CVL, CCL, DCL and DVL, as pure functions of one tick's inputs. The numbers
// and the reasons for them are in docs/charge-control.md.
#pragma once

#include <cstdint>

#include "core/base/units.hpp"
#include "core/charge/charge_types.hpp"
#include "core/io/alarm.hpp"
#include "core/measure/measured.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

// Inverters overshoot a current limit by a few percent; 10 % keeps them below the OCP trip.
inline constexpr int32_t kOcpMarginPercent = 10;
// CCL falls linearly from cell_ovp - 100 mV to zero at cell_ovp - 10 mV (highest cell).
inline constexpr Millivolts kChargeTaperWindow{100};
inline constexpr Millivolts kChargeStopMargin{10};
// DCL falls linearly from cell_uvp + 200 mV to zero at cell_uvp + 10 mV (lowest cell). Wider
// than the charge window: the LFP discharge knee is steep and load sag is deep.
inline constexpr Millivolts kDischargeTaperWindow{200};
inline constexpr Millivolts kDischargeStopMargin{10};
// Temperature derating ramps over the last 10 °C before each temperature protection.
inline constexpr DeciCelsius kTemperatureRamp{100};
// CVL never asks for more than cell_ovp - 50 mV per cell, whatever RCV says.
inline constexpr Millivolts kCvlOvpHeadroom{50};
// DVL per cell is at least cell_uvp + 100 mV, so the inverter stops before UVP trips.
inline constexpr Millivolts kDvlAboveUvp{100};

inline constexpr int32_t kFull = 1000;  // factors are in permille

// Alarms that zero each current limit: every protection that keeps that FET off.
inline constexpr uint32_t kChargeStopAlarms =
    alarm_mask(AlarmBit::cell_ovp) | alarm_mask(AlarmBit::pack_ovp) |
    alarm_mask(AlarmBit::charge_ocp) | alarm_mask(AlarmBit::charge_scp) |
    alarm_mask(AlarmBit::charge_otp) | alarm_mask(AlarmBit::charge_utp) |
    alarm_mask(AlarmBit::mos_otp) | alarm_mask(AlarmBit::battery_otp) |
    alarm_mask(AlarmBit::charge_mos_fault) | alarm_mask(AlarmBit::current_sensor);
inline constexpr uint32_t kDischargeStopAlarms =
    alarm_mask(AlarmBit::cell_uvp) | alarm_mask(AlarmBit::pack_uvp) |
    alarm_mask(AlarmBit::discharge_ocp) | alarm_mask(AlarmBit::discharge_ocp2) |
    alarm_mask(AlarmBit::discharge_ocp3) | alarm_mask(AlarmBit::discharge_scp) |
    alarm_mask(AlarmBit::scp_release_failed) | alarm_mask(AlarmBit::discharge_otp) |
    alarm_mask(AlarmBit::discharge_utp) | alarm_mask(AlarmBit::mos_otp) |
    alarm_mask(AlarmBit::battery_otp) | alarm_mask(AlarmBit::discharge_mos_fault) |
    alarm_mask(AlarmBit::current_sensor);

// Linear factor in permille: 0 at zero_at, 1000 at full_at, clamped; either direction works.
constexpr int32_t ramp_permille(int32_t x, int32_t zero_at, int32_t full_at) {
  if (zero_at == full_at) return x == full_at ? kFull : 0;
  const int64_t f = int64_t{x - zero_at} * kFull / (full_at - zero_at);
  return static_cast<int32_t>(f < 0 ? 0 : (f > kFull ? kFull : f));
}

struct CurrentLimit {
  Milliamps current{};
  Limiter limiter = Limiter::protection;
  bool operator==(const CurrentLimit&) const = default;
};

Milliamps charge_ceiling(const Settings& s);
Milliamps discharge_ceiling(const Settings& s);
CurrentLimit charge_current_target(const Measured& m, const ChargeInputs& in, const Settings& s);
CurrentLimit discharge_current_target(const Measured& m, const ChargeInputs& in, const Settings& s);

// The per-cell voltage of a stage: RCV in bulk and absorption, RFV in float.
Millivolts stage_cell_voltage(ChargeStage stage, const Settings& s);
// CVL for the stage, pulled down when the highest cell runs ahead of the stage voltage.
Millivolts charge_voltage_target(ChargeStage stage, const Measured& m, const Settings& s);
Millivolts discharge_voltage_target(const Settings& s);

}  // namespace softbms::core
