// Every CAN decoder (the frames an inverter or a peer battery sends: Pylon, SMA, Victron) on
// an arbitrary frame: bytes 0-3 the identifier, byte 4 the flags (bit 7 extended) and the DLC
// (0..15, so lengths a classic frame cannot have come too), then the data. None may crash.
#include <algorithm>
#include <cstring>

#include "protocols/inverter/can_decode.hpp"

using namespace softbms::protocols::inverter;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  CanFrame f;
  uint32_t id = 0;
  std::memcpy(&id, data, 4);
  f.extended = (data[4] & 0x80) != 0;
  f.id = id & (f.extended ? kMaxExtendedId : kMaxStandardId);
  f.dlc = static_cast<uint8_t>(data[4] & 0x0F);
  // The frame's own rule: bytes past the DLC are 0.
  const std::size_t n = std::min<std::size_t>({size - 5, f.dlc, f.data.size()});
  std::memcpy(f.data.data(), data + 5, n);
  static_cast<void>(decode_limits(f));
  static_cast<void>(decode_soc(f));
  static_cast<void>(decode_measures(f));
  static_cast<void>(decode_protection(f));
  static_cast<void>(decode_request(f));
  static_cast<void>(decode_text(f));
  static_cast<void>(decode_alarms(f));
  static_cast<void>(decode_info(f));
  static_cast<void>(decode_modules(f));
  static_cast<void>(decode_cell_extremes(f));
  static_cast<void>(decode_energy(f));
  static_cast<void>(decode_capacity(f));
  static_cast<void>(decode_sma_305(f));
  return 0;
}
