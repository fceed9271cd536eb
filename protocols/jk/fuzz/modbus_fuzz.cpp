// The JK-PB Modbus slave on arbitrary bytes, with the CRC fixed up so the fuzzer reaches the
// function handlers, at our address and another.
#include <vector>

#include "protocols/jk/modbus.hpp"

using namespace softbms::protocols::jk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const softbms::core::Snapshot snap;
  const softbms::core::Settings settings = softbms::core::Settings::preset(
      softbms::core::Chemistry::lfp, softbms::core::ModelId::jk_pb2a16s20p, 16);
  const softbms::core::DeviceInfo info;
  const BmsView view{snap, settings, info};
  std::array<uint8_t, kModbusMaxReply> reply{};
  static_cast<void>(handle_modbus(Bytes(data, size), 1, view, reply));
  std::vector<uint8_t> fixed(data, data + size);
  fixed.resize(size + 2);
  append_crc(fixed, size);
  static_cast<void>(handle_modbus(fixed, size > 0 ? data[0] : 1, view, reply));
  return 0;
}
