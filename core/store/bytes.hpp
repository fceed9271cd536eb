// Little-endian byte writer and reader for stored records. The format on flash and in the host
// file is the same, so every field is written byte by byte, never as a memcpy of a struct.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace softbms::core {

// Writes into a fixed buffer; a write that does not fit sets overflow and writes nothing more,
// so one check at the end covers every field.
class ByteWriter {
 public:
  explicit ByteWriter(std::span<uint8_t> out) : out_(out) {}
  void u8(uint8_t v) {
    if (pos_ >= out_.size()) {
      overflow_ = true;
      return;
    }
    out_[pos_++] = v;
  }
  void u16(uint16_t v) {
    u8(static_cast<uint8_t>(v));
    u8(static_cast<uint8_t>(v >> 8));
  }
  void u32(uint32_t v) {
    u16(static_cast<uint16_t>(v));
    u16(static_cast<uint16_t>(v >> 16));
  }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void bytes(std::span<const uint8_t> b) {
    for (uint8_t v : b) u8(v);
  }
  [[nodiscard]] bool ok() const { return !overflow_; }
  [[nodiscard]] std::size_t size() const { return pos_; }

 private:
  std::span<uint8_t> out_;
  std::size_t pos_ = 0;
  bool overflow_ = false;
};

// Reads from a byte range; reading past the end sets bad and yields zeros.
class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> in) : in_(in) {}
  uint8_t u8() {
    if (pos_ >= in_.size()) {
      bad_ = true;
      return 0;
    }
    return in_[pos_++];
  }
  uint16_t u16() {
    const uint16_t lo = u8();
    return static_cast<uint16_t>(lo | (u8() << 8));
  }
  uint32_t u32() {
    const uint32_t lo = u16();
    return lo | (static_cast<uint32_t>(u16()) << 16);
  }
  int32_t i32() { return static_cast<int32_t>(u32()); }
  void bytes(std::span<uint8_t> out) {
    for (uint8_t& v : out) v = u8();
  }
  [[nodiscard]] bool ok() const { return !bad_; }
  [[nodiscard]] std::size_t remaining() const { return bad_ ? 0 : in_.size() - pos_; }
  [[nodiscard]] bool at_end() const { return ok() && pos_ == in_.size(); }

 private:
  std::span<const uint8_t> in_;
  std::size_t pos_ = 0;
  bool bad_ = false;
};

}  // namespace softbms::core
