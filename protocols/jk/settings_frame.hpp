// Frame type 0x01, settings ([ESPHOME], [M-MODBUS]), driven by the JkField of every row of the
// settings table (core/settings/param.hpp): no second list of offsets exists here.
#pragma once

#include <optional>

#include "core/settings/settings.hpp"
#include "protocols/jk/field.hpp"

namespace softbms::protocols::jk {

// Where a parameter sits in a settings frame of this layout. 24S frames end their settings
// block at byte 142 (then come the wire resistances); the tail (device address, precharge,
// control word, heating and discharge-UTP bytes) is 32S only.
bool in_settings_frame(const core::ParamInfo& row, Layout layout);
// The wire field of a row that is not a control-word bit (signed when the table allows < 0).
FieldSpec wire_spec(const core::ParamInfo& row);
// Stored value <-> wire value (0.1 °C <-> °C in the one-byte temperature fields).
int32_t to_wire(const core::ParamInfo& row, int32_t stored);
int32_t from_wire(const core::ParamInfo& row, int32_t wire);

inline constexpr uint16_t kControlWordOffset = 282;

Status encode_settings(const core::Settings& s, Layout layout, FrameStamp stamp, FrameOut out);

// Values the frame does not carry keep what `defaults` holds. No range check: a real board may
// hold values outside our table; run core::validate() on the result when it matters.
Result<core::Settings> decode_settings(Bytes frame, Layout layout, const core::Settings& defaults);

}  // namespace softbms::protocols::jk
