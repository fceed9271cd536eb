// The JK-PB master's view of a parallel bank: every pack's report in, one battery out. The
// inverter sees the aggregate as if it were one big pack. The rules (which value is a sum,
// which a minimum, when a pack blocks) are in docs/parallel.md.
#pragma once

#include <cstdint>
#include <span>

#include "core/charge/charge_requests.hpp"
#include "core/charge/charge_types.hpp"
#include "core/io/alarm.hpp"
#include "core/io/snapshot.hpp"
#include "core/parallel/pack_allowance.hpp"

namespace softbms::core {

// DIP addresses 0..15: 0 is the master, 1..15 slaves (JK-PB).
inline constexpr std::size_t kMaxPacks = 16;

struct PackReport {
  uint8_t address = 0;
  bool online = false;  // answered recently (see SlaveTracker); offline packs count as missing
  Milliseconds last_seen{};
  Snapshot snapshot;        // as decoded from the pack's cell-info frame
  PackAllowance allowance;  // pack_allowance(snapshot, the pack's settings)
};

// Alarm bits about one board, not about the battery: they stay in that pack's own report and
// are not passed on to the bank (docs/parallel.md). Bit 19 asks the owner to change a factory
// password of that board; in the bank's alarms the inverter would hear of it and the owner
// could not tell which board it means.
inline constexpr uint32_t kBoardOnlyAlarms = alarm_mask(AlarmBit::modify_password);

struct AggregateOptions {
  // Raised while a pack is missing: JK's "internal communication error".
  AlarmBit missing_alarm = AlarmBit::internal_comm;
};

struct Aggregate {
  Snapshot snapshot;           // the one battery the inverter sees; its limit fields hold `target`
  ChargeLimits target;         // the bank's limits before the rise slew
  Milliamps charge_ceiling{};  // sums of the online packs' ceilings
  Milliamps discharge_ceiling{};
  Limiter charge_limiter = Limiter::protection;
  Limiter discharge_limiter = Limiter::protection;
  uint8_t packs = 0;  // reports given
  uint8_t online = 0;
  uint8_t blocking_charge = 0;  // online packs whose charge FET a protection or switch holds off
  uint8_t blocking_discharge = 0;
  uint32_t missing_mask = 0;  // bit n = the pack at address n does not answer
  uint8_t min_cell_pack = 0;  // address of the pack that holds the lowest cell
  uint8_t max_cell_pack = 0;  // ... and the highest
};

Aggregate aggregate(std::span<const PackReport> packs, const AggregateOptions& o = {});

// The bank's limits over time: like the single-pack ChargeControl, limits fall at once and
// rise with a slew (currents over kCurrentRiseTime, CVL by 10 mV per cell per second), and the
// request flags follow the bank's SOC. With no pack online, both currents are 0 and CVL holds
// its last value (a CVL of 0 alarms some inverters).
class ParallelController {
 public:
  // Writes the slewed limits and the request flags into a.snapshot as well.
  const ChargeResult& step(Milliseconds now, Aggregate& a);
  [[nodiscard]] const ChargeResult& result() const { return result_; }

 private:
  ChargeRequests requests_;
  ChargeResult result_;
  Milliseconds last_{};
  bool started_ = false;
};

}  // namespace softbms::core
