// Reading a scenario from YAML (format: docs/scenarios.md). Every error names the line and the
// field ("charge_ocp.yaml:14: steps[2].current_a: '12x' is not a number").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/settings/settings.hpp"
#include "sim/scenario/scenario.hpp"

namespace softbms::sim {

struct ScenarioError {
  int line = 0;       // 1-based; 0 = the file as a whole
  std::string field;  // dotted path: steps[2].charger.voltage_v
  std::string message;
  // "file:line: field: message"
  [[nodiscard]] std::string text(std::string_view file) const;
};

struct LoadedScenario {
  std::optional<Scenario> scenario;
  core::Settings settings;  // the preset for the pack with the overrides applied, valid
  ScenarioError error;      // when there is no scenario
};

// base_dir: where files named in the scenario (profile CSV) are looked up.
LoadedScenario parse_scenario(std::string_view yaml, std::string_view base_dir);
LoadedScenario load_scenario_file(const std::string& path);

// "60s", "1.5h", "30min", "100ms", "2d" or a plain number of seconds.
std::optional<double> parse_duration_s(std::string_view text);

}  // namespace softbms::sim
