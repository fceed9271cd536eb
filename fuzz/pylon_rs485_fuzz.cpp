// The Pylontech RS485 battery side on an arbitrary request line: the frame parser, and the
// whole answer path (parse, check, build the reply) against a real core's Snapshot. None may
// crash or write past the reply buffer; a frame that parses must build again.
#include <array>
#include <string_view>

#include "core/bms/bms.hpp"
#include "protocols/inverter/pylon_rs485_battery.hpp"
#include "protocols/inverter/pylon_rs485_frame.hpp"

using namespace softbms;
using namespace softbms::protocols::inverter;

namespace {
struct Board {
  core::Settings settings =
      core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
  core::Bms bms{settings};
  BatteryIdentity identity{};
  Board() { bms.boot(Milliseconds(0)); }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static Board board;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static_cast<void>(peek_pylon_address(text));
  const auto frame = parse_pylon(text);
  std::array<char, 4096> out{};
  if (frame.ok()) {
    const auto n = build_pylon(frame.value(), out);
    if (n.ok() && n.value() > out.size()) __builtin_trap();
  }
  const InverterInput in{board.bms.snapshot(), board.bms.charge_control(), board.bms.settings(),
                         board.identity};
  for (const bool negative : {true, false}) {
    Rs485Options o;
    o.negative_dcl = negative;
    const auto reply = pylon_answer(text, in, o, out);
    if (reply.ok() && reply.value().size > out.size()) __builtin_trap();
  }
  return 0;
}
