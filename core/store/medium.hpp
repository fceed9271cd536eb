// The storage the store sits on: a fixed-size byte range that can be read, written and erased.
// The host implements it over a file in the state directory, a microcontroller over its flash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/base/status.hpp"

namespace softbms::core {

inline constexpr uint8_t kErasedByte = 0xFF;

class Medium {
 public:
  // Total bytes available.
  [[nodiscard]] virtual std::size_t size() const = 0;
  // The erase granularity (a flash page). erase() takes only whole, aligned units.
  [[nodiscard]] virtual std::size_t erase_unit() const = 0;
  virtual Status read(std::size_t offset, std::span<uint8_t> out) = 0;
  // Programs bytes that were erased before. A flash implementation with a programming
  // granularity pads the tail of a write with kErasedByte itself.
  virtual Status write(std::size_t offset, std::span<const uint8_t> data) = 0;
  // Sets [offset, offset + length) to kErasedByte.
  virtual Status erase(std::size_t offset, std::size_t length) = 0;

 protected:
  // Not virtual and protected: nothing deletes a Medium through this interface, and a virtual
  // destructor would pull operator delete into a heap-free firmware image.
  ~Medium() = default;
};

// A Medium in caller-provided RAM. Defined in the header (no key function) so that test code
// built with RTTI and the core built without it agree on its vtable. It behaves like NOR flash: a
// write can only clear bits, so a store that forgets to erase before writing fails its tests
// instead of passing by accident.
class MemoryMedium : public Medium {
 public:
  MemoryMedium(std::span<uint8_t> storage, std::size_t erase_unit)
      : bytes_(storage), erase_unit_(erase_unit) {}
  [[nodiscard]] std::size_t size() const override { return bytes_.size(); }
  [[nodiscard]] std::size_t erase_unit() const override { return erase_unit_; }
  Status read(std::size_t offset, std::span<uint8_t> out) override {
    if (!in_range(offset, out.size())) return Errc::out_of_range;
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = bytes_[offset + i];
    return ok_status();
  }
  Status write(std::size_t offset, std::span<const uint8_t> data) override {
    if (!in_range(offset, data.size())) return Errc::out_of_range;
    for (std::size_t i = 0; i < data.size(); ++i) bytes_[offset + i] &= data[i];
    return ok_status();
  }
  Status erase(std::size_t offset, std::size_t length) override {
    if (!in_range(offset, length)) return Errc::out_of_range;
    if (erase_unit_ == 0 || offset % erase_unit_ != 0 || length % erase_unit_ != 0) {
      return Errc::bad_value;
    }
    for (std::size_t i = 0; i < length; ++i) bytes_[offset + i] = kErasedByte;
    return ok_status();
  }
  // Raw access for tests that damage or inspect the medium.
  [[nodiscard]] std::span<uint8_t> bytes() { return bytes_; }

 private:
  [[nodiscard]] bool in_range(std::size_t offset, std::size_t length) const {
    return offset <= bytes_.size() && length <= bytes_.size() - offset;
  }
  std::span<uint8_t> bytes_;
  std::size_t erase_unit_;
};

}  // namespace softbms::core
