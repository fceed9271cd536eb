// Cell-steps per second of the simulator: the plant alone (outputs held, FETs on) and the closed
// loop with the core deciding every 100 ms, for a 16S pack under a DST drive cycle.
// One cell-step = one cell advanced by one 100 ms control period. Figures: docs/scenarios.md.
//
// `closed_loop_bench --ticks=N [--plant]` runs N ticks of the same closed loop (or of the plant
// alone) without the benchmark framework and prints a checksum of the measurements: a fixed
// amount of work for `valgrind --tool=callgrind`, whose instruction counts repeat on a busy
// machine where times do not (docs/performance.md, "The simulator"). `--home` runs the home
// battery of BM_ClosedLoopHomeBattery1s instead (1 s ticks; docs/performance.md, "A year").
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

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

// A home battery (PV up to 140 A 06:00-18:00, the house 0.3 / 2.5 kW) in closed loop with a 1 s
// control period, the yardstick: a simulated year in under 10 s of one core. year_s is
// the CPU time a year of it takes at the measured rate.
sim::World home_world() {
  sim::World w;
  w.add_solar_day(140.0, 55.2, 300.0, 2500.0);
  w.set_ambient(sim::daily_ambient(22.0, 6.0));
  return w;
}

void BM_ClosedLoopHomeBattery1s(benchmark::State& state) {
  const core::Settings s = lfp(16);
  sim::ClosedLoop loop(sim::pack_for(s, 0.6, 1), home_world(), s, Milliseconds(1000));
  for (auto _ : state) loop.tick();
  state.counters["sim_s_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["year_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) / 31.536e6,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ClosedLoopHomeBattery1s);

// Sum of what the board measured over the run: the same for the same build and seed, so two
// runs (and a profiled run) can be compared.
int64_t checksum(const core::Measurements& m) {
  int64_t sum = m.current_raw.count();
  for (const Millivolts v : m.cell_raw) sum += v.count();
  for (const Ohms r : m.ntc) sum += r.count();
  return sum;
}

int run_ticks(long ticks, bool plant_only, bool home) {
  const core::Settings s = lfp(16);
  int64_t sum = 0;
  if (home) {
    sim::ClosedLoop loop(sim::pack_for(s, 0.6, 1), home_world(), s, Milliseconds(1000));
    for (long i = 0; i < ticks; ++i) {
      loop.tick();
      sum += checksum(loop.measurements()) + loop.bms().snapshot().soc_model_permille;
    }
  } else if (plant_only) {
    sim::Plant plant(sim::pack_for(s, 0.8, 1), drive_world());
    core::Outputs out;
    out.charge_fet = out.discharge_fet = true;
    for (long i = 0; i < ticks; ++i) sum += checksum(plant.step(out, 0.1));
  } else {
    sim::ClosedLoop loop(sim::pack_for(s, 0.8, 1), drive_world(), s);
    for (long i = 0; i < ticks; ++i) {
      loop.tick();
      sum += checksum(loop.measurements()) + loop.bms().snapshot().soc_permille;
    }
  }
  std::printf("%ld %s ticks, checksum %lld\n", ticks,
              home         ? "home-battery 1 s"
              : plant_only ? "plant"
                           : "closed-loop",
              static_cast<long long>(sum));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  long ticks = -1;
  bool plant_only = false;
  bool home = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--ticks=", 8) == 0) ticks = std::atol(argv[i] + 8);
    if (std::strcmp(argv[i], "--plant") == 0) plant_only = true;
    if (std::strcmp(argv[i], "--home") == 0) home = true;
  }
  if (ticks >= 0) return run_ticks(ticks, plant_only, home);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
