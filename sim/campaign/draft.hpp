// A random scenario as the campaign draws it: a few fields the shrinker can cut and drop, and the
// scenario YAML (docs/scenarios.md) it stands for. The campaign never runs a draft directly: it
// writes the YAML and runs what `softbms sim` would read from it, so a failing run's file
// replays it exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace softbms::sim::campaign {

struct DraftFault {
  double at_s = 0.0;
  std::optional<double> for_s;  // none: until the end
  std::string fields;           // "kind: cell_leak, cell: 3, a: 0.25"
};

struct DraftStep {
  double for_s = 60.0;
  std::vector<std::string> world;     // YAML lines of the step: "current_a: -20"
  std::vector<std::string> commands;  // "set cell_ovp 3550", "emergency on"
  std::optional<PowerCutSpec> power_cut;
  // The simulated time the step takes: a power cut's off time runs inside the step (the runner
  // ends the step `for_s` after it began, or when the supply is back if that is later).
  [[nodiscard]] double span_s() const;
};

struct Draft {
  std::string name;
  std::string comment;  // written as # lines at the top
  std::string model;
  std::string chemistry;
  int cells = 16;
  double capacity_ah = 100.0;
  double soc = 50.0;
  uint64_t seed = 1;
  double temp_c = 25.0;
  double spread_mv = 0.0;
  double soc_sigma_pct = 0.5;
  double capacity_sigma_pct = 1.0;
  std::vector<std::pair<std::string, std::string>> settings;  // name, display value (in order)
  std::string ambient = "25";
  double period_s = 0.1;
  std::vector<DraftFault> faults;
  std::vector<DraftStep> steps;

  [[nodiscard]] double duration_s() const;
};

// The scenario file of a draft, with `invariants: on`.
std::string to_yaml(const Draft& d);

// The run_seed-th random scenario. Settings are drawn through the settings table's validation
// (core::apply_change), so every override is one the board accepts; commands during the run
// may be refused (that is checked too: a refused command changes nothing).
Draft random_draft(uint64_t run_seed, double max_duration_s);

// "12.5" for 12.5, "3" for 3.0: at most three decimals, no trailing zeros.
std::string number(double v);

}  // namespace softbms::sim::campaign
