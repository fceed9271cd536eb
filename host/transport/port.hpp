// The client side's "open this port": what a user passes to `softbms status -p PORT`.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "host/transport/serial.hpp"
#include "host/transport/transport.hpp"

namespace softbms::host {

struct PortOptions {
  SerialOptions serial;                // used for device paths (serial or pty)
  Milliseconds connect_timeout{3000};  // used for tcp://
  // ble: the link's own news (lost, back, a reconnect that failed); empty = to stderr.
  std::function<void(const std::string&)> notice;
};

// "tcp://HOST:PORT" connects over TCP; "ble:AA:BB:CC:DD:EE:FF" (or "ble:hci1:AA:...") to a JK
// board over Bluetooth LE through BlueZ (docs/bluetooth.md); anything else is a device path (a
// serial adapter, or the symlink of a softbms pty) opened raw at the given baud.
Expected<std::unique_ptr<Transport>> open_port(std::string_view spec,
                                               const PortOptions& options = {});

}  // namespace softbms::host
