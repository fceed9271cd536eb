// The world around the virtual pack of `softbms run`: a home-storage day by default (PV as a
// charger, the house as a load, following the wall clock's time of day), or a constant charger
// and/or load so that a test knows what current flows.
#pragma once

#include <optional>

#include "core/settings/settings.hpp"
#include "sim/world.hpp"

namespace softbms::host {

struct WorldOptions {
  std::optional<double> load_a;    // constant discharge current, A
  std::optional<double> charge_a;  // a CC/CV charger with this current, A
  double ambient_c = 25.0;
  double day_start_s = 0.0;  // seconds after midnight when the simulation starts (home day)
};

// Either override replaces the home day. The charger's CV voltage is the pack's
// request_charge_voltage, as an inverter would hold it.
sim::World make_world(const WorldOptions& o, const core::Settings& s);

}  // namespace softbms::host
