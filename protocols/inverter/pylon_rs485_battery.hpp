// The battery side of Pylontech RS485: answers an inverter's request from the Snapshot and the
// charge result. Module commands (V3.3): 0x4F version, 0x51 manufacturer, 0x42 analog values,
// 0x44 alarm info, 0x47 system parameters, 0x92 charge management, 0x93 serial number, 0x96
// software version. System commands (V3.5, group masters only): 0x60 basic info, 0x61 analog,
// 0x62 alarms, 0x63 charge management, 0x64 shutdown. Errors go back as RTN codes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/base/status.hpp"
#include "protocols/inverter/inverter_input.hpp"
#include "protocols/inverter/pylon_rs485_frame.hpp"

namespace softbms::protocols::inverter {

struct Rs485Options {
  uint8_t version = 0x20;    // VER answered to 0x4F (V3.3 and V3.5 examples both use 0x20)
  bool negative_dcl = true;  // 0x92/0x47 DCL as a negative number, as a real UP2500 sends it
};

enum class Rs485Action : uint8_t { none, shutdown };

struct Rs485Reply {
  std::size_t size = 0;  // chars written; 0 = stay silent (not addressed to us)
  Rs485Action action = Rs485Action::none;
  Rtn rtn = Rtn::normal;
};

// Parses `request`, answers into `out`. Requests for another address get no answer; a damaged
// request for our address gets its RTN code.
Result<Rs485Reply> pylon_answer(std::string_view request, const InverterInput& in,
                                const Rs485Options& o, std::span<char> out);

// The response INFO for one command, for tests and for a master polling its slaves.
Rtn pylon_response_info(const PylonFrame& request, const InverterInput& in, const Rs485Options& o,
                        PylonFrame& response, Rs485Action& action);

// Temperatures on this protocol: 0.1 K with an offset of 2731.
constexpr uint16_t pylon_kelvin(DeciCelsius t) {
  return static_cast<uint16_t>(t.count() + 2731);
}

}  // namespace softbms::protocols::inverter
