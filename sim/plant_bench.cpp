// Plant speed. Cell physics alone (the figure the issue sets: >= 1e8 cell-steps/s for 16 cells
// on one core) and a whole plant step with the power-path solve and the sensors.
#include <benchmark/benchmark.h>

#include "sim/plant.hpp"

namespace {

using softbms::sim::Pack;
using softbms::sim::PackConfig;
using softbms::sim::Plant;

void BM_PackCellSteps(benchmark::State& state) {
  PackConfig config;
  config.cells = static_cast<int>(state.range(0));
  Pack pack(config);
  double current = 100.0;
  int64_t steps = 0;
  for (auto _ : state) {
    // Alternating charge and discharge keeps SOC, hysteresis and temperature in range.
    current = (steps++ % 2000) < 1000 ? 100.0 : -100.0;
    pack.advance({current, 25.0, 0.0}, 0.1);
    benchmark::DoNotOptimize(pack.soc(0));
  }
  state.SetItemsProcessed(state.iterations() * config.cells);
  state.counters["cell_steps_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * config.cells), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PackCellSteps)->Arg(16)->Arg(32);

void BM_PlantStep(benchmark::State& state) {
  PackConfig config;
  config.cells = 16;
  softbms::sim::World world;
  world.add_load({0.0, softbms::sim::kForever, softbms::sim::LoadKind::current, 50.0, {}});
  Plant plant(config, world);
  softbms::core::Outputs out;
  out.charge_fet = true;
  out.discharge_fet = true;
  for (auto _ : state) benchmark::DoNotOptimize(plant.step(out, 0.1));
  state.SetItemsProcessed(state.iterations() * config.cells);
}
BENCHMARK(BM_PlantStep);

}  // namespace

BENCHMARK_MAIN();
