// JK04, the float32 protocol of the old JK-B2A16S / JK-B5A24S balancer boards (jk-protocols.md
// §2.6). Decode only: softbms never speaks it as a BMS.
#pragma once

#include "core/io/snapshot.hpp"
#include "core/settings/settings.hpp"
#include "protocols/jk/frame.hpp"

namespace softbms::protocols::jk {

inline constexpr std::size_t kJk04Cells = 24;

// Pack voltage is the sum of the cells (JK04 has no pack field); a cell reading 0 is absent.
Result<core::Snapshot> decode_jk04_cell_info(Bytes frame);
// Cell count, power-off voltage, start-balance voltage, trigger delta, max balance current and
// the balancer switch; everything else keeps `defaults`.
Result<core::Settings> decode_jk04_settings(Bytes frame, const core::Settings& defaults);

}  // namespace softbms::protocols::jk
