// The cost of one tick of the core (measure, protect, balance, estimate, functions, publish)
// for 16 and 32 cells.
#include <benchmark/benchmark.h>

#include <memory>

#include "core/bms/bms.hpp"

namespace {
using namespace softbms;
using namespace softbms::core;

void BM_Tick(benchmark::State& state) {
  const auto cells = static_cast<int32_t>(state.range(0));
  Settings s = Settings::preset(Chemistry::lfp, ModelId::jk_bd4a24s_12p, cells > 24 ? 24 : cells);
  s.set_raw(Param::cell_count, cells);  // 32 inputs: past the model's count on purpose, a tick is a tick
  auto bms = std::make_unique<Bms>(s);
  bms->boot(Milliseconds(0));
  Measurements m;
  m.ntc.fill(Ohms(10000));
  m.wire_resistance.fill(Milliohms(15));
  int64_t t = 0;
  for (auto _ : state) {
    for (int32_t i = 0; i < cells; ++i) m.cell_raw[static_cast<std::size_t>(i)] = Millivolts(3300 + static_cast<int32_t>((t + i * 13) % 90));
    m.current_raw = Milliamps(static_cast<int32_t>((t % 200) * 500 - 50'000));
    benchmark::DoNotOptimize(bms->step(Milliseconds(t * 100), m));
    ++t;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["cells"] = static_cast<double>(cells);
}
BENCHMARK(BM_Tick)->Arg(16)->Arg(32);

}  // namespace

BENCHMARK_MAIN();
