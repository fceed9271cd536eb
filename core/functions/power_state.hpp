// How the two ways of powering down combine into what the plant and the Snapshot see.
#pragma once

#include "core/io/outputs.hpp"
#include "core/io/snapshot.hpp"

namespace softbms::core {

// Shut down outranks asleep: only a charger wakes a shut-down board, while a sleeping one also
// wakes on the button or on current.
PowerState power_state(bool shut_down, bool asleep);
// Outputs::sleep is set in both powered-down states (the board stops either way);
// Outputs::shutdown only for auto shutdown.
void apply_power(PowerState state, Outputs& out);

}  // namespace softbms::core
