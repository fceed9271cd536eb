// The 20-byte BLE command frame AA 55 90 EB (client -> BMS) and the 0xC8 write acknowledge
// (BMS -> client), [ESPHOME].
#pragma once

#include <array>

#include "core/io/command.hpp"
#include "core/settings/settings.hpp"
#include "protocols/jk/frame.hpp"

namespace softbms::protocols::jk {

inline constexpr std::size_t kCommandSize = 20;
using CommandFrame = std::array<uint8_t, kCommandSize>;
using CommandOut = std::span<uint8_t, kCommandSize>;

inline constexpr uint8_t kRequestSettings = 0x96;    // settings frame, then the cell-info stream
inline constexpr uint8_t kRequestDeviceInfo = 0x97;  // device-info frame
inline constexpr uint8_t kRequestLogbook = 0xA1;     // logbook frame

enum class BleRequestKind : uint8_t {
  settings_and_stream,  // 0x96
  device_info,          // 0x97
  logbook,              // 0xA1
  command,              // a Command for the core; acknowledge with 0xC8 when it is applied
  restart,              // 0x66: the board reboots (no Command kind for it)
  ignored,              // a register JK clients write whose meaning is unknown (0x40)
};

struct BleRequest {
  BleRequestKind kind = BleRequestKind::ignored;
  core::Command command;  // origin = app; the endpoint sets the authority
};

// Bytes 10..18 are ignored: the JK app leaves stale buffer bytes there. `chemistry` is the
// chemistry a factory reset returns to (JK's reset keeps the configured chemistry).
// Errors: wrong length/header (bad_value), checksum (corrupt), unknown register (unknown_field,
// detail = register), a value outside the table range (out_of_range, detail = register).
Result<BleRequest> decode_ble_command(Bytes frame, Layout layout, core::Chemistry chemistry);

// Client side.
void encode_ble_request(uint8_t request, CommandOut out);
Status encode_ble_command(const core::Command& c, Layout layout, CommandOut out);

void encode_write_ack(CommandOut out);
bool is_write_ack(Bytes frame);

}  // namespace softbms::protocols::jk
