#include "host/transport/port.hpp"

#include <unistd.h>

#include <string>

#include "host/transport/ble_transport.hpp"
#include "host/transport/tcp.hpp"

namespace softbms::host {

Expected<std::unique_ptr<Transport>> open_port(std::string_view spec, const PortOptions& options) {
  constexpr std::string_view kTcp = "tcp://";
  if (spec.empty()) return make_error(Errc::bad_value, "port", "port is missing");
  if (spec.starts_with(kTcp)) {
    auto hp = parse_host_port(spec.substr(kTcp.size()));
    if (!hp) return hp.error();
    auto s = TcpStream::connect(hp.value(), options.connect_timeout);
    if (!s) return s.error();
    return std::unique_ptr<Transport>(std::move(s).value());
  }
  constexpr std::string_view kBle = "ble:";
  if (spec.starts_with(kBle)) {
    auto b = BleTransport::connect(spec.substr(kBle.size()), options.notice);
    if (!b) return b.error();
    return std::unique_ptr<Transport>(std::move(b).value());
  }
  if (spec.find("://") != std::string_view::npos) {
    return make_error(
        Errc::bad_value, "port",
        "port \"" + std::string(spec) + "\": only tcp://, ble: or a device path is known");
  }
  // HOST:PORT without tcp:// is a slip, not a device name (unless such a file exists).
  if (spec.find('/') == std::string_view::npos && parse_host_port(spec) &&
      ::access(std::string(spec).c_str(), F_OK) != 0) {
    return make_error(Errc::bad_value, "port",
                      "port \"" + std::string(spec) +
                          "\" is not a device; for a TCP connection write tcp://" +
                          std::string(spec));
  }
  auto s = SerialTransport::open(std::string(spec), options.serial);
  if (!s) return s.error();
  return std::unique_ptr<Transport>(std::move(s).value());
}

}  // namespace softbms::host
