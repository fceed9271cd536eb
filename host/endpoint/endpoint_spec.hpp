// What a user writes after --endpoint: PROTOCOL:TRANSPORT[,OPTION=VALUE]...
//
//   jk-pb:pty:/tmp/jkpb                    a pty with a symlink clients open
//   jk-4e57:serial:/dev/ttyUSB0:115200     a serial adapter; the baud is optional
//   jk-pb:tcp:0.0.0.0:8899,policy=settings a TCP server
//   pylon-can:slcan:pty:/tmp/can0          CAN as slcan text over a pty (or slcan:serial:...)
//   victron-can:socketcan:can0             a Linux CAN interface
//   jk02:ble                               Bluetooth LE through BlueZ, as a JK board (ble:hci1)
//
// Options: policy=read-only|switches|settings (default read-only), addr=0..247 (RS485 device
// address), allow-remote-writes (a TCP endpoint that writes may listen beyond loopback). Errors
// name the part that is wrong: protocol, transport, path, baud, host, port, interface, option,
// policy, addr.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/io/command.hpp"
#include "host/loop/error.hpp"
#include "host/transport/address.hpp"

namespace softbms::host {

enum class BusKind : uint8_t { stream, can };

struct ProtocolInfo {
  std::string_view name;
  BusKind bus;
  int default_baud;  // for serial endpoints; 0 for CAN
  std::string_view summary;
};

// The protocols an endpoint may name. The codecs live in protocols/; this table is what the
// command line accepts and which transports fit each protocol.
std::span<const ProtocolInfo> endpoint_protocols();
const ProtocolInfo* find_protocol(std::string_view name);

enum class TransportKind : uint8_t { pty, serial, tcp, slcan_pty, slcan_serial, socketcan, ble };
std::string_view transport_kind_name(TransportKind k);  // "pty", "slcan:pty", ...

struct TransportSpec {
  TransportKind kind = TransportKind::pty;
  std::string path;       // pty symlink or serial device (also under slcan); ble: the name to
                          // advertise (set by the server from the device, not parsed)
  int baud = 0;           // serial kinds: 0 = the protocol's default
  HostPort tcp;           // tcp: where to listen (port 0: the system chooses)
  std::string interface;  // socketcan; ble: the adapter (hci0)
  bool operator==(const TransportSpec&) const = default;
};

struct EndpointSpec {
  std::string protocol;  // a name from endpoint_protocols()
  TransportSpec transport;
  core::Authority policy = core::Authority::read_only;
  std::optional<uint8_t> address;
  // allow-remote-writes: a TCP endpoint with a write policy may listen on an address other
  // machines reach. Without it such an endpoint is refused (JK protocols carry no password).
  bool allow_remote_writes = false;
  bool operator==(const EndpointSpec&) const = default;
};

// "pty:/tmp/x", "serial:/dev/ttyUSB0:9600", "tcp:127.0.0.1:502", "slcan:pty:/tmp/c",
// "socketcan:can0". A trailing ":DIGITS" after a serial path is the baud rate.
Expected<TransportSpec> parse_transport(std::string_view text);
Expected<EndpointSpec> parse_endpoint(std::string_view text);

// The canonical text of a spec; parse_endpoint(format_endpoint(s)) == s.
std::string format_transport(const TransportSpec& t);
std::string format_endpoint(const EndpointSpec& e);

std::string_view policy_name(core::Authority a);
// The baud a serial endpoint runs at: the one given, else the protocol's default.
int effective_baud(const EndpointSpec& e);
bool is_can(TransportKind k);

}  // namespace softbms::host
