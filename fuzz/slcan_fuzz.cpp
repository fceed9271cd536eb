// The SLCAN line decoder (a USB-CAN adapter's ASCII lines) on arbitrary text: no crash, and a
// frame it decodes must encode back to a line that decodes to the same frame.
#include <array>
#include <string_view>

#include "protocols/inverter/slcan.hpp"

using namespace softbms::protocols::inverter;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const auto m = slcan_decode(line);
  static_cast<void>(slcan_reply(m));
  if (!m.ok() || m.value().kind != SlcanKind::frame) return 0;
  std::array<char, kSlcanMaxLine + 1> out{};
  const auto n = slcan_encode(m.value().frame, out);
  if (!n.ok()) __builtin_trap();
  const auto again = slcan_decode(std::string_view(out.data(), n.value()));
  if (!again.ok() || !(again.value().frame == m.value().frame)) __builtin_trap();
  return 0;
}
