// The checks before a body is read (request_gate.hpp, host_check.hpp) on arbitrary header
// values: the input is split at newlines into method, path, Host, Origin, Content-Length,
// Transfer-Encoding and the local address.
#include <array>
#include <string_view>

#include "host/web/request_gate.hpp"

using namespace softbms::host::web;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::array<std::string_view, 7> part{};
  for (auto& p : part) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    p = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  static const HostPolicy kPolicy{{"pi.lan", "bms.example.org"}};
  RequestHead head{part[0], part[1], part[2], part[3], part[4], std::nullopt, part[6]};
  if (!part[5].empty()) head.transfer_encoding = part[5];
  if (part[3].empty()) head.origin.reset();
  static_cast<void>(gate(head, kPolicy));
  static_cast<void>(parse_authority(part[2], 80));
  return 0;
}
