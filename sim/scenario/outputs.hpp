// The files of a run: the time series (CSV with units in the header), the event log (CSV), the
// summary (JSON) and five SVG plots (pack, cells, temperatures, states, charge control).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/scenario/runner.hpp"

namespace softbms::sim {

std::string timeseries_csv(const Recording& rec);
std::string events_csv(const std::vector<RunEvent>& events);

struct PlotFile {
  std::string name;  // pack.svg, cells.svg, temperatures.svg, states.svg, charge.svg
  std::string svg;
};
std::vector<PlotFile> plots(const std::string& title, const Recording& rec);

// Writes timeseries.csv, events.csv, summary.json and the plots into dir (created if missing).
// Returns the error text, empty on success.
std::string write_outputs(const std::string& dir, const std::string& title, const RunResult& run,
                          const nlohmann::json& summary);

}  // namespace softbms::sim
