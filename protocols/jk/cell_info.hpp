// Frame type 0x02, cell info, in the JK02_24S and JK02_32S layouts ([ESPHOME]).
#pragma once

#include "core/io/snapshot.hpp"
#include "protocols/jk/frame.hpp"

namespace softbms::protocols::jk {

// Writes a complete, sealed cell-info frame. Layout jk04 is not encodable (bad_state).
// 24S carries cells 1..24 and the low 16 alarm bits only.
Status encode_cell_info(const core::Snapshot& s, Layout layout, FrameStamp stamp, FrameOut out);

// Decodes a cell-info frame (checked first). Fields the frame does not carry stay as in a
// default Snapshot; cell_max/cell_min come from the 0-based indexes the frame carries.
Result<core::Snapshot> decode_cell_info(Bytes frame, Layout layout);

// The width of the numeric field that starts at this offset (0 = none), for byte-order swaps.
uint8_t cell_info_field_size(Layout layout, uint16_t offset);

}  // namespace softbms::protocols::jk
