// What one pack of a parallel bank lets the inverter do, worked out by the master from what the
// slave sent over RS485 (its cell-info and settings frames). JK's status frame carries no
// charge limits, so the master applies the core's own charge rules (core/charge) to each pack.
#pragma once

#include "core/charge/charge_types.hpp"
#include "core/io/snapshot.hpp"
#include "core/measure/measured.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

struct PackAllowance {
  ChargeLimits limits;         // targets of the core's rules for this pack alone (no slew)
  Milliamps charge_ceiling{};  // the pack's own ceilings, for the bank's rise rate
  Milliamps discharge_ceiling{};
  bool blocks_charge = false;  // a protection or a switch keeps its charge FET off
  bool blocks_discharge = false;
  Limiter charge_limiter = Limiter::protection;
  Limiter discharge_limiter = Limiter::protection;
  bool operator==(const PackAllowance&) const = default;
};

// The measurement view the charge rules read, rebuilt from a decoded Snapshot.
Measured measured_from(const Snapshot& s, const Settings& settings);
PackAllowance pack_allowance(const Snapshot& s, const Settings& settings);

}  // namespace softbms::core
