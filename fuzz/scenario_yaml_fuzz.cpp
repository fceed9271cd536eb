// The scenario reader (softbms sim FILE) on arbitrary text: no crash, no exception out of it;
// a scenario it accepts and that is short (at most 600 ticks) is also run, with the invariants.
#include <string_view>

#include "sim/scenario/runner.hpp"
#include "sim/scenario/scenario_file.hpp"

using namespace softbms::sim;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  LoadedScenario loaded = parse_scenario(text, "/nonexistent");
  if (!loaded.scenario) return 0;
  Scenario& sc = *loaded.scenario;
  double total = 0.0;
  for (const auto& s : sc.steps) {
    total += s.duration_s ? *s.duration_s : s.max_s;
    if (s.power_cut) total += s.power_cut->off_s;
  }
  if (total / sc.period_s > 600.0 || sc.pack.cells < 1) return 0;
  sc.check_invariants = true;
  static_cast<void>(run_scenario(sc, loaded.settings));
  return 0;
}
