// The core on a Cortex-M4F: a BMS instance stepped from a timer with readings from the analog
// front end. The front-end registers are modelled as volatile memory so that the linker keeps
// the whole tick; a real port replaces read_front_end() and write_outputs() with its drivers.
#include <cstdint>

#include "core/bms/bms.hpp"
#include "core/bms/persistence.hpp"

namespace {
using namespace softbms;
using namespace softbms::core;

volatile uint16_t g_cell_adc[kMaxCells];
volatile int32_t g_shunt_adc;
volatile uint16_t g_ntc_adc[kMaxTempSensors];
volatile uint32_t g_output_port;
volatile uint32_t g_ticks;

Measurements read_front_end() {
  Measurements m;
  for (std::size_t i = 0; i < kMaxCells; ++i) m.cell_raw[i] = Millivolts(g_cell_adc[i]);
  m.current_raw = Milliamps(g_shunt_adc);
  for (std::size_t i = 0; i < kMaxTempSensors; ++i) m.ntc[i] = Ohms(g_ntc_adc[i] * 4);
  return m;
}

void write_outputs(const Outputs& o) {
  g_output_port = (o.charge_fet ? 1u : 0u) | (o.discharge_fet ? 2u : 0u) | (o.heater ? 4u : 0u) |
                  (o.balancer.active ? 8u : 0u) | (static_cast<uint32_t>(o.balancer.source_cell) << 8) |
                  (static_cast<uint32_t>(o.balancer.sink_cell) << 16);
}

// A flash medium over a RAM window stands in for the part's flash driver.
uint8_t g_flash[kStoreSize];
MemoryMedium g_medium(std::span<uint8_t>(g_flash, sizeof g_flash), kSlotSize);

}  // namespace

int main() {
  static Bms bms(Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, 16));
  static Store store(g_medium);
  (void)load_records(bms, store);
  bms.boot(Milliseconds(0));
  for (;;) {
    const Milliseconds now(static_cast<int64_t>(g_ticks) * 100);
    write_outputs(bms.step(now, read_front_end()));
    (void)save_dirty(bms, store);
  }
}
