// The BMS side of each JK protocol, over a core::Bms: request bytes in, reply bytes out, the
// request's Commands applied with the endpoint's authority. No I/O here: the endpoint server
// moves the bytes, so these functions are tested without a transport.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/base/status.hpp"
#include "core/base/units.hpp"
#include "core/bms/bms.hpp"
#include "protocols/jk/frame.hpp"

namespace softbms::host {

enum class Verdict : uint8_t {
  answered,  // a good request, answered (or applied)
  rejected,  // bad bytes, unknown register, refused write: the protocol's error or silence
  ignored,   // a good frame that is not for us (another RS485 address)
};

struct Answer {
  Verdict verdict = Verdict::ignored;
  std::vector<uint8_t> reply;  // empty = say nothing
  Status why;                  // the reason of a rejection
  bool start_stream = false;   // jk02 0x96: stream cell-info frames from now on
  bool wrote = false;          // the core accepted a write: the reply waits for the save
};

// The reply a write that could not be saved gets instead of its acknowledge: exception 04 on
// JK-PB Modbus, silence on 4E57 and jk02 (they have no error frame). The answer turns rejected.
void refuse_unsaved(Answer& a, std::string_view protocol, std::span<const uint8_t> frame,
                    Status why);

// JK-PB on RS485: Modbus RTU (FC03/06/10) and the trigger-and-dump exchange, at `address`.
Answer answer_jk_pb(std::span<const uint8_t> frame, uint8_t address, core::Authority policy,
                    core::Bms& bms, Milliseconds now);

// The 4E57 protocol of the JK-B and JK-BD boards: read-all, writes, password and activate.
Answer answer_4e57(std::span<const uint8_t> frame, core::Authority policy, core::Bms& bms,
                   Milliseconds now);

// One jk02 client: its frame counter (byte 5) and the layout its firmware version implies.
struct Jk02Session {
  protocols::jk::Layout layout = protocols::jk::Layout::jk02_32s;
  uint8_t counter = 0;
};
// Firmware major >= 11 speaks the 32-cell layout ([ESPHOME]), older the 24-cell one.
protocols::jk::Layout layout_for_sw_version(std::string_view sw_version);

// The 20-byte AA 55 90 EB commands of the JK app, as on BLE.
Answer answer_jk02(std::span<const uint8_t> frame, core::Authority policy, core::Bms& bms,
                   Milliseconds now, Jk02Session& session);
// The next cell-info frame of the stream.
std::vector<uint8_t> jk02_cell_info(const core::Bms& bms, Jk02Session& session);

}  // namespace softbms::host
