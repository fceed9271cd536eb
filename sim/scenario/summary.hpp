// The summary of a run as JSON (what `softbms sim --json` prints and summary.json holds) and the
// check of the scenario's expectations against it. No wall-clock value goes in: two runs with
// the same seed give the same bytes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/scenario/runner.hpp"
#include "sim/scenario/scenario.hpp"

namespace softbms::sim {

nlohmann::json summary_json(const Scenario& scenario, const RunResult& run);

// One line per failed expectation ("line 31: event discharge_ocp trip within 9.9..10.5 s:
// none (seen at 20.1 s)"); empty when every expectation holds. A step that hit its max: time
// limit is a failure unless the step allows it.
std::vector<std::string> check_expectations(const Scenario& scenario,
                                            const nlohmann::json& summary);

// The value at a dotted path ("final.soc", "events.0.t"); null when there is none.
nlohmann::json value_at(const nlohmann::json& root, const std::string& path);

}  // namespace softbms::sim
