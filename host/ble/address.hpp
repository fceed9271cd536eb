// A Bluetooth device address as users write it ("C8:47:80:12:34:56") and the BlueZ object
// path of that device on an adapter ("/org/bluez/hci0/dev_C8_47_80_12_34_56").
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "host/loop/error.hpp"

namespace softbms::host::ble {

struct BleAddress {
  std::array<uint8_t, 6> bytes{};  // in the order written, most significant first
  bool operator==(const BleAddress&) const = default;
};

// Six two-digit hex groups separated by ':' (or '-'), either case. Errors name "address".
Expected<BleAddress> parse_address(std::string_view text);
// "C8:47:80:12:34:56".
std::string format_address(const BleAddress& a);
// "/org/bluez/hci0/dev_C8_47_80_12_34_56".
std::string device_path(std::string_view adapter, const BleAddress& a);
// "/org/bluez/hci0".
std::string adapter_path(std::string_view adapter);
// An adapter name as BlueZ gives it: "hci" and digits. Errors name "adapter".
Done check_adapter_name(std::string_view name);

// The 128-bit form BlueZ uses for a 16-bit UUID: 0xFFE0 -> "0000ffe0-0000-1000-8000-00805f9b34fb".
std::string uuid16(uint16_t short_uuid);
// JK boards: service 0xFFE0 with characteristic 0xFFE1 (write commands, notify frames).
inline constexpr uint16_t kJkService = 0xFFE0;
inline constexpr uint16_t kJkCharacteristic = 0xFFE1;

}  // namespace softbms::host::ble
