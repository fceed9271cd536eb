// The cost of one tick of the core (measure, protect, balance, estimate, functions, publish)
// for 16 and 32 cells.
#include <benchmark/benchmark.h>

#include <array>
#include <memory>
#include <span>

#include "core/bms/bms.hpp"
#include "core/estimate/soc_filter.hpp"

namespace {
using namespace softbms;
using namespace softbms::core;

// The whole tick on `cells` inputs with the given SOC method (0 coulomb, 1 model).
void run_ticks(benchmark::State& state, int32_t soc_method) {
  const auto cells = static_cast<int32_t>(state.range(0));
  Settings s = Settings::preset(Chemistry::lfp, ModelId::jk_bd4a24s_12p, cells > 24 ? 24 : cells);
  s.set_raw(Param::cell_count,
            cells);  // 32 inputs: past the model's count on purpose, a tick is a tick
  s.set_raw(Param::soc_method, soc_method);
  auto bms = std::make_unique<Bms>(s);
  bms->boot(Milliseconds(0));
  Measurements m;
  m.ntc.fill(Ohms(10000));
  m.wire_resistance.fill(Milliohms(15));
  int64_t t = 0;
  for (auto _ : state) {
    for (int32_t i = 0; i < cells; ++i)
      m.cell_raw[static_cast<std::size_t>(i)] =
          Millivolts(3300 + static_cast<int32_t>((t + i * 13) % 90));
    m.current_raw = Milliamps(static_cast<int32_t>((t % 200) * 500 - 50'000));
    benchmark::DoNotOptimize(bms->step(Milliseconds(t * 100), m));
    ++t;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["cells"] = static_cast<double>(cells);
}

void BM_Tick(benchmark::State& state) {
  run_ticks(state, 0);
}
BENCHMARK(BM_Tick)->Arg(16)->Arg(32);

// One update of the model-based SOC filter (core/estimate/soc_filter): the work of the tick in
// which it runs (at most once per kFilterPeriod: ModelSoc); the other ticks only add
// up the charge. A drive-cycle-like current with steps, so the R0 step update runs too.
void BM_SocFilterUpdate(benchmark::State& state) {
  const auto cells = static_cast<std::size_t>(state.range(0));
  SocFilter f;
  f.start(Chemistry::lfp, 280.0F, static_cast<uint8_t>(cells), 0.5F, 0.3F);
  std::array<float, kMaxCells> v{};
  int64_t t = 0;
  for (auto _ : state) {
    const float amps = static_cast<float>((t % 7) * 40 - 120);
    for (std::size_t k = 0; k < cells; ++k)
      v[k] = 3.26F + 0.001F * static_cast<float>((t + static_cast<int64_t>(k)) % 9) + amps * 1e-4F;
    FilterStep step;
    step.dt_s = 1.0F;
    step.charge_as = amps;
    step.current_a = amps;
    step.cell_v = std::span<const float>(v.data(), cells);
    step.full_v = 3.45F;
    step.empty_v = 2.8F;
    f.update(step);
    benchmark::DoNotOptimize(f.pack_soc());
    ++t;
  }
  state.counters["cells"] = static_cast<double>(cells);
}
BENCHMARK(BM_SocFilterUpdate)->Arg(16)->Arg(32);

// The whole tick with soc_method = model (the filter runs every 10th tick, as on the board).
void BM_TickModelSoc(benchmark::State& state) {
  run_ticks(state, 1);
}
BENCHMARK(BM_TickModelSoc)->Arg(16)->Arg(32);

}  // namespace

BENCHMARK_MAIN();
