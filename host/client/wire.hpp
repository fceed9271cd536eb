// The client's side of the JK wire protocols: which bytes a request or a write is, and where a
// complete reply sits in what came back. Pure functions of bytes, so they are tested against
// the captured vectors without a board.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/settings/settings.hpp"
#include "protocols/jk/ble_command.hpp"
#include "protocols/jk/frame.hpp"

namespace softbms::host::client {

using protocols::jk::Bytes;

enum class Protocol : uint8_t { jk_pb, jk_4e57, jk02 };
inline constexpr std::string_view kProtocolNames[] = {"jk-pb", "jk-4e57", "jk02"};
constexpr std::string_view protocol_name(Protocol p) {
  return kProtocolNames[static_cast<std::size_t>(p)];
}
std::optional<Protocol> protocol_from_name(std::string_view name);

// Where a reply sits in the received bytes.
struct Scan {
  enum class State : uint8_t { incomplete, complete };
  State state = State::incomplete;
  std::size_t begin = 0;  // first byte of the reply
  std::size_t end = 0;    // one past its last byte
  [[nodiscard]] bool complete() const { return state == State::complete; }
};

// A 300-byte 55 AA EB 90 frame of this type with a good sum8. Bytes before it (an adapter's
// echo of our request, stream frames of other types, line noise) are skipped.
Scan scan_55aa(Bytes rx, protocols::jk::FrameType want);
// A whole 4E 57 frame (length from its header, sum16 checked).
Scan scan_nw(Bytes rx);
// The JK-PB answer to an FC10 write: the 8-byte acknowledge or a 5-byte exception from
// `address`, CRC checked.
Scan scan_fc10_reply(Bytes rx, uint8_t address);
// The 20-byte 0xC8 write acknowledge of the 55AA stream protocol.
Scan scan_ble_ack(Bytes rx);

// The board's verdict in an FC10 reply found by scan_fc10_reply: 0 = accepted, else the
// Modbus exception code (1 function, 2 address, 3 value).
uint8_t fc10_exception(Bytes reply);

// An FC10 "write multiple registers": data is whole registers, big-endian.
std::vector<uint8_t> encode_fc10_write(uint8_t address, uint16_t start, Bytes data);

// One register write that changes `p` to `value` on a JK-PB, the other bytes it covers taken
// from the board's current settings. unknown_field when the field cannot be written over
// Modbus (not in the 0x1000 settings block, or the DIP address). A control-word bit is written
// as the whole word: `control_word_now` is the board's word (settings frame bytes 282-283),
// so bits softbms does not model keep their value.
struct RegisterWrite {
  uint16_t start = 0;
  std::vector<uint8_t> data;  // big-endian, 2 bytes per register
};
Result<RegisterWrite> pb_register_write(core::Param p, int32_t value, const core::Settings& now,
                                        uint16_t control_word_now);

// The 4E57 holding register that writes `p`, and the value in its wire unit. unknown_field when
// no register writes it; bad_value when the value is finer than the register's unit (the 4E57
// current registers count whole amperes).
struct NwWrite {
  uint8_t register_id = 0;
  uint32_t value = 0;
  int32_t unit = 1;  // stored units per wire unit
};
Result<NwWrite> nw_register_write(core::Param p, int32_t value);

// The 20-byte command of the 55AA stream protocol that writes `p`.
Result<protocols::jk::CommandFrame> ble_write(core::Param p, int32_t value,
                                              protocols::jk::Layout layout);

// The layout of a BLE cell-info frame: JK04 when the first cell reads as a float32 voltage
// (0.5..5 V; a JK02 frame there holds two u16 millivolt cells, which read as a tiny float),
// else JK02_32S or JK02_24S by byte 287 (protocols::jk::guess_cell_info_layout).
protocols::jk::Layout ble_cell_info_layout(Bytes cell_info);
std::string_view layout_name(protocols::jk::Layout l);  // "JK02_24S", "JK02_32S", "JK04"

// "01 10 10 0C ..." for --dry-run and logs.
std::string hex(Bytes bytes);
// "0x1006".
std::string hex16(uint16_t v);

}  // namespace softbms::host::client
