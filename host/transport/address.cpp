#include "host/transport/address.hpp"

namespace softbms::host {

Expected<uint32_t> parse_decimal(std::string_view text, std::string_view part, uint32_t max) {
  const std::string name(part);
  if (text.empty()) return make_error(Errc::bad_value, name, name + " is missing");
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return make_error(Errc::bad_value, name,
                        name + " \"" + std::string(text) + "\" is not a decimal number");
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > max) {
      return make_error(Errc::out_of_range, name,
                        name + " \"" + std::string(text) + "\" is above " + std::to_string(max));
    }
  }
  return static_cast<uint32_t>(v);
}

Expected<HostPort> parse_host_port(std::string_view text, bool allow_any_port) {
  std::string_view host;
  std::string_view rest;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) {
      return make_error(Errc::bad_value, "host", "host \"" + std::string(text) + "\" misses ']'");
    }
    host = text.substr(1, close - 1);
    rest = text.substr(close + 1);
  } else {
    const size_t colon = text.rfind(':');
    host = text.substr(0, colon == std::string_view::npos ? text.size() : colon);
    rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon);
  }
  if (host.empty())
    return make_error(Errc::bad_value, "host", "host is missing in \"" + std::string(text) + "\"");
  if (!text.starts_with('[') && host.find(':') != std::string_view::npos) {
    return make_error(Errc::bad_value, "host",
                      "host \"" + std::string(host) + "\": write IPv6 addresses as [addr]:port");
  }
  if (!rest.starts_with(':')) {
    return make_error(Errc::bad_value, "port", "port is missing in \"" + std::string(text) + "\"");
  }
  auto port = parse_decimal(rest.substr(1), "port", 65535);
  if (!port) return port.error();
  if (port.value() == 0 && !allow_any_port) {
    return make_error(Errc::out_of_range, "port", "port 0 is not a port a client can reach");
  }
  return HostPort{std::string(host), static_cast<uint16_t>(port.value())};
}

}  // namespace softbms::host
