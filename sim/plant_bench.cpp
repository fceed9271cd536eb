// Plant speed. The reference: a bare two-RC cell step (OCV lookup, two RC branches, coulomb
// count) over struct-of-arrays, the least any cell model of this kind does per cell and step.
// Against it, in the same run: Pack::advance (which leaves every cell's EMF computed, the OCV
// lookups the bare kernel also does) and a whole plant step with the power-path solve and the
// sensors. docs/performance.md compares them.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "sim/plant.hpp"

namespace {

using softbms::sim::Pack;
using softbms::sim::PackConfig;
using softbms::sim::Plant;

// The bare kernel: per cell SOC, two RC currents and the terminal voltage; nothing else (no
// heat, no hysteresis, no temperature, no leak). Same parameters and current pattern as
// BM_PackCellSteps.
class BareCells {
 public:
  explicit BareCells(int n)
      : ocv_(softbms::sim::default_cell_model(softbms::core::Chemistry::lfp)),
        z_(n, 0.5),
        i1_(n, 0.0),
        i2_(n, 0.0),
        v_(n, 0.0),
        inv_q_(n),
        r0_(n),
        r1_(n),
        r2_(n) {
    const auto& m = softbms::sim::default_cell_model(softbms::core::Chemistry::lfp);
    for (int k = 0; k < n; ++k) {
      const double q = 280.0 * (1.0 + 0.001 * k);
      inv_q_[k] = 1.0 / (3600.0 * q);
      r0_[k] = m.r0_mohm_ah * 1e-3 / q;
      r1_[k] = m.r1_mohm_ah * 1e-3 / q;
      r2_[k] = m.r2_mohm_ah * 1e-3 / q;
    }
    a1_ = std::exp(-0.1 / m.tau1_s);
    a2_ = std::exp(-0.1 / m.tau2_s);
  }
  void step(double i, double dt_s) {
    const int n = static_cast<int>(z_.size());
    const double b1 = (1.0 - a1_) * i;
    const double b2 = (1.0 - a2_) * i;
    for (int k = 0; k < n; ++k) {
      z_[k] += i * dt_s * inv_q_[k];
      i1_[k] = a1_ * i1_[k] + b1;
      i2_[k] = a2_ * i2_[k] + b2;
      v_[k] = ocv_.at(z_[k]) + r1_[k] * i1_[k] + r2_[k] * i2_[k] + r0_[k] * i;
    }
  }
  [[nodiscard]] double v(int k) const { return v_[k]; }

 private:
  softbms::sim::OcvCurve ocv_;
  std::vector<double> z_, i1_, i2_, v_, inv_q_, r0_, r1_, r2_;
  double a1_ = 0.0, a2_ = 0.0;
};

double alternating_current(int64_t step) {
  // Alternating charge and discharge keeps SOC, hysteresis and temperature in range.
  return (step % 2000) < 1000 ? 100.0 : -100.0;
}

void cell_step_counters(benchmark::State& state, int cells) {
  state.SetItemsProcessed(state.iterations() * cells);
  state.counters["cell_steps_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * cells), benchmark::Counter::kIsRate);
}

void BM_BareCellKernel(benchmark::State& state) {
  const int cells = static_cast<int>(state.range(0));
  BareCells bare(cells);
  int64_t steps = 0;
  for (auto _ : state) {
    bare.step(alternating_current(steps++), 0.1);
    benchmark::DoNotOptimize(bare.v(0));
  }
  cell_step_counters(state, cells);
}
BENCHMARK(BM_BareCellKernel)->Arg(16)->Arg(32);

void BM_PackCellSteps(benchmark::State& state) {
  PackConfig config;
  config.cells = static_cast<int>(state.range(0));
  Pack pack(config);
  int64_t steps = 0;
  for (auto _ : state) {
    pack.advance({alternating_current(steps++), 25.0, 0.0}, 0.1);
    benchmark::DoNotOptimize(pack.soc(0));
  }
  cell_step_counters(state, config.cells);
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
