// JK-PB on RS485 ([M-MODBUS], [DSB]): official Modbus RTU register access (FC03 reads, FC06 /
// FC10 writes, big-endian values, register address = block base + byte offset) and the
// trigger-and-dump exchange (FC10 to 0x161C/0x161E/0x1620 answered by a 300-byte 55AA frame
// with byte 5 = 0x00, then the 8-byte FC10 acknowledge).
#pragma once

#include <array>

#include "core/io/command.hpp"
#include "protocols/jk/frame.hpp"
#include "protocols/jk/view.hpp"

namespace softbms::protocols::jk {

inline constexpr uint16_t kSettingsBlock = 0x1000;  // RW, settings frame offset - 6
inline constexpr uint16_t kStatusBlock = 0x1200;    // R, cell-info frame offset - 6
inline constexpr uint16_t kAboutBlock = 0x1400;     // R (a few RW), device-info offset - 6
inline constexpr uint16_t kControlBlock = 0x1600;   // W
inline constexpr uint16_t kBlockBytes = kFrameSize - 6;

inline constexpr uint16_t kTriggerAbout = 0x161C;
inline constexpr uint16_t kTriggerSettings = 0x161E;
inline constexpr uint16_t kTriggerStatus = 0x1620;

enum class ModbusException : uint8_t {
  illegal_function = 0x01,
  illegal_address = 0x02,
  illegal_value = 0x03,
  device_failure = 0x04
};

inline constexpr std::size_t kModbusMaxReply = kFrameSize + 8;
using ModbusReplyOut = std::span<uint8_t, kModbusMaxReply>;

// What a request asks the core to do. A write to the settings or about block is one set of
// changes (the 0x1114 control word alone holds 16 switches; an FC10 can span many fields),
// applied by the core as one step; a control-block write is one Command. The codec decodes
// only: ranges and rules are the core's (Bms::apply), which also decides the reply.
struct ModbusOutcome {
  std::size_t reply_size = 0;  // 0 = say nothing (not for us, or a broken frame)
  core::SettingsChange change;  // origin rs485; the endpoint sets the authority
  bool has_command = false;
  core::Command command;  // a control-block write: origin rs485; the endpoint sets the authority
  Status status;          // why a request was refused, also when silent
  [[nodiscard]] bool writes() const { return has_command || !change.changes.empty(); }
};

// The whole slave side: request bytes in, reply bytes and commands out.
ModbusOutcome handle_modbus(Bytes request, uint8_t our_address, const BmsView& view,
                            ModbusReplyOut reply);

// The Modbus exception a refused write gets: 01 when the caller may not write at all, 02 for
// an address, 03 for a value refused (range, rule, malformed), 04 for anything else (a failed
// save, a locked or busy device).
uint8_t modbus_exception_for(const Status& s);
// The 5-byte exception reply to `request` (address, function | 0x80, code, CRC); returns 5.
std::size_t encode_exception(Bytes request, uint8_t code, MutBytes out);

// Client side: FC03 read and FC10 trigger requests; returns the frame size.
std::size_t encode_read_request(uint8_t address, uint16_t start, uint16_t count,
                                std::span<uint8_t, 8> out);
std::size_t encode_trigger(uint8_t address, uint16_t trigger, std::span<uint8_t, 11> out);
// Appends the Modbus CRC (low byte first) after `size` bytes; returns size + 2.
std::size_t append_crc(MutBytes frame, std::size_t size);
bool crc_ok(Bytes frame);

}  // namespace softbms::protocols::jk
