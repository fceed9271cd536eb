#include "core/protect/watch.hpp"

#include <bit>

namespace softbms::core {
namespace {

using Reader = Reading (*)(const Measured& m);

constexpr Reading valid(int32_t v) {
  return Reading{true, v};
}
constexpr Reading when(bool ok, int32_t v) {
  return Reading{ok, ok ? v : 0};
}
constexpr int32_t count_bits(uint32_t mask) {
  return std::popcount(mask);
}

// clang-format off
constexpr std::array<Reader, kWatchCount> kReaders = {
  // With no cell present there is no cell voltage to judge; cell_count_mismatch covers it.
  [](const Measured& m) { return when(m.cells_present > 0, m.max.count()); },
  [](const Measured& m) { return when(m.cells_present > 0, m.min.count()); },
  [](const Measured& m) { return when(m.cells_present > 0, m.pack.count()); },
  [](const Measured& m) { return valid(m.current.count() > 0 ? m.current.count() : 0); },
  [](const Measured& m) { return valid(m.current.count() < 0 ? -m.current.count() : 0); },
  [](const Measured& m) { return when(m.battery_temp_valid, m.battery_max.count()); },
  [](const Measured& m) { return when(m.battery_temp_valid, m.battery_min.count()); },
  [](const Measured& m) { return when(m.mos_temp_valid, m.mos.count()); },
  [](const Measured& m) { return valid(m.short_circuit ? 1 : 0); },
  [](const Measured& m) {
    return valid(m.cells_present > m.cells_expected ? m.cells_present - m.cells_expected
                                                    : m.cells_expected - m.cells_present); },
  // A FET that reads back on lets current flow, so only the both-off case proves anything;
  // so does the precharge resistor (campaign seed 12, run 2657: precharge into a short).
  [](const Measured& m) {
    const bool both_off = !m.charge_fet_readback && !m.discharge_fet_readback && !m.precharge;
    return valid(both_off ? abs(m.current).count() : 0); },
  [](const Measured& m) { return valid(count_bits(m.temp_fault_mask)); },
  [](const Measured& m) { return valid(count_bits(m.wire_alarm_mask)); },
};
// clang-format on

}  // namespace

Reading read(Watch w, const Measured& m) {
  return kReaders[static_cast<std::size_t>(w)](m);
}

}  // namespace softbms::core
