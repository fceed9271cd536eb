// softbms sim SCENARIO.yaml [--out DIR] [--json] [--seed N]: runs a scenario on the closed loop
// as fast as the machine allows and checks its expectations (docs/scenarios.md).
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ostream>

#include <unistd.h>

#include "app/cli.hpp"
#include "sim/scenario/outputs.hpp"
#include "sim/scenario/runner.hpp"
#include "sim/scenario/scenario_file.hpp"
#include "sim/scenario/summary.hpp"
#include "support/text.hpp"

namespace softbms::app {
namespace {

using support::fixed;

void print_events(const nlohmann::json& events, std::ostream& os) {
  constexpr std::size_t kShown = 40;
  os << "events (" << events.size() << "):\n";
  for (std::size_t i = 0; i < events.size() && i < kShown; ++i) {
    const auto& e = events[i];
    os << "  " << fixed(e["t"].get<double>(), 1) << " s  " << e["name"].get<std::string>() << " "
       << e["state"].get<std::string>() << "\n";
  }
  if (events.size() > kShown) os << "  ... " << events.size() - kShown << " more in events.csv\n";
}

void print_report(const nlohmann::json& s, double wall_s, std::ostream& os) {
  const auto& c = s["cell_stats"];
  os << "scenario " << s["scenario"].get<std::string>() << ": " << s["cells"] << "S "
     << s["capacity_ah"] << " Ah " << s["chemistry"].get<std::string>() << " on "
     << s["model"].get<std::string>() << ", seed " << s["seed"] << "\n"
     << "simulated " << fixed(s["duration_s"].get<double>(), 1) << " s in " << s["ticks"]
     << " ticks (" << fixed(wall_s, 2) << " s wall)\n";
  os << "steps:\n";
  for (const auto& st : s["steps"]) {
    os << "  " << st["label"].get<std::string>() << ": " << fixed(st["start_s"].get<double>(), 1)
       << " .. " << fixed(st["end_s"].get<double>(), 1) << " s (" << st["ended"].get<std::string>()
       << ")\n";
  }
  print_events(s["events"], os);
  os << "cells: max " << s["max_cell_mv"] << " mV (cell " << c["max_cell"] << " at "
     << c["max_at_s"] << " s), min " << s["min_cell_mv"] << " mV (cell " << c["min_cell"] << " at "
     << c["min_at_s"] << " s); spread " << c["spread"]["initial_mv"] << " -> "
     << c["spread"]["final_mv"] << " mV\n"
     << "soc: true " << s["soc"]["initial_true"] << " -> " << s["soc"]["final_true"]
     << " %, estimated " << s["soc"]["final_estimated"] << " %\n"
     << "energy: in " << s["energy"]["in_wh"] << " Wh, out " << s["energy"]["out_wh"]
     << " Wh; balancer moved " << s["balancer"]["moved_ah"] << " Ah\n";
  const auto& a = s["ageing"];
  if (!a["on"].get<bool>()) return;
  os << "ageing: capacity " << a["true"]["capacity_pct"] << " % of new (smallest cell "
     << a["true"]["min_capacity_ah"] << " Ah), resistance " << a["true"]["resistance_pct"]
     << " %; the board learned " << a["board"]["model_capacity_ah"] << " Ah, SOH "
     << a["board"]["soh_pct"] << " %\n";
  for (std::size_t k = 0; k < a["cells"].size(); ++k) {
    const auto& cell = a["cells"][k];
    os << "  cell " << k + 1 << ": " << cell["capacity_ah"] << " Ah (" << cell["capacity_pct"]
       << " %), " << cell["resistance_mohm"] << " mOhm (" << cell["resistance_pct"] << " %), "
       << cell["fec"] << " cycles\n";
  }
}

// A long run tells a terminal where it is and how long it still needs (never a pipe or --json).
sim::Progress progress_line(bool live, std::chrono::steady_clock::time_point start) {
  if (!live || isatty(STDERR_FILENO) == 0) return {};
  return [start](double done_s, double total_s) {
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (done_s <= 0.0 || total_s <= 0.0 || wall < 1.0) return;
    const double left = wall * (total_s - done_s) / done_s;
    std::fprintf(stderr, "\r  simulated %.1f of %.1f days (%.0f %%), %.0f s left   ",
                 done_s / 86400.0, total_s / 86400.0, 100.0 * done_s / total_s, left);
    std::fflush(stderr);
  };
}

}  // namespace

int cmd_sim(const Args& args, Io io) {
  const auto files = args.positional();
  if (files.size() != 1) {
    io.err << "usage: softbms sim SCENARIO.yaml [--out DIR] [--json] [--seed N]\n";
    return kUsage;
  }
  const std::string path(files[0]);
  auto loaded = sim::load_scenario_file(path);
  if (!loaded.scenario) {
    io.err << loaded.error.text(path) << "\n";
    return kFailure;
  }
  sim::Scenario& scenario = *loaded.scenario;
  if (const auto seed = args.option("seed")) {
    uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(seed->data(), seed->data() + seed->size(), value);
    if (ec != std::errc() || ptr != seed->data() + seed->size()) {
      io.err << "softbms sim: --seed needs a whole number, got '" << *seed << "'\n";
      return kUsage;
    }
    scenario.pack.seed = value;
  }
  const auto start = std::chrono::steady_clock::now();
  const sim::Progress progress = progress_line(!args.flag("json"), start);
  const sim::RunResult run = sim::run_scenario(scenario, loaded.settings, progress);
  if (progress) std::fprintf(stderr, "\r\033[K");
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::json summary = sim::summary_json(scenario, run);
  const auto failed = sim::check_expectations(scenario, summary);
  const std::size_t checked = scenario.expect_events.size() + scenario.expect_values.size();
  summary["expectations"] = {{"checked", checked}, {"passed", failed.empty()}, {"failed", failed}};
  if (const auto out = args.option("out")) {
    if (const auto error = sim::write_outputs(std::string(*out), scenario.name, run, summary);
        !error.empty()) {
      io.err << "softbms sim: " << error << "\n";
      return kFailure;
    }
  }
  if (args.flag("json")) {
    io.out << summary.dump(2) << "\n";
  } else {
    print_report(summary, wall_s, io.out);
    io.out << "expectations: " << checked << " checked, "
           << (failed.empty() ? "all hold" : std::to_string(failed.size()) + " failed") << "\n";
  }
  for (const auto& f : failed) io.err << path << ": expectation failed: " << f << "\n";
  return failed.empty() ? kOk : kRejected;
}

}  // namespace softbms::app
