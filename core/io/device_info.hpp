// Identity of the board: what the JK device-info frame carries ([ESPHOME]).
// Passwords are not here: they live hashed in security/.
#pragma once

#include <cstdint>

#include "core/io/fixed_string.hpp"

namespace softbms::core {

enum class DeviceField : uint8_t { device_name, manufacturing_date, serial_number, user_data, user_data2, count_ };

struct DeviceInfo {
  FixedString<16> model;        // vendor/model id, from the model profile
  FixedString<8> hw_version;
  FixedString<8> sw_version;
  FixedString<16> device_name;  // Bluetooth name: ASCII letters and digits only
  FixedString<8> manufacturing_date;  // YYMMDD
  FixedString<11> serial_number;
  FixedString<16> user_data;
  FixedString<16> user_data2;
  bool operator==(const DeviceInfo&) const = default;
};

}  // namespace softbms::core
