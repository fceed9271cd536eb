// The two-slot record store (docs/architecture.md). Each record has two slots; a save goes
// to the slot that does not hold the newest good copy, so a power cut at any byte of a save
// leaves the previous good copy untouched and loadable. A load picks the good copy (magic,
// record id, format, length and CRC all right) with the highest sequence number.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/base/status.hpp"
#include "core/store/layout.hpp"
#include "core/store/medium.hpp"

namespace softbms::core {

// What a slot holds, for diagnostics and tests.
struct SlotState {
  bool good = false;
  uint32_t sequence = 0;
  uint32_t length = 0;
};

class Store {
 public:
  explicit Store(Medium& medium) : medium_(medium) {}

  // Errc::no_space when the payload exceeds kMaxPayload or the medium is too small;
  // Errc::corrupt when the written slot does not read back good.
  Status save(RecordId id, std::span<const uint8_t> payload);
  // The newest good payload into out; returns its length. Errc::not_found when both slots are
  // blank, Errc::corrupt when something was written but no good copy is left, Errc::no_space
  // (detail = length needed, capped) when out is too small.
  Result<std::size_t> load(RecordId id, std::span<uint8_t> out);
  // Erases both slots (factory wipe of one record).
  Status erase(RecordId id);
  SlotState inspect(RecordId id, std::size_t slot);

 private:
  struct Newest {
    bool found = false;
    bool damaged = false;  // a slot held something that is not a good copy
    std::size_t slot = 0;
    uint32_t sequence = 0;
    uint32_t length = 0;
  };
  Status usable(RecordId id) const;
  Newest newest(RecordId id);
  Medium& medium_;
};

}  // namespace softbms::core
