// CAN frames -> typed values, for tests and for a master that listens to other batteries or
// to the inverter. Every decoder checks the id and the DLC and rejects what it cannot read.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "core/base/status.hpp"
#include "core/base/units.hpp"
#include "core/charge/charge_types.hpp"
#include "core/io/fixed_string.hpp"
#include "protocols/inverter/can_frame.hpp"

namespace softbms::protocols::inverter {

struct Limits351 {
  Millivolts charge_voltage{};
  Milliamps charge_current{};
  Milliamps discharge_current{};
  std::optional<Millivolts> discharge_voltage;  // DLC 8 only
};
struct Soc355 {
  uint8_t soc_percent = 0;
  uint8_t soh_percent = 0;
  std::optional<uint16_t> soc_hundredths;  // 0.01 %, DLC >= 6
};
struct Measures356 {
  Millivolts voltage{};
  Milliamps current{};  // + = charge
  DeciCelsius temperature{};
};
struct Protection359 {
  std::array<uint8_t, 4> flags{};  // protection 1/2, alarm 1/2 as on the wire
  uint8_t module_count = 0;
  std::array<char, 2> token{};  // 'P','N'
};
// 0x35A: the 2-bit state of message n (1..16), alarms and warnings.
enum class PairState : uint8_t { unsupported = 0, active = 1, inactive = 2, invalid = 3 };
struct Alarms35A {
  std::array<PairState, 16> alarm{};
  std::array<PairState, 16> warning{};
};
struct Info35F {
  std::array<char, 2> chemistry{};
  uint8_t version_major = 0;
  uint8_t version_minor = 0;
  uint16_t capacity_ah = 0;
  uint16_t extra = 0;  // hardware version / manufacturer id
};
struct Modules372 {
  uint16_t online = 0, blocking_charge = 0, blocking_discharge = 0, offline = 0;
};
struct CellExtremes373 {
  Millivolts min_cell{}, max_cell{};
  uint16_t min_temp_kelvin = 0, max_temp_kelvin = 0;
};
struct Energy378 {
  MilliwattHours charged{}, discharged{};
};
// SMA Sunny Island 0x305 (other inverters send zeros there, or anything: only presence counts).
struct SmaInverter305 {
  Millivolts voltage{};
  Milliamps current{};  // SMA sign: - while charging
  DeciCelsius temperature{};
  uint16_t soc_tenths = 0;
};

Result<Limits351> decode_limits(const CanFrame& f);
Result<Soc355> decode_soc(const CanFrame& f);
Result<Measures356> decode_measures(const CanFrame& f);
Result<Protection359> decode_protection(const CanFrame& f);
Result<core::ChargeRequest> decode_request(const CanFrame& f);
Result<FixedString<8>> decode_text(
    const CanFrame& f);  // 0x35E, 0x374-0x377, 0x382: up to NUL, spaces trimmed
Result<Alarms35A> decode_alarms(const CanFrame& f);
Result<Info35F> decode_info(const CanFrame& f);
Result<Modules372> decode_modules(const CanFrame& f);
Result<CellExtremes373> decode_cell_extremes(const CanFrame& f);
Result<Energy378> decode_energy(const CanFrame& f);
Result<uint16_t> decode_capacity(const CanFrame& f);  // 0x379, Ah
Result<SmaInverter305> decode_sma_305(const CanFrame& f);

}  // namespace softbms::protocols::inverter
