// Snapshot + charge result -> CAN frames, one function per frame kind, dialect as data.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "protocols/inverter/can_frame.hpp"
#include "protocols/inverter/can_protocol.hpp"
#include "protocols/inverter/inverter_input.hpp"

namespace softbms::protocols::inverter {

// What a battery reports, in the categories every inverter protocol shares. Alarms come from
// JK's alarm bits; warnings from the charge-control rule that is derating a limit, so an
// inverter sees the warning before the protection trips.
enum class Condition : uint8_t {
  general,  // a system fault (sensor, MOSFET, cell count)
  high_voltage,
  low_voltage,
  high_temperature,
  low_temperature,
  high_temperature_charge,
  low_temperature_charge,
  high_discharge_current,
  high_charge_current,
  contactor,  // a MOSFET that does not switch
  short_circuit,
  internal_comm,
  count_
};
inline constexpr std::size_t kConditions = static_cast<std::size_t>(Condition::count_);

struct Conditions {
  uint16_t alarms = 0;  // bit = Condition
  uint16_t warnings = 0;
  [[nodiscard]] bool alarm(Condition c) const { return (alarms >> static_cast<int>(c)) & 1U; }
  [[nodiscard]] bool warning(Condition c) const { return (warnings >> static_cast<int>(c)) & 1U; }
  bool operator==(const Conditions&) const = default;
};
Conditions conditions(const InverterInput& in);

// 0x35C byte 0 / RS485 0x92 status: b7 charge, b6 discharge, b5 force I, b4 force II, b3 full.
uint8_t request_bits(const core::ChargeRequest& r);
// Battery temperature as the protocol reports it (0.1 °C); no battery sensor -> MOS, else 25.0.
DeciCelsius reported_temperature(const core::Snapshot& s, TemperatureSource source);

CanFrame encode(FrameKind kind, const InverterInput& in, const Dialect& d, const CanOptions& o);

// Every frame of the dialect's schedule, once (for a test or a one-shot dump).
std::size_t encode_all(const InverterInput& in, const Dialect& d, const CanOptions& o,
                       std::span<CanFrame> out);

}  // namespace softbms::protocols::inverter
