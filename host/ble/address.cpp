#include "host/ble/address.hpp"

#include <cstdio>

namespace softbms::host::ble {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string hex_groups(const BleAddress& a, char sep) {
  std::string s;
  char buf[3];
  for (std::size_t i = 0; i < a.bytes.size(); ++i) {
    if (i > 0) s += sep;
    std::snprintf(buf, sizeof buf, "%02X", a.bytes[i]);
    s += buf;
  }
  return s;
}

}  // namespace

Expected<BleAddress> parse_address(std::string_view text) {
  // "AA:BB:CC:DD:EE:FF": 17 characters, a separator after every pair.
  constexpr std::size_t kText = 17;
  BleAddress a;
  bool good = text.size() == kText;
  for (std::size_t i = 0; good && i < a.bytes.size(); ++i) {
    const int hi = hex_digit(text[i * 3]);
    const int lo = hex_digit(text[i * 3 + 1]);
    const bool sep_ok = i == 5 || text[i * 3 + 2] == ':' || text[i * 3 + 2] == '-';
    good = hi >= 0 && lo >= 0 && sep_ok;
    if (good) a.bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  if (!good) {
    return make_error(Errc::bad_value, "address",
                      "Bluetooth address \"" + std::string(text) +
                          "\" is not six hex pairs like C8:47:80:12:34:56");
  }
  return a;
}

std::string format_address(const BleAddress& a) {
  return hex_groups(a, ':');
}

std::string adapter_path(std::string_view adapter) {
  return "/org/bluez/" + std::string(adapter);
}

std::string device_path(std::string_view adapter, const BleAddress& a) {
  return adapter_path(adapter) + "/dev_" + hex_groups(a, '_');
}

Done check_adapter_name(std::string_view name) {
  bool good = name.size() > 3 && name.size() <= 8 && name.starts_with("hci");
  for (std::size_t i = 3; good && i < name.size(); ++i) good = name[i] >= '0' && name[i] <= '9';
  if (!good) {
    return make_error(
        Errc::bad_value, "adapter",
        "Bluetooth adapter \"" + std::string(name) + "\" is not a BlueZ adapter name like hci0");
  }
  return {};
}

std::string uuid16(uint16_t short_uuid) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "0000%04x-0000-1000-8000-00805f9b34fb", short_uuid);
  return buf;
}

}  // namespace softbms::host::ble
