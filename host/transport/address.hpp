// HOST:PORT as users write it: "127.0.0.1:502", "localhost:8899", "[::1]:502".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "host/loop/error.hpp"

namespace softbms::host {

struct HostPort {
  std::string host;  // without brackets
  uint16_t port = 0;
  bool operator==(const HostPort&) const = default;
};

// Errors name "host" or "port". Port 0 is accepted only when `allow_any_port` (a server that
// lets the system choose).
Expected<HostPort> parse_host_port(std::string_view text, bool allow_any_port = false);
// Digits only, no sign, no spaces; nullopt-like error naming `part` otherwise.
Expected<uint32_t> parse_decimal(std::string_view text, std::string_view part, uint32_t max);

}  // namespace softbms::host
