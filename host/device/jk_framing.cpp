#include "host/device/jk_framing.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "protocols/jk/ble_command.hpp"
#include "protocols/jk/nw_frame.hpp"

namespace softbms::host {
namespace {

constexpr std::size_t kNwMinFrame = 20;  // 11 header + register + 8 trailer
constexpr std::array<uint8_t, 4> kBleHeader{0xAA, 0x55, 0x90, 0xEB};
constexpr std::size_t kModbusMaxRequest = 256;

// Bytes up to the next possible frame start are garbage; at least one byte goes.
FrameCheck skip_to(std::span<const uint8_t> b, uint8_t start) {
  const auto next = std::find(b.begin() + 1, b.end(), start);
  return {FrameStatus::garbage, static_cast<size_t>(next - b.begin())};
}

FrameCheck whole(std::span<const uint8_t> b, std::size_t total) {
  return b.size() >= total ? FrameCheck{FrameStatus::complete, total}
                           : FrameCheck{FrameStatus::incomplete, 0};
}

// Request length by function code; 0 = not known (the frame ends with line silence).
std::size_t modbus_length(std::span<const uint8_t> b) {
  switch (b[1]) {
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x04:
    case 0x05:
    case 0x06:
      return 8;
    case 0x0F:
    case 0x10:
      return b.size() < 7 ? 0 : std::size_t{9} + b[6];
    default:
      return 0;
  }
}

}  // namespace

FrameCheck size_modbus_request(std::span<const uint8_t> b, bool line_idle) {
  if (b.size() < 2) return line_idle ? FrameCheck{FrameStatus::complete, b.size()} : FrameCheck{};
  const bool counted = b[1] == 0x0F || b[1] == 0x10;
  if (counted && b.size() < 7)
    return line_idle ? FrameCheck{FrameStatus::complete, b.size()} : FrameCheck{};
  const std::size_t n = modbus_length(b);
  if (n == 0)
    return line_idle ? FrameCheck{FrameStatus::complete, std::min(b.size(), kModbusMaxRequest)}
                     : FrameCheck{};
  // A frame cut short by silence still goes to the codec, which refuses it and is counted.
  if (b.size() < n && line_idle) return {FrameStatus::complete, b.size()};
  return whole(b, n);
}

FrameCheck size_nw_request(std::span<const uint8_t> b, bool /*line_idle*/) {
  if (b[0] != 0x4E) return skip_to(b, 0x4E);
  if (b.size() >= 2 && b[1] != 0x57) return skip_to(b, 0x4E);
  if (b.size() < 4) return {};
  const std::size_t total = ((std::size_t{b[2]} << 8) | b[3]) + 2;
  if (total < kNwMinFrame || total > protocols::jk::kNwMaxFrame) return skip_to(b, 0x4E);
  return whole(b, total);
}

FrameCheck size_ble_command(std::span<const uint8_t> b, bool /*line_idle*/) {
  const std::size_t check = std::min(b.size(), kBleHeader.size());
  for (std::size_t i = 0; i < check; ++i) {
    if (b[i] != kBleHeader[i]) return skip_to(b, kBleHeader[0]);
  }
  return whole(b, protocols::jk::kCommandSize);
}

FrameRules jk_frame_rules(std::string_view protocol, int baud) {
  if (protocol == "jk-pb") {
    return {size_modbus_request, host_inter_byte_timeout(modbus_rtu_silence(baud)), 512};
  }
  // ESPHome's jk_modbus drops a partial frame after 50 ms of silence; we do the same.
  if (protocol == "jk-4e57") return {size_nw_request, Milliseconds(50), protocols::jk::kNwMaxFrame};
  return {size_ble_command, Milliseconds(50), 64};
}

}  // namespace softbms::host
