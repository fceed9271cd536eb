// The small condition language of `until:` steps: "soc >= 100", "max_cell_mv >= 3650",
// "charge_fet == off", "cell_ovp == on" (an alarm bit), "event: cell_ovp trip", joined by "and".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/snapshot.hpp"

namespace softbms::sim {

// One entry of the run's event list (see runner.hpp).
struct RunEvent {
  double t_s = 0.0;
  std::string name;   // alarm name (cell_ovp), parameter name (charge_enabled) or event type
  std::string state;  // trip, release, on, off, set, start, end, event, rejected, ...
  int32_t value = 0;
};

// What a condition can read at one instant.
struct Probe {
  const core::Snapshot* snapshot = nullptr;
  double t_s = 0.0;       // since the run started
  double step_s = 0.0;    // since the step started
  double true_soc = 0.0;  // percent, the pack's mean
  double true_max_cell_c = 0.0;
  double true_min_cell_c = 0.0;
  const std::vector<RunEvent>* events = nullptr;
  std::size_t step_first_event = 0;  // events of the current step start here
};

enum class CompareOp : uint8_t { lt, le, gt, ge, eq, ne };

struct Clause {
  bool is_event = false;
  std::size_t metric = 0;  // index into the metric table
  CompareOp op = CompareOp::ge;
  double value = 0.0;
  std::string event_name;
  std::string event_state;  // empty = any
};

struct Condition {
  std::vector<Clause> all;
  std::string text;
};

// A parsed condition, or the reason it is not one (names the word that is wrong).
struct ParsedCondition {
  Condition condition;
  std::string error;  // empty = ok
};

ParsedCondition parse_condition(std::string_view text);
bool holds(const Condition& c, const Probe& p);

// Every metric name with its unit, for errors and the docs ("soc (%)").
std::vector<std::string> metric_names();
// The value of a metric by name (flags read 1/0); false when there is no such metric.
bool metric_value(std::string_view name, const Probe& p, double& out);
// Is this an event name the runner produces (alarm names, switch names, event types)?
bool known_event_name(std::string_view name);

}  // namespace softbms::sim
