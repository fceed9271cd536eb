// JK's alarm bitmask ([ESPHOME]): the bit numbers are JK's, so the mask goes on the
// wire as it is.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace softbms::core {

enum class AlarmBit : uint8_t {
  wire_resistance = 0,
  mos_otp = 1,
  cell_count_mismatch = 2,
  current_sensor = 3,
  cell_ovp = 4,
  pack_ovp = 5,
  charge_ocp = 6,
  charge_scp = 7,
  charge_otp = 8,
  charge_utp = 9,
  internal_comm = 10,
  cell_uvp = 11,
  pack_uvp = 12,
  discharge_ocp = 13,
  discharge_scp = 14,
  discharge_otp = 15,
  charge_mos_fault = 16,
  discharge_mos_fault = 17,
  gps_disconnected = 18,
  modify_password = 19,
  discharge_on_failed = 20,
  battery_otp = 21,
  temp_sensor = 22,
  pcl_module = 23,
  scp_release_failed = 24,
  discharge_ocp2 = 25,
  discharge_ocp3 = 26,
  discharge_utp = 27,
  gps_lock = 28,
};
inline constexpr std::size_t kAlarmBits = 29;

constexpr uint32_t alarm_mask(AlarmBit b) { return uint32_t{1} << static_cast<uint8_t>(b); }

// Words for each bit, for people (web, CLI) and for the settings/alarm names used by sim events.
struct AlarmInfo {
  AlarmBit bit;
  std::string_view name;   // snake_case, as in the settings where one exists
  std::string_view words;  // what a person reads
};
// clang-format off
inline constexpr std::array<AlarmInfo, kAlarmBits> kAlarms = {{
  {AlarmBit::wire_resistance, "wire_resistance", "Balance wire resistance too high"},
  {AlarmBit::mos_otp, "mos_otp", "MOSFET over-temperature"},
  {AlarmBit::cell_count_mismatch, "cell_count_mismatch", "Cell count differs from the setting"},
  {AlarmBit::current_sensor, "current_sensor", "Current sensor error"},
  {AlarmBit::cell_ovp, "cell_ovp", "Cell over-voltage"},
  {AlarmBit::pack_ovp, "pack_ovp", "Pack over-voltage"},
  {AlarmBit::charge_ocp, "charge_ocp", "Charge over-current"},
  {AlarmBit::charge_scp, "charge_scp", "Charge short circuit"},
  {AlarmBit::charge_otp, "charge_otp", "Charge over-temperature"},
  {AlarmBit::charge_utp, "charge_utp", "Charge under-temperature"},
  {AlarmBit::internal_comm, "internal_comm", "Internal communication error"},
  {AlarmBit::cell_uvp, "cell_uvp", "Cell under-voltage"},
  {AlarmBit::pack_uvp, "pack_uvp", "Pack under-voltage"},
  {AlarmBit::discharge_ocp, "discharge_ocp", "Discharge over-current"},
  {AlarmBit::discharge_scp, "discharge_scp", "Short circuit"},
  {AlarmBit::discharge_otp, "discharge_otp", "Discharge over-temperature"},
  {AlarmBit::charge_mos_fault, "charge_mos_fault", "Charge MOSFET fault"},
  {AlarmBit::discharge_mos_fault, "discharge_mos_fault", "Discharge MOSFET fault"},
  {AlarmBit::gps_disconnected, "gps_disconnected", "GPS disconnected"},
  {AlarmBit::modify_password, "modify_password", "Please change the default password"},
  {AlarmBit::discharge_on_failed, "discharge_on_failed", "Discharge switch-on failed"},
  {AlarmBit::battery_otp, "battery_otp", "Battery over-temperature"},
  {AlarmBit::temp_sensor, "temp_sensor", "Temperature sensor anomaly"},
  {AlarmBit::pcl_module, "pcl_module", "PCL module anomaly"},
  {AlarmBit::scp_release_failed, "scp_release_failed", "Short-circuit release failed"},
  {AlarmBit::discharge_ocp2, "discharge_ocp2", "Discharge over-current stage II"},
  {AlarmBit::discharge_ocp3, "discharge_ocp3", "Discharge over-current stage III"},
  {AlarmBit::discharge_utp, "discharge_utp", "Discharge under-temperature"},
  {AlarmBit::gps_lock, "gps_lock", "GPS remote lock"},
}};
// clang-format on

}  // namespace softbms::core
