// The BLE command decoder on arbitrary bytes, for every layout; a decoded command encodes again.
#include "protocols/jk/ble_command.hpp"

using namespace softbms::protocols::jk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  for (Layout l : {Layout::jk02_24s, Layout::jk02_32s, Layout::jk04}) {
    const auto r = decode_ble_command(in, l, softbms::core::Chemistry::lfp);
    CommandFrame out{};
    if (r.ok() && r.value().kind == BleRequestKind::command)
      static_cast<void>(encode_ble_command(r.value().command, l, out));
  }
  static_cast<void>(is_write_ack(in));
  return 0;
}
