// Proves the tick allocates nothing: replaces operator new and malloc, counts every call, and
// runs 10,000 ticks of a 32-cell pack with changing measurements, commands and trips.
#include <cstdio>
#include <cstdlib>
#include <new>

#include "core/bms/bms.hpp"

namespace {
int g_allocations = 0;
bool g_counting = false;
}  // namespace

void* operator new(std::size_t n) {
  if (g_counting) ++g_allocations;
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) std::abort();
  return p;
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

#if defined(__SANITIZE_ADDRESS__)
// Under AddressSanitizer malloc belongs to the sanitizer: count through its allocation hook.
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*)(const volatile void*, std::size_t),
                                                        void (*)(const volatile void*));
namespace {
void count_malloc(const volatile void* /*p*/, std::size_t /*n*/) {
  if (g_counting) ++g_allocations;
}
void ignore_free(const volatile void* /*p*/) {}
const int g_hooks = __sanitizer_install_malloc_and_free_hooks(count_malloc, ignore_free);
}  // namespace
#else
extern "C" void* __libc_malloc(std::size_t);  // NOLINT(bugprone-reserved-identifier): glibc's own
extern "C" void* malloc(std::size_t n) {
  if (g_counting) ++g_allocations;
  return __libc_malloc(n);
}
#endif

int main() {
  using namespace softbms;
  using namespace softbms::core;
  static Bms bms(Settings::preset(Chemistry::li_ion, ModelId::jk_bd4a24s_12p, 24));
  Command cells;
  cells.kind = CommandKind::set_param;
  cells.authority = Authority::settings;
  cells.param = Param::cell_count;
  cells.value = 24;
  bms.boot(Milliseconds(0));
  Measurements m;
  m.ntc.fill(Ohms(10000));
  m.wire_resistance.fill(Milliohms(15));
  g_counting = true;
  int reached = 0;
  for (int tick = 0; tick < 10'000; ++tick) {
    const Milliseconds now(int64_t{tick} * 100);
    for (std::size_t i = 0; i < kMaxCells; ++i) {
      // 32 inputs driven; cells beyond 24 read as connected too, so the count alarm trips and clears.
      const bool extra = i >= 24 && (tick / 500) % 2 == 1;
      m.cell_raw[i] = Millivolts(i < 24 || extra ? 3700 + static_cast<int32_t>((tick + i * 7) % 600) : 0);
    }
    m.current_raw = Milliamps((tick % 300) * 1000 - 150'000);
    m.short_circuit = tick % 2000 == 1999;
    (void)bms.step(now, m);
    if (tick % 1000 == 0) (void)bms.apply(cells, now);
    reached = tick + 1;
  }
  g_counting = false;
  std::printf("%d ticks of a 32-input pack: %d allocations, %u events logged, alarms 0x%08x\n", reached,
              g_allocations, static_cast<unsigned>(bms.events().total()), static_cast<unsigned>(bms.snapshot().alarms));
  return g_allocations == 0 && reached == 10'000 && bms.events().total() > 10 ? 0 : 1;
}
