// A scenario: a pack, its settings, the world around it as a list of steps, faults at given
// times, what to record and what must come out. Read from YAML (scenario_file.hpp), run by the
// runner (runner.hpp). Host code: std containers, doubles for the world, core units for the core.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/io/command.hpp"
#include "core/settings/model.hpp"
#include "core/settings/param.hpp"
#include "sim/profile.hpp"
#include "sim/scenario/condition.hpp"
#include "sim/world.hpp"

namespace softbms::sim {

inline constexpr double kNoBound = std::numeric_limits<double>::infinity();

struct PackSpec {
  core::Chemistry chemistry = core::Chemistry::lfp;
  core::ModelId model = core::ModelId::jk_pb2a16s20p;
  int cells = 16;
  double capacity_ah = 280.0;
  double soc_percent = 50.0;  // the pack's mean
  uint64_t seed = 1;
  double temp_c = 25.0;
  // Cells start with open-circuit voltages spread evenly over this many mV around the OCV of
  // soc_percent, lowest at cell 1 (0 = the seeded manufacturing spread only).
  double spread_mv = 0.0;
  // Explicit starting SOC per cell in percent (overrides soc_percent and spread_mv).
  std::vector<double> cell_soc_percent;
  // Manufacturing spread (one sigma), when given; otherwise the plant's defaults.
  std::optional<double> soc_sigma, capacity_sigma, resistance_sigma;
  std::optional<int> battery_sensors;
  std::optional<double> heater_w;
  std::optional<double> balancer_max_a;
  std::optional<double> load_capacitance_mf;  // an inverter's input capacitors on P+/P-
  // Cells actually wired to the board when it differs from `cells` (the cell_count setting).
  std::optional<int> wired_cells;
  // Cell ageing (docs/simulator.md, "Ageing"): off unless the scenario asks; the spread of the
  // cells' ageing rates (one sigma) and a factor on every rate, when given.
  bool ageing = false;
  std::optional<double> ageing_sigma, ageing_speed;
};

struct SettingOverride {
  core::Param param = core::Param::cell_ovp;
  int32_t raw = 0;
  int line = 0;
};

struct AmbientSpec {
  double constant_c = 25.0;
  bool daily = false;  // mean +- amplitude over a day
  double mean_c = 25.0;
  double amplitude_c = 0.0;
};

struct ChargerSpec {
  double voltage_v = 0.0;
  double current_a = 0.0;
};

struct SolarDaySpec {
  double pv_peak_a = 0.0;
  double cv_v = 0.0;
  double base_w = 0.0;
  double peak_w = 0.0;
};

// A hybrid inverter between PV, the house and the grid (sim::Inverter): PV power as a half sine
// between sunrise and sunset, the house as house_load_day. Following the BMS, it gets the
// core's limits after every tick.
struct InverterSpec {
  double pv_peak_w = 0.0;
  double sunrise_h = 6.0;
  double sunset_h = 18.0;
  double start_h = 0.0;  // the time of day at the step's start
  double base_w = 0.0;
  double peak_w = 0.0;
  double max_charge_a = 100.0;
  double max_discharge_a = 100.0;
  bool follow_limits = true;
  double charge_voltage_v = 0.0;  // its own CV; required when follow_limits is off
  double cutoff_v = 0.0;          // its own low-voltage cutoff (0 = none)
  double restart_v = 0.0;
  double link_period_s = 1.0;
  double wake_a = 0.0;  // grid wake-up / force-charge current (0: none)
};

// A load (or source) that follows a time series from the step's start.
struct ProfileSpec {
  LoadKind kind = LoadKind::power;  // the quantity the values are in
  bool charge_positive = true;      // the file's sign: + = charge (converted to the load's sign)
  Profile profile;
};

// A command given to the core at the start of a step.
struct ActionSpec {
  core::Command command;
  bool button = false;  // not a command: the board's button is pressed (held kButtonPressS)
  std::string text;     // as written, for the event log
  int line = 0;
};

// How long a scenario's "button" action holds the button down (at least two control periods).
inline constexpr double kButtonPressS = 0.5;

enum class StepEnd : uint8_t { time, condition, limit };

// The board loses its supply at the step's start (after the step's commands) for off_s: the
// FETs open, the core's RAM is gone, and it boots again from its store (core/bms/persistence).
// With torn_bytes the supply goes while the step's commands are being saved, after that many
// bytes erased or written: the change being saved was never acknowledged.
struct PowerCutSpec {
  double off_s = 1.0;
  std::optional<int64_t> torn_bytes;
};

struct StepSpec {
  int line = 0;
  std::string label;
  std::optional<double> duration_s;  // for:
  std::optional<Condition> until;    // until:
  double max_s = 0.0;                // the limit of an until: step
  bool allow_limit = false;          // reaching max is not a failure
  // What the world does during the step. + = charge for current and power.
  std::optional<double> current_a;
  std::optional<double> power_w;
  std::optional<double> resistance_ohm;
  std::optional<ChargerSpec> charger;
  std::optional<SolarDaySpec> solar_day;
  std::optional<ProfileSpec> profile;
  std::optional<InverterSpec> inverter;
  std::optional<double> ambient_c;
  std::vector<ActionSpec> actions;
  std::optional<PowerCutSpec> power_cut;
};

struct FaultSpec {
  Fault fault;
  int line = 0;
};

// An event that must occur (at least once, or exactly count times) within [from_s, to_s], or
// must never occur (never).
struct EventExpectation {
  std::string name;
  std::string state;  // empty = any state
  double from_s = 0.0;
  double to_s = kNoBound;
  bool never = false;
  std::optional<int> count;
  int line = 0;
};

// A value of the summary (dotted path, for example "final.soc") inside [lo, hi], or equal to a
// flag or a word.
struct ValueExpectation {
  std::string path;
  double lo = -kNoBound;
  double hi = kNoBound;
  std::optional<bool> flag;
  std::optional<std::string> word;
  int line = 0;
};

struct Scenario {
  std::string name;
  std::string description;
  PackSpec pack;
  std::vector<SettingOverride> settings;
  AmbientSpec ambient;
  std::vector<StepSpec> steps;
  std::vector<FaultSpec> faults;
  double record_s = 10.0;         // CSV and plot interval
  double period_s = 0.1;          // the core's control period
  double spread_bound_mv = 10.0;  // "time until the cell spread fell below a bound"
  double spread_hold_s = 60.0;    // ... and stayed below it this long
  std::vector<EventExpectation> expect_events;
  std::vector<ValueExpectation> expect_values;
  // Check the safety invariants (sim/scenario/invariants.hpp) after every tick; a violation is
  // a failed expectation.
  bool check_invariants = false;
};

}  // namespace softbms::sim
