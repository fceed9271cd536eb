// NTC thermistor conversion: 10 kOhm at 25 °C, B25/85 = 3950 K, -40..+125 °C.
// JK does not publish the B-constant of its sensors; 3950 K is the common 10 kOhm battery-probe
// part, and the one the simulator uses through ntc_resistance_at(), so both sides agree.
#pragma once

#include <optional>

#include "core/base/units.hpp"

namespace softbms::core {

inline constexpr DeciCelsius kNtcMinTemp{-400};
inline constexpr DeciCelsius kNtcMaxTemp{1250};

// The temperature for a resistance, to 0.1 °C; nothing for 0 Ohm (open input) and for a
// resistance beyond the table (open wire above -40 °C, shorted probe below +125 °C).
std::optional<DeciCelsius> ntc_temperature(Ohms r);

// The resistance the probe shows at a temperature (clamped to the table's range): what a
// simulated front end should hand the core.
Ohms ntc_resistance_at(DeciCelsius t);

}  // namespace softbms::core
