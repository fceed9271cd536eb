// The counters the board keeps for life: charge in the pack, learned capacity, cycles, energy,
// runtime. One trivially copyable record with a version, persisted as raw bytes in the two-slot
// store, so it has no padding (a byte-wise CRC then sees only meaningful bytes).
#pragma once

#include <cstdint>
#include <type_traits>

#include "core/base/units.hpp"

namespace softbms::core {

// Energy is integrated as mV x mA x ms (µW·ms) and carried into whole mWh, so no energy is lost
// to rounding however short the tick.
using MicrowattMilliseconds = Quantity<struct MicrowattMillisecondTag, int64_t>;
inline constexpr MicrowattMilliseconds kMicrowattMsPerMwh{3'600'000'000};

// Whole mWh plus the part below one mWh that is still waiting to make one.
struct EnergyCounter {
  MilliwattHours total{};
  MicrowattMilliseconds rest{};  // 0 <= rest < kMicrowattMsPerMwh
};

// Adds a non-negative amount and carries whole mWh.
constexpr void add_energy(EnergyCounter& e, MicrowattMilliseconds amount) {
  e.rest += amount;
  const int64_t whole = e.rest.count() / kMicrowattMsPerMwh.count();
  e.total += MilliwattHours(whole);
  e.rest -= kMicrowattMsPerMwh * whole;
}

constexpr MicrowattMilliseconds energy(Millivolts v, Milliamps i, Milliseconds dt) {
  return MicrowattMilliseconds(static_cast<int64_t>(v.count()) * i.count() * dt.count());
}

// Bump when the layout or the meaning of a field changes; restore() refuses other versions.
// Version 2: the counters record also carries what the SOC model learned
// (core/bms/persistence.cpp); the Counters themselves are as in version 1.
inline constexpr uint16_t kCountersVersion = 3;

struct Counters {
  uint16_t version = kCountersVersion;
  uint8_t learning = 0;  // 1 = a complete discharge was seen; the charge since then is counted
  uint8_t seeded = 0;    // 1 = the charge in the pack has a starting point
  uint32_t cycles = 0;
  uint32_t power_on_count = 0;
  uint32_t reserved = 0;                  // keeps the 64-bit fields aligned without hidden padding
  MilliampMilliseconds remaining{};       // charge in the pack, 0..full_capacity
  MilliampHours full_capacity{};          // learned (starts at design capacity)
  MilliampHours design_capacity{};        // the design capacity the counters were made for
  MilliampMilliseconds learn_charge{};    // net charge since the complete discharge
  MilliampMilliseconds discharged{};      // all discharged charge, for life (cycle capacity)
  MilliampMilliseconds cycle_progress{};  // discharged charge towards the next cycle
  Milliseconds runtime{};
  EnergyCounter charged{};
  EnergyCounter discharged_energy{};
};

static_assert(std::is_trivially_copyable_v<Counters>, "Counters is persisted as raw bytes");
static_assert(std::has_unique_object_representations_v<Counters>,
              "Counters must have no padding: the store's CRC covers every byte");

}  // namespace softbms::core
