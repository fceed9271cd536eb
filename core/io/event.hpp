// Typed events for the event log.
#pragma once

#include <cstdint>
#include <string_view>

namespace softbms::core {

enum class EventType : uint8_t {
  boot,
  protection_trip,     // arg = AlarmBit, value = the measured value that tripped (mV, mA, 0.1 °C)
  protection_release,  // arg = AlarmBit
  switch_changed,      // arg = Param (a kSwitch parameter), value = new state, origin = who
  setting_changed,     // arg = Param, value = new value, origin = who
  emergency_started,
  emergency_ended,
  factory_reset,       // arg = Chemistry
  preset_loaded,       // arg = Chemistry
  calibrated,          // arg = 0 voltage / 1 current, value = new factor ppm
  password_changed,    // arg = PasswordKind
  password_rejected,
  settings_locked,
  sleep,
  wake,
  shutdown,
  counters_reset,
  capacity_learned,    // value = new full capacity, mAh
  device_field_changed,  // arg = DeviceField
  store_damaged,         // at boot: arg = RecordId lost from the store (defaults in use)
  count_
};

inline constexpr std::string_view kEventNames[] = {
    "boot",           "protection_trip",  "protection_release", "switch_changed",
    "setting_changed", "emergency_started", "emergency_ended",   "factory_reset",
    "preset_loaded",  "calibrated",       "password_changed",   "password_rejected",
    "settings_locked", "sleep",           "wake",               "shutdown",
    "counters_reset", "capacity_learned", "device_field_changed", "store_damaged"};
static_assert(sizeof(kEventNames) / sizeof(kEventNames[0]) == static_cast<std::size_t>(EventType::count_));

struct Event {
  uint32_t time_s = 0;  // RTC seconds since 2020-01-01
  EventType type = EventType::boot;
  uint8_t arg = 0;
  uint8_t origin = 0;  // Origin
  int32_t value = 0;
  bool operator==(const Event&) const = default;
};

}  // namespace softbms::core
