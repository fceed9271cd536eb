// Runs a scenario on the closed loop (sim/loop) as fast as the machine allows: builds the pack,
// plays the steps and faults, gives the commands, and keeps the events, the recorded time
// series and the figures the summary reports. Same scenario, same seed: the same result.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/charge/charge_types.hpp"
#include "core/io/snapshot.hpp"
#include "core/settings/settings.hpp"
#include "sim/plant.hpp"
#include "sim/scenario/condition.hpp"
#include "sim/scenario/invariants.hpp"
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
  int protection_trips = 0;  // protection trip events of the whole run
  // Charge control as the core reported it: JK charge stages and the limits sent.
  double absorption_s = 0.0;
  double float_s = 0.0;
  double cvl_min_v = 0.0;
  double cvl_max_v = 0.0;
  double ccl_max_a = 0.0;
  double dcl_max_a = 0.0;
  double max_charge_a = 0.0;  // the core's current reading, + = charge
  double max_discharge_a = 0.0;
};

// What the inverter moved (only steps with an inverter count). Grid import = house - PV +
// battery charging power; negative is export.
struct InverterTotals {
  bool present = false;
  double pv_wh = 0.0;
  double house_wh = 0.0;
  double grid_import_wh = 0.0;
  double grid_export_wh = 0.0;
};

// One cell at the end of a run: its capacity and DC resistance (R0 + R1 + R2 at 25 °C) now and
// new, the full equivalent cycles it went through, its true SOC.
struct CellEnd {
  double capacity_ah = 0.0;
  double new_capacity_ah = 0.0;
  double resistance_ohm = 0.0;
  double new_resistance_ohm = 0.0;
  double fec = 0.0;
  double soc = 0.0;
};

struct RunResult {
  uint64_t seed = 0;
  double duration_s = 0.0;
  uint64_t ticks = 0;
  std::vector<RunEvent> events;
  std::vector<StepResult> steps;
  Recording recording;
  RunStats stats;
  InverterTotals inverter;
  core::Snapshot final_snapshot;
  core::Settings final_settings;
  PlantTotals totals;
  double true_soc_final = 0.0;
  double capacity_ah_true = 0.0;  // the pack's real capacity (smallest cell)
  // With scenario.check_invariants: the first violation of each invariant, and how many ticks
  // violated one in all.
  bool invariants_checked = false;
  std::vector<Violation> violations;
  uint64_t violation_count = 0;
  int power_cuts = 0;
  bool ageing = false;
  std::vector<CellEnd> cells_end;
};

// The core's charge control as an inverter receives it (volts and amps, enable flags).
InverterLimits inverter_limits_of(const core::ChargeResult& r);

// Called now and then during a run (about every 2^16 ticks) with the simulated time so far and
// the scenario's whole length (until: steps count with their limit).
using Progress = std::function<void(double simulated_s, double total_s)>;

// settings: as parse_scenario made them. The scenario's pack.seed is used.
RunResult run_scenario(const Scenario& scenario, const core::Settings& settings,
                       const Progress& progress = {});

// The plant's configuration for a scenario (pack_for plus the scenario's pack fields).
PackConfig scenario_pack(const Scenario& scenario, const core::Settings& settings);

}  // namespace softbms::sim
