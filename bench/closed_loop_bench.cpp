// Cell-steps per second of the simulator: the plant alone (outputs held, FETs on) and the closed
// loop with the core deciding every 100 ms, for a 16S pack under a DST drive cycle.
// One cell-step = one cell advanced by one 100 ms control period. Figures: docs/scenarios.md.
#include <benchmark/benchmark.h>

#include "core/settings/settings.hpp"
#include "sim/loop/closed_loop.hpp"

namespace {

using namespace softbms;

core::Settings lfp(int cells) {
  return core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, cells);
}

sim::World drive_world() {
  sim::World w;
  w.add_load({0.0, sim::kForever, sim::LoadKind::power, 0.0, sim::dst_cycle(3000.0)});
  return w;
}

void BM_PlantCellSteps(benchmark::State& state) {
  const int cells = static_cast<int>(state.range(0));
  sim::Plant plant(sim::pack_for(lfp(cells), 0.8, 1), drive_world());
  core::Outputs out;
  out.charge_fet = out.discharge_fet = true;
  for (auto _ : state) benchmark::DoNotOptimize(plant.step(out, 0.1));
  state.SetItemsProcessed(state.iterations() * cells);
  state.counters["cell_steps_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * cells), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PlantCellSteps)->Arg(16);

void BM_ClosedLoopCellSteps(benchmark::State& state) {
  const int cells = static_cast<int>(state.range(0));
  const core::Settings s = lfp(cells);
  sim::ClosedLoop loop(sim::pack_for(s, 0.8, 1), drive_world(), s);
  for (auto _ : state) loop.tick();
  state.SetItemsProcessed(state.iterations() * cells);
  state.counters["cell_steps_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * cells), benchmark::Counter::kIsRate);
  state.counters["sim_s_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()) * 0.1,
                                                     benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ClosedLoopCellSteps)->Arg(16);

}  // namespace

BENCHMARK_MAIN();
