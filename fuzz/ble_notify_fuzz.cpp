// BLE notifications from a hostile or broken board: each record is a length byte (the
// notification's size, 0..255) and that many bytes. Whatever comes out must be a whole 300-byte
// frame with a right sum or a 20-byte AA 55 90 EB message, and the counts must add up.
#include <cstdlib>
#include <span>

#include "host/ble/notify_assembler.hpp"
#include "protocols/jk/frame.hpp"

using namespace softbms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  uint64_t out_bytes = 0;
  host::ble::NotifyAssembler a([&out_bytes](std::span<const uint8_t> m) {
    const bool frame = m.size() == protocols::jk::kFrameSize && protocols::jk::check_frame(m).ok();
    const bool ack = m.size() == 20 && m[0] == 0xAA && m[1] == 0x55 && m[2] == 0x90 && m[3] == 0xEB;
    if (!frame && !ack) std::abort();
    out_bytes += m.size();
  });
  uint64_t in_bytes = 0;
  for (std::size_t i = 0; i < size;) {
    const std::size_t n = std::min<std::size_t>(data[i], size - i - 1);
    a.feed(std::span(data + i + 1, n));
    in_bytes += n;
    i += 1 + n;
  }
  a.reset();
  // Every byte came out in a message or was counted as dropped.
  if (out_bytes + a.counts().dropped != in_bytes) std::abort();
  return 0;
}
