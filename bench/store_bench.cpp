// The cost of a durable settings write on the host: one accepted change applied by the core and
// saved to the state dir's store file (erase the other slot, payload, header, each followed by
// fdatasync), as `softbms run` does before it acknowledges a write. With and without the event
// log that goes out with the change. The store file lives in $TMPDIR (default /tmp): on tmpfs
// fdatasync costs nothing, so point TMPDIR at the disk the state dir is on.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "core/bms/bms.hpp"
#include "core/bms/persistence.hpp"
#include "host/state/state_dir.hpp"

namespace {
using namespace softbms;
using namespace softbms::core;

struct TempStore {
  TempStore() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp != nullptr ? tmp : "/tmp") + "/softbms-bench-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    dir = tmpl;
    auto m = host::FileMedium::open(dir + "/store.bin");
    if (!m) std::abort();
    medium = std::move(m).value();
  }
  ~TempStore() { [[maybe_unused]] int rc = std::system(("rm -rf '" + dir + "'").c_str()); }
  std::string dir;
  std::unique_ptr<host::FileMedium> medium;
};

void durable_write(benchmark::State& state, uint8_t also) {
  TempStore t;
  Store store(*t.medium);
  auto bms = std::make_unique<Bms>(Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, 16));
  bms->boot(Milliseconds(0));
  int32_t v = 10;
  for (auto _ : state) {
    SettingsChange c{Origin::rs485, Authority::settings, {}};
    v = v >= 900 ? 10 : v + 1;
    static_cast<void>(c.changes.set(Param::balance_trigger_delta, v));
    if (!bms->apply(c, Milliseconds(0)).ok()) state.SkipWithError("refused");
    if (!save_records(*bms, store, static_cast<uint8_t>(bms->dirty() & (kDirtySettings | also))).ok())
      state.SkipWithError("save failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DurableSettingsWrite(benchmark::State& state) { durable_write(state, 0); }
void BM_DurableSettingsWriteWithEvents(benchmark::State& state) { durable_write(state, kDirtyEvents); }
BENCHMARK(BM_DurableSettingsWrite)->UseRealTime();
BENCHMARK(BM_DurableSettingsWriteWithEvents)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
