#include "host/endpoint/endpoint_spec.hpp"

#include <iterator>

#include "host/ble/address.hpp"
#include "host/transport/serial.hpp"

namespace softbms::host {

namespace {

using core::Authority;

constexpr ProtocolInfo kProtocols[] = {
    {"jk-pb", BusKind::stream, 115200, "JK-PB inverter BMS on RS485: Modbus RTU registers"},
    {"jk-4e57", BusKind::stream, 115200, "older JK boards on RS485/TTL: 4E 57 frames"},
    {"jk02", BusKind::stream, 115200,
     "JK02 55 AA EB 90 frames (the BLE protocol) as a byte stream"},
    {"pylon-485", BusKind::stream, 9600, "Pylontech RS485 protocol for inverters"},
    {"pylon-can", BusKind::can, 0, "Pylontech CAN protocol for inverters"},
    {"victron-can", BusKind::can, 0, "Victron CAN-bus BMS protocol"},
};

struct KindRow {
  TransportKind kind;
  std::string_view prefix;  // as written, including the trailing ':'
};
// Longer prefixes first so "slcan:pty:" wins over a shorter match.
constexpr KindRow kKinds[] = {
    {TransportKind::slcan_pty, "slcan:pty:"},
    {TransportKind::slcan_serial, "slcan:serial:"},
    {TransportKind::pty, "pty:"},
    {TransportKind::serial, "serial:"},
    {TransportKind::tcp, "tcp:"},
    {TransportKind::socketcan, "socketcan:"},
    {TransportKind::ble, "ble:"},
};

constexpr std::string_view kPolicies[] = {"read-only", "switches", "settings"};

constexpr uint32_t kMaxAddress = 247;     // the highest Modbus RTU slave address
constexpr size_t kMaxInterfaceName = 15;  // IFNAMSIZ - 1

Error bad(Errc code, std::string part, std::string message) {
  return make_error(code, std::move(part), std::move(message));
}

std::string known_protocols() {
  std::string s;
  for (const auto& p : kProtocols) s += (s.empty() ? "" : ", ") + std::string(p.name);
  return s;
}

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Expected<std::string> parse_path(std::string_view text, std::string_view kind) {
  if (text.empty()) {
    return bad(Errc::bad_value, "path", "path is missing after " + std::string(kind) + ":");
  }
  return std::string(text);
}

// "/dev/ttyUSB0" or "/dev/ttyUSB0:115200": only an all-digit tail is a baud, so paths such as
// /dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0-port0 stay whole.
Done parse_serial(std::string_view text, TransportSpec& t) {
  const size_t colon = text.rfind(':');
  std::string_view path = text;
  if (colon != std::string_view::npos && is_digits(text.substr(colon + 1))) {
    path = text.substr(0, colon);
    auto baud = parse_decimal(text.substr(colon + 1), "baud", 10'000'000);
    if (!baud) return baud.error();
    t.baud = static_cast<int>(baud.value());
    if (!is_supported_baud(t.baud)) {
      return bad(Errc::out_of_range, "baud",
                 "baud " + std::to_string(t.baud) + " is not one of " + supported_bauds_text());
    }
  }
  auto p = parse_path(path, "serial");
  if (!p) return p.error();
  t.path = std::move(p).value();
  return {};
}

Done parse_interface(std::string_view text, TransportSpec& t) {
  if (text.empty())
    return bad(Errc::bad_value, "interface", "interface is missing after socketcan:");
  if (text.size() > kMaxInterfaceName || text.find_first_of("/: ") != std::string_view::npos) {
    return bad(Errc::bad_value, "interface",
               "interface \"" + std::string(text) + "\" is not a network interface name");
  }
  t.interface = std::string(text);
  return {};
}

Done parse_body(TransportKind kind, std::string_view body, TransportSpec& t) {
  switch (kind) {
    case TransportKind::pty:
    case TransportKind::slcan_pty: {
      auto p = parse_path(body, transport_kind_name(kind));
      if (!p) return p.error();
      t.path = std::move(p).value();
      return {};
    }
    case TransportKind::serial:
    case TransportKind::slcan_serial:
      return parse_serial(body, t);
    case TransportKind::tcp: {
      auto hp = parse_host_port(body, true);
      if (!hp) return hp.error();
      t.tcp = std::move(hp).value();
      return {};
    }
    case TransportKind::socketcan:
      return parse_interface(body, t);
    case TransportKind::ble: {
      if (Done d = ble::check_adapter_name(body); !d) return d.error();
      t.interface = std::string(body);
      return {};
    }
  }
  return bad(Errc::bad_value, "transport", "unknown transport");
}

Done parse_option(std::string_view opt, EndpointSpec& e, bool& seen_policy, bool& seen_addr) {
  const size_t eq = opt.find('=');
  const std::string key(opt.substr(0, eq));
  const std::string_view value =
      eq == std::string_view::npos ? std::string_view() : opt.substr(eq + 1);
  if (key == "policy" && eq != std::string_view::npos) {
    if (seen_policy) return bad(Errc::bad_value, "option", "option policy is given twice");
    seen_policy = true;
    for (size_t i = 0; i < std::size(kPolicies); ++i) {
      if (value == kPolicies[i]) {
        e.policy = static_cast<Authority>(i);
        return {};
      }
    }
    return bad(Errc::bad_value, "policy",
               "policy \"" + std::string(value) + "\" is not read-only, switches or settings");
  }
  if (key == "addr" && eq != std::string_view::npos) {
    if (seen_addr) return bad(Errc::bad_value, "option", "option addr is given twice");
    seen_addr = true;
    auto a = parse_decimal(value, "addr", kMaxAddress);
    if (!a) return a.error();
    e.address = static_cast<uint8_t>(a.value());
    return {};
  }
  if (key == "allow-remote-writes" && eq == std::string_view::npos) {
    e.allow_remote_writes = true;
    return {};
  }
  return bad(
      Errc::unknown_field, "option",
      "option \"" + std::string(opt) + "\" is not policy=..., addr=... or allow-remote-writes");
}

Done check_fit(const ProtocolInfo& p, TransportKind k) {
  if (p.bus == BusKind::can && !is_can(k)) {
    return bad(Errc::rule_violation, "transport",
               "protocol " + std::string(p.name) +
                   " speaks CAN; use slcan:pty:PATH, slcan:serial:DEVICE or socketcan:IFACE");
  }
  if (k == TransportKind::ble && p.name != "jk02") {
    return bad(Errc::rule_violation, "transport",
               "Bluetooth carries the jk02 protocol only (JK boards speak it over BLE); use "
               "jk02:ble");
  }
  if (p.bus == BusKind::stream && is_can(k)) {
    return bad(Errc::rule_violation, "transport",
               "protocol " + std::string(p.name) +
                   " is a byte stream; use pty:PATH, serial:DEVICE[:BAUD] or tcp:HOST:PORT");
  }
  return {};
}

Expected<EndpointSpec> parse_endpoint_parts(std::string_view text) {
  const size_t comma = text.find(',');
  const std::string_view head = text.substr(0, comma);
  const size_t colon = head.find(':');
  if (colon == std::string_view::npos) {
    return bad(Errc::bad_value, "transport", "transport is missing: write PROTOCOL:TRANSPORT");
  }
  EndpointSpec e;
  const ProtocolInfo* p = find_protocol(head.substr(0, colon));
  if (p == nullptr) {
    return bad(Errc::unknown_field, "protocol",
               "protocol \"" + std::string(head.substr(0, colon)) + "\" is not one of " +
                   known_protocols());
  }
  e.protocol = std::string(p->name);
  auto t = parse_transport(head.substr(colon + 1));
  if (!t) return t.error();
  e.transport = std::move(t).value();
  if (Done d = check_fit(*p, e.transport.kind); !d) return d.error();
  bool seen_policy = false;
  bool seen_addr = false;
  for (size_t at = comma; at != std::string_view::npos;) {
    const size_t next = text.find(',', at + 1);
    const std::string_view opt =
        text.substr(at + 1, next == std::string_view::npos ? next : next - at - 1);
    if (Done d = parse_option(opt, e, seen_policy, seen_addr); !d) return d.error();
    at = next;
  }
  return e;
}

}  // namespace

std::span<const ProtocolInfo> endpoint_protocols() {
  return kProtocols;
}

const ProtocolInfo* find_protocol(std::string_view name) {
  for (const auto& p : kProtocols) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string_view transport_kind_name(TransportKind k) {
  for (const auto& row : kKinds) {
    if (row.kind == k) return row.prefix.substr(0, row.prefix.size() - 1);
  }
  return "?";
}

bool is_can(TransportKind k) {
  return k == TransportKind::slcan_pty || k == TransportKind::slcan_serial ||
         k == TransportKind::socketcan;
}

std::string_view policy_name(core::Authority a) {
  return kPolicies[static_cast<size_t>(a)];
}

Expected<TransportSpec> parse_transport(std::string_view text) {
  if (text == "ble") text = "ble:hci0";
  for (const auto& row : kKinds) {
    if (!text.starts_with(row.prefix)) continue;
    TransportSpec t;
    t.kind = row.kind;
    if (Done d = parse_body(row.kind, text.substr(row.prefix.size()), t); !d) return d.error();
    return t;
  }
  return bad(Errc::bad_value, "transport",
             "transport \"" + std::string(text) +
                 "\" is not pty:PATH, serial:DEVICE[:BAUD], tcp:HOST:PORT, slcan:pty:PATH, "
                 "slcan:serial:DEVICE[:BAUD], socketcan:IFACE or ble[:hciN]");
}

Expected<EndpointSpec> parse_endpoint(std::string_view text) {
  auto e = parse_endpoint_parts(text);
  if (e) return e;
  Error err = e.error();
  err.message = "endpoint \"" + std::string(text) + "\": " + err.message;
  return err;
}

std::string format_transport(const TransportSpec& t) {
  std::string s = std::string(transport_kind_name(t.kind)) + ":";
  switch (t.kind) {
    case TransportKind::tcp: {
      const bool v6 = t.tcp.host.find(':') != std::string::npos;
      return s + (v6 ? "[" + t.tcp.host + "]" : t.tcp.host) + ":" + std::to_string(t.tcp.port);
    }
    case TransportKind::socketcan:
    case TransportKind::ble:
      return s + t.interface;
    case TransportKind::serial:
    case TransportKind::slcan_serial:
      return s + t.path + (t.baud != 0 ? ":" + std::to_string(t.baud) : "");
    default:
      return s + t.path;
  }
}

std::string format_endpoint(const EndpointSpec& e) {
  std::string s = e.protocol + ":" + format_transport(e.transport) +
                  ",policy=" + std::string(policy_name(e.policy));
  if (e.address) s += ",addr=" + std::to_string(*e.address);
  if (e.allow_remote_writes) s += ",allow-remote-writes";
  return s;
}

int effective_baud(const EndpointSpec& e) {
  if (e.transport.baud != 0) return e.transport.baud;
  const ProtocolInfo* p = find_protocol(e.protocol);
  return p != nullptr && p->default_baud != 0 ? p->default_baud : 115200;
}

}  // namespace softbms::host
