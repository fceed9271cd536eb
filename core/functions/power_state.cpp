#include "core/functions/power_state.hpp"

namespace softbms::core {

PowerState power_state(bool shut_down, bool asleep) {
  if (shut_down) return PowerState::shut_down;
  return asleep ? PowerState::sleeping : PowerState::on;
}

void apply_power(PowerState state, Outputs& out) {
  out.sleep = state != PowerState::on;
  out.shutdown = state == PowerState::shut_down;
}

}  // namespace softbms::core
