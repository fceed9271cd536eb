// The state dir's store.bin as a hostile file: the first byte picks a record and how the input
// reaches it; the rest is either raw slot bytes (header, CRC and all: what a damaged or crafted
// file holds) or a payload saved through the store with a correct CRC (so the record decoders
// see hostile content). The board then loads every record, boots and ticks. Nothing may crash,
// and what loads must be valid: the settings pass validation.
#include <cstring>
#include <vector>

#include "core/bms/bms.hpp"
#include "core/bms/persistence.hpp"
#include "core/settings/validate.hpp"
#include "core/store/layout.hpp"
#include "core/store/store.hpp"

using namespace softbms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static std::vector<uint8_t> flash(core::kStoreSize);
  std::fill(flash.begin(), flash.end(), core::kErasedByte);
  core::MemoryMedium medium(flash, 4096);
  core::Store store(medium);
  const auto record = static_cast<core::RecordId>(data[0] % core::kRecordCount);
  const std::span<const uint8_t> rest(data + 1, size - 1);
  if ((data[0] & 0x80) != 0) {
    const std::size_t slot = (data[0] >> 6) & 1;
    const std::size_t at = core::slot_offset(record, slot);
    std::memcpy(flash.data() + at, rest.data(), std::min(rest.size(), core::kSlotSize));
  } else if (rest.size() <= core::kMaxPayload) {
    static_cast<void>(store.save(record, rest));
  }
  // A copy of one board made once: making one hashes the default passwords, which is slow.
  static const core::Bms fresh(
      core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16));
  core::Bms bms = fresh;
  static_cast<void>(core::load_records(bms, store));
  if (!core::validate(bms.settings()).ok()) __builtin_trap();
  bms.boot(Milliseconds(0));
  core::Measurements m{};
  static_cast<void>(bms.step(Milliseconds(100), m));
  return 0;
}
