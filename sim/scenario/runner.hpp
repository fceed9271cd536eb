// Runs a scenario on the closed loop (sim/loop) as fast as the machine allows: builds the pack,
// plays the steps and faults, gives the commands, and keeps the events, the recorded time
// series and the figures the summary reports. Same scenario, same seed: the same result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/io/snapshot.hpp"
#include "core/settings/settings.hpp"
#include "sim/plant.hpp"
#include "sim/scenario/condition.hpp"
#include "sim/scenario/scenario.hpp"

namespace softbms::sim {

struct StepResult {
  std::string label;
  int line = 0;
  double start_s = 0.0;
  double end_s = 0.0;
  StepEnd ended = StepEnd::time;
  bool allow_limit = false;
};

// The time series, one row per record interval. Column names carry the unit (pack_v, cell3_mv).
struct Recording {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
  [[nodiscard]] int column(std::string_view name) const;  // -1 when absent
};

struct RunStats {
  int32_t max_cell_mv = 0;
  double max_cell_t_s = 0.0;
  int max_cell = 0;  // 1-based
  int32_t min_cell_mv = 0;
  double min_cell_t_s = 0.0;
  int min_cell = 0;
  double true_soc_initial = 0.0;  // percent
  double true_soc_min = 0.0;
  double true_soc_max = 0.0;
  double temp_min_c = 0.0;  // battery sensors as the core reads them
  double temp_max_c = 0.0;
  double true_cell_min_c = 0.0;
  double true_cell_max_c = 0.0;
  int32_t spread_initial_mv = 0;
  int32_t spread_max_mv = 0;
  double spread_below_at_s = -1.0;  // start of the first hold below the bound; -1 = never
  double balancing_s = 0.0;
  double heater_on_s = 0.0;
  double charge_fet_off_s = 0.0;
  double discharge_fet_off_s = 0.0;
};

struct RunResult {
  uint64_t seed = 0;
  double duration_s = 0.0;
  uint64_t ticks = 0;
  std::vector<RunEvent> events;
  std::vector<StepResult> steps;
  Recording recording;
  RunStats stats;
  core::Snapshot final_snapshot;
  PlantTotals totals;
  double true_soc_final = 0.0;
  double capacity_ah_true = 0.0;  // the pack's real capacity (smallest cell)
};

// settings: as parse_scenario made them. The scenario's pack.seed is used.
RunResult run_scenario(const Scenario& scenario, const core::Settings& settings);

// The plant's configuration for a scenario (pack_for plus the scenario's pack fields).
PackConfig scenario_pack(const Scenario& scenario, const core::Settings& settings);

}  // namespace softbms::sim
