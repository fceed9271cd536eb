#include "host/web/bind_policy.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstdint>

namespace softbms::host::web {

bool is_loopback(std::string_view address) {
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  if (address == "localhost") return true;
  const std::string text(address);
  std::array<uint8_t, 16> buf{};
  if (inet_pton(AF_INET, text.c_str(), buf.data()) == 1) return buf[0] == 127;
  if (inet_pton(AF_INET6, text.c_str(), buf.data()) == 1) {
    static constexpr std::array<uint8_t, 16> kLoopback6 = {0, 0, 0, 0, 0, 0, 0, 0,
                                                           0, 0, 0, 0, 0, 0, 0, 1};
    return buf == kLoopback6;
  }
  return false;
}

std::optional<std::string> bind_refusal(std::string_view address, bool default_password_in_use) {
  if (is_loopback(address) || !default_password_in_use) return std::nullopt;
  return "refusing to serve the dashboard on " + std::string(address) +
         ": the settings password is still the factory default 123456, which anyone on the "
         "network could use to change protections. Change it first (softbms password "
         "--settings), or listen on 127.0.0.1 only.";
}

}  // namespace softbms::host::web
