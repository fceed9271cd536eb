// What charge control tells the inverter every tick: the limits (CVL, CCL, DCL, DVL), the
// request flags, the JK charge stage and which rule is holding each current limit back.
#pragma once

#include <cstdint>

#include "core/base/units.hpp"
#include "core/io/snapshot.hpp"

namespace softbms::core {

// Pack-level limits. Currents are magnitudes (DCL is positive); codecs apply signs.
struct ChargeLimits {
  Millivolts charge_voltage{};     // CVL
  Milliamps charge_current{};      // CCL
  Milliamps discharge_current{};   // DCL
  Millivolts discharge_voltage{};  // DVL
  bool operator==(const ChargeLimits&) const = default;
};

// The request bits every Pylon-style protocol carries (0x35C byte 0, RS485 0x92 status).
struct ChargeRequest {
  bool charge_enable = false;
  bool discharge_enable = false;
  bool force_charge_1 =
      false;  // SOC very low: the inverter may let the battery sleep, but wakes it to charge
  bool force_charge_2 = false;  // SOC low: the inverter should charge and keep the battery awake
  bool full_charge =
      false;  // no full charge for 30 days: charge to full (from the grid if need be)
  bool operator==(const ChargeRequest&) const = default;
};

// Which rule sets a current limit this tick (the smallest factor wins).
enum class Limiter : uint8_t {
  ceiling,          // nothing below the OCP ceiling
  cell_voltage,     // the highest (charge) or lowest (discharge) cell nears its protection
  cold,             // battery temperature nears the under-temperature protection
  hot,              // battery temperature nears the over-temperature protection
  mos_temperature,  // MOSFET temperature nears mos_otp
  no_temperature,   // no battery sensor reads and the sensors are not disabled (charge only)
  protection,       // a matching alarm, a blocked FET or the switch is off
  count_
};

struct ChargeResult {
  ChargeLimits limits;  // what goes on the wire (slew applied)
  ChargeLimits target;  // what the rules ask for this tick
  ChargeRequest request;
  ChargeStage stage = ChargeStage::bulk;
  Seconds stage_elapsed{};
  Limiter charge_limiter = Limiter::protection;
  Limiter discharge_limiter = Limiter::protection;
  bool operator==(const ChargeResult&) const = default;
};

// Inputs that are not measurements or settings.
struct ChargeInputs {
  uint8_t soc_percent = 0;
  uint32_t alarms = 0;             // JK alarm bits
  bool charge_blocked = false;     // protection keeps the charge FET off
  bool discharge_blocked = false;  // protection keeps the discharge FET off
};

}  // namespace softbms::core
