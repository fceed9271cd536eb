// `softbms scan`: the BLE devices an adapter hears, with the JK boards among them marked.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/units.hpp"
#include "host/loop/error.hpp"

namespace softbms::host::ble {

struct Seen {
  std::string address;      // "C8:47:80:12:34:56"
  std::string name;         // the advertised name (or BlueZ's alias when none)
  std::optional<int> rssi;  // dBm, from this scan
  bool jk = false;          // offers service 0xFFE0 or is named like a JK board
};

struct ScanOptions {
  std::string adapter = "hci0";
  Milliseconds duration{5000};
};

// A JK board advertises service 0xFFE0, or a name starting "JK" (JK-B2A8S20P, JK_B2A8S20P,
// JK-PB...; a board with a user-set name may show neither, hence --all).
bool looks_like_jk(const std::string& name, const std::vector<std::string>& uuids);

// Discovery (LE only) for `duration`, then the devices heard in it, strongest first.
Expected<std::vector<Seen>> scan(const ScanOptions& options);

}  // namespace softbms::host::ble
