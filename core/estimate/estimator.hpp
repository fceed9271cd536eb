// State of charge, capacity learning, cycles, energy and runtime: the coulomb meter of the board.
// See docs/counters-and-functions.md for the rules and why they are so.
#pragma once

#include <cstdint>

#include "core/base/status.hpp"
#include "core/base/units.hpp"
#include "core/estimate/counters.hpp"
#include "core/io/snapshot.hpp"
#include "core/measure/measured.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

struct FetState {
  bool charge = false;
  bool discharge = false;
};

// What happened during one update, for the event log.
struct EstimateNotes {
  bool soc_full = false;           // the SOC-100 % rule fired (edge)
  bool soc_empty = false;          // the SOC-0 % rule fired (edge)
  bool capacity_learned = false;   // full_capacity() holds a newly learned value
  bool capacity_rejected = false;  // a learning run ended outside the plausible range
};

// The voltage rules must hold this long before they act, so that a load step or a charger
// switching on does not reset SOC.
inline constexpr Milliseconds kSocRuleConfirm{2000};
// A longer gap between two updates is counted as this long (a stalled clock or a restart must
// not integrate the last current over hours).
inline constexpr Milliseconds kMaxUpdateGap{60'000};
// Charging has ended when the charge current is below design capacity / this (0.05 C).
inline constexpr int64_t kTailCurrentDivisor = 20;
// A learned capacity is accepted only within these percentages of the design capacity.
inline constexpr int64_t kLearnMinPercent = 50;
inline constexpr int64_t kLearnMaxPercent = 120;

class Estimator {
 public:
  // Counts one power-on (the counter survives restore()).
  void boot() { c_.power_on_count += 1; }

  EstimateNotes update(Milliseconds now, const Measured& m, const Settings& s, FetState fets);

  [[nodiscard]] Counters counters() const { return c_; }
  // Takes stored counters. A record of another version changes nothing (Errc::corrupt);
  // values out of their range are brought into it.
  Status restore(const Counters& stored);
  // The user's "reset counters": cycles, cycle capacity, energy and learned capacity go back
  // to zero / design; runtime, power-on count and SOC stay.
  void reset_counters();

  [[nodiscard]] MilliampHours remaining() const { return to_mah(c_.remaining); }
  [[nodiscard]] MilliampHours full_capacity() const { return c_.full_capacity; }
  [[nodiscard]] MilliampHours design_capacity() const { return c_.design_capacity; }
  [[nodiscard]] int32_t soc_permille() const;
  [[nodiscard]] uint8_t soc_percent() const { return static_cast<uint8_t>(soc_permille() / 10); }
  [[nodiscard]] uint8_t soh_percent() const;
  [[nodiscard]] uint32_t cycles() const { return c_.cycles; }
  [[nodiscard]] MilliampHours cycle_capacity() const { return to_mah(c_.discharged); }
  [[nodiscard]] Seconds runtime() const { return to_s(c_.runtime); }
  [[nodiscard]] uint32_t power_on_count() const { return c_.power_on_count; }
  [[nodiscard]] MilliwattHours charged_energy() const { return c_.charged.total; }
  [[nodiscard]] MilliwattHours discharged_energy() const { return c_.discharged_energy.total; }
  [[nodiscard]] bool learning() const { return c_.learning != 0; }

  // Writes the estimation fields of the Snapshot (soc .. capacity_learning).
  void publish(Snapshot& snap) const;

 private:
  // A voltage rule: its condition must hold kSocRuleConfirm before it acts.
  struct RuleTimer {
    bool holding = false;
    Milliseconds since{};
    bool fired = false;
  };

  Milliseconds step(Milliseconds now);
  void follow_design_capacity(const Settings& s);
  void seed(const Measured& m, const Settings& s);
  void integrate(const Measured& m, Milliseconds dt);
  void count_discharge(MilliampMilliseconds q);
  bool confirm(RuleTimer& r, bool condition, Milliseconds now);
  void apply_empty(EstimateNotes& notes, bool edge);
  void apply_full(EstimateNotes& notes, bool edge);
  [[nodiscard]] MilliampMilliseconds full_charge() const { return to_charge(c_.full_capacity); }

  Counters c_{};
  bool started_ = false;
  Milliseconds last_{};
  RuleTimer empty_{};
  RuleTimer full_{};
};

}  // namespace softbms::core
