#include "protocols/jk/settings_frame.hpp"

namespace softbms::protocols::jk {
namespace {

constexpr uint16_t k24sSettingsEnd = 142;

void put_param(MutBytes out, const core::ParamInfo& row, int32_t stored) {
  if (row.jk.bit >= 0) {
    uint32_t word = get_le(out, kControlWordOffset, 2);
    const uint32_t bit = uint32_t{1} << row.jk.bit;
    word = stored != 0 ? (word | bit) : (word & ~bit);
    put_le(out, kControlWordOffset, 2, word);
    return;
  }
  put_field(out, wire_spec(row), to_wire(row, stored));
}

int32_t get_param(Bytes in, const core::ParamInfo& row) {
  if (row.jk.bit >= 0) return (get_le(in, kControlWordOffset, 2) >> row.jk.bit) & 1;
  return from_wire(row, static_cast<int32_t>(get_field(in, wire_spec(row))));
}

}  // namespace

bool in_settings_frame(const core::ParamInfo& row, Layout layout) {
  if (row.jk.offset == 0 || layout == Layout::jk04) return false;
  return layout == Layout::jk02_32s || row.jk.offset < k24sSettingsEnd;
}

FieldSpec wire_spec(const core::ParamInfo& row) {
  return {row.jk.offset, row.jk.size, row.min < 0};
}

int32_t to_wire(const core::ParamInfo& row, int32_t stored) {
  const int32_t d = row.jk.wire_divisor == 0 ? 1 : row.jk.wire_divisor;
  // Round half away from zero so -25 (0.1 °C) goes out as -3 °C like +25 goes out as +3.
  return stored >= 0 ? (stored + d / 2) / d : -((-stored + d / 2) / d);
}

int32_t from_wire(const core::ParamInfo& row, int32_t wire) {
  return wire * (row.jk.wire_divisor == 0 ? 1 : row.jk.wire_divisor);
}

Status encode_settings(const core::Settings& s, Layout layout, FrameStamp stamp, FrameOut out) {
  if (layout == Layout::jk04) return Status(Errc::bad_state);
  begin_frame(out, FrameType::settings, stamp);
  for (const core::ParamInfo& row : core::kParams) {
    if (in_settings_frame(row, layout)) put_param(out, row, s.raw(row.id));
  }
  seal_frame(out);
  return ok_status();
}

Result<core::Settings> decode_settings(Bytes frame, Layout layout, const core::Settings& defaults) {
  if (layout == Layout::jk04) return Status(Errc::bad_state);
  const Status st = check_frame(frame, FrameType::settings);
  if (!st.ok()) return st;
  core::Settings s = defaults;
  for (const core::ParamInfo& row : core::kParams) {
    if (in_settings_frame(row, layout)) s.set_raw(row.id, get_param(frame, row));
  }
  return s;
}

}  // namespace softbms::protocols::jk
