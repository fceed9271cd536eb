// The inverter keep-alive tracker fed an arbitrary sequence of frames and clock steps: each
// 7-byte record is a time step (ms, 2 bytes), an identifier (4 bytes) and flags. The link state
// must stay one of its three, time never runs backwards in it, and the fail-safe never enables
// charging that the core's result did not.
#include <cstring>

#include "protocols/inverter/keepalive.hpp"

using namespace softbms;
using namespace softbms::protocols::inverter;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  KeepAliveOptions o;
  o.timeout = Milliseconds(1 + data[0] * 100);
  o.accept_extended = (data[1] & 1) != 0;
  o.fail_safe = static_cast<FailSafe>(data[1] % 3);
  InverterLink link(o);
  Milliseconds now{};
  core::ChargeResult r{};
  r.request.charge_enable = (data[1] & 2) != 0;
  r.request.discharge_enable = (data[1] & 4) != 0;
  for (std::size_t i = 2; i + 7 <= size; i += 7) {
    uint16_t step = 0;
    std::memcpy(&step, data + i, 2);
    now += Milliseconds(step);
    CanFrame f;
    uint32_t id = 0;
    std::memcpy(&id, data + i + 2, 4);
    f.extended = (data[i + 6] & 0x80) != 0;
    f.id = id & (f.extended ? kMaxExtendedId : kMaxStandardId);
    f.dlc = static_cast<uint8_t>(data[i + 6] & 0x0F);
    static_cast<void>(link.on_frame(f, now));
    const LinkState s = link.step(now);
    if (s != LinkState::waiting && s != LinkState::present && s != LinkState::lost)
      __builtin_trap();
    const core::ChargeResult a = apply_fail_safe(r, s, o.fail_safe);
    if (a.request.charge_enable && !r.request.charge_enable) __builtin_trap();
    if (a.request.discharge_enable && !r.request.discharge_enable) __builtin_trap();
  }
  return 0;
}
