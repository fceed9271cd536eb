// A numeric field of a 55AA frame at a fixed offset, read and written little-endian with
// saturation: a value too large for its field is sent as the field's limit, never wrapped.
#pragma once

#include <cstdint>

#include "protocols/jk/frame.hpp"

namespace softbms::protocols::jk {

struct FieldSpec {
  uint16_t offset;
  uint8_t size;  // 1, 2 or 4 bytes
  bool is_signed;
};

constexpr int64_t field_min(FieldSpec f) {
  return f.is_signed ? -(int64_t{1} << (8 * f.size - 1)) : 0;
}
constexpr int64_t field_max(FieldSpec f) {
  return f.is_signed ? (int64_t{1} << (8 * f.size - 1)) - 1 : (int64_t{1} << (8 * f.size)) - 1;
}

constexpr void put_field(MutBytes out, FieldSpec f, int64_t v) {
  if (v < field_min(f)) v = field_min(f);
  if (v > field_max(f)) v = field_max(f);
  put_le(out, f.offset, f.size, static_cast<uint32_t>(v));
}

constexpr int64_t get_field(Bytes in, FieldSpec f) {
  const uint32_t raw = get_le(in, f.offset, f.size);
  return f.is_signed ? int64_t{sign_extend(raw, f.size)} : int64_t{raw};
}

}  // namespace softbms::protocols::jk
