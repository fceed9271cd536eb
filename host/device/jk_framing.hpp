// How each JK protocol's requests are cut out of a byte stream (FrameAssembler sizers) and the
// inter-byte timeouts real clients allow. 4E57 and the 55AA commands carry their length; Modbus
// RTU is framed by function code, and by line silence for codes we do not know.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "host/endpoint/frame_assembler.hpp"

namespace softbms::host {

FrameCheck size_modbus_request(std::span<const uint8_t> b, bool line_idle);
FrameCheck size_nw_request(std::span<const uint8_t> b, bool line_idle);
FrameCheck size_ble_command(std::span<const uint8_t> b, bool line_idle);

// The rules for a protocol name of endpoint_protocols() ("jk-pb", "jk-4e57", "jk02").
FrameRules jk_frame_rules(std::string_view protocol, int baud);

}  // namespace softbms::host
