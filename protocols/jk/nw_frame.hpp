// The RS485/TTL "4E 57" protocol of the JK-B*/BD* boards ([ESPHOME], [BATMON]): big-endian,
// id-coded records, sum16. Named "NW" after its first two bytes.
#pragma once

#include <array>

#include "core/io/command.hpp"
#include "protocols/jk/view.hpp"
#include "protocols/jk/wire.hpp"

namespace softbms::protocols::jk {

enum class NwCommand : uint8_t {
  activate = 0x01,
  write = 0x02,
  read = 0x03,
  password = 0x05,
  read_all = 0x06
};

struct NwRequest {
  NwCommand command = NwCommand::read_all;
  uint8_t source = 0;       // 0 BMS, 1 BLE, 2 GPS, 3 PC
  uint8_t register_id = 0;  // 0 with read = read all
  uint32_t value = 0;       // writes: big-endian value of the register's size
  [[nodiscard]] bool wants_all() const {
    return command == NwCommand::read_all || (command == NwCommand::read && register_id == 0);
  }
};

// Size of the read-all reply for n cells: 11 header + records + 9 trailer.
std::size_t nw_read_all_size(std::size_t cells);
inline constexpr std::size_t kNwMaxFrame = 400;

// Request parsing. Errors: length (bad_value), missing 0x68 end marker (bad_value), sum16
// (corrupt), unknown command or write register (unknown_field), value of the wrong size
// (bad_value).
Result<NwRequest> parse_nw_request(Bytes frame);

// The read-all reply: every record of §4.3 in JK's order with JK's lengths. command_echo is
// the request's command byte (0x06, or 0x03 for mpp-solar). Returns the frame size.
Result<std::size_t> encode_nw_read_all(const BmsView& view, uint8_t command_echo, MutBytes out);

// A write turned into a Command (origin rs485); out_of_range when the value is outside the
// table range, unknown_field for read-only registers.
Result<core::Command> nw_write_command(const NwRequest& request);
// The reply to a write: the request echoed as a reply frame (type 1, source 0).
Result<std::size_t> encode_nw_write_reply(const NwRequest& request, MutBytes out);

// Client side.
Result<std::size_t> encode_nw_read_all_request(uint8_t source, MutBytes out);
Result<std::size_t> encode_nw_write_request(uint8_t register_id, uint32_t value, MutBytes out);

struct NwRecordPos {
  uint8_t id = 0;
  uint16_t offset = 0;  // of the id byte in the frame
  uint8_t size = 0;     // data bytes after the id
};
// Walks the records of a reply; returns how many were found.
Result<std::size_t> nw_records(Bytes frame, std::span<NwRecordPos> out);

struct NwDecoded {
  core::Snapshot snapshot;
  core::Settings settings;
  core::DeviceInfo info;
  uint8_t protocol_version = 0;
};
// Decodes a read-all reply. Settings not carried keep `defaults`.
Result<NwDecoded> decode_nw_reply(Bytes frame, const core::Settings& defaults);

// Temperature and current codes of §4.2.
uint16_t nw_temp_code(DeciCelsius t);
DeciCelsius nw_temp_from_code(uint16_t code);
uint16_t nw_current_code(Milliamps i);
Milliamps nw_current_from_code(uint16_t code, uint8_t protocol_version);

}  // namespace softbms::protocols::jk
