// Failed MOSFETs: the charge and discharge FETs are compared every tick with what the core
// commanded the tick before. A FET that conducts while commanded off is "stuck on" (shorted,
// the usual way a power MOSFET dies); one that does not conduct while commanded on is "stuck
// off" (open gate drive, burnt bond wire). Either raises JK's charge-MOS or discharge-MOS fault
// alarm (bits 16, 17). See docs/protections.md, "Failed MOSFETs".
//
// Evidence a FET conducts:
// - the front end's read-back (the drain-source voltage sense of the FET bank), and
// - current in the direction only that FET's channel can carry: charging current needs the
//   charge FET's channel (the discharge FET passes it by channel or body diode), discharging
//   current needs the discharge FET's channel. This one works on boards whose read-back only
//   echoes the gate drive. While both FETs read back off a current proves nothing about one of
//   them: it is the current-sensor protection's case.
// Evidence a FET does not conduct: the read-back says off while commanded on.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/base/units.hpp"
#include "core/io/alarm.hpp"
#include "core/measure/measured.hpp"

namespace softbms::core {

enum class Fet : uint8_t { charge, discharge };
enum class FetFault : uint8_t { none, stuck_on, stuck_off };

// More than this in a FET's own direction while it is commanded off means its channel conducts
// (the current sensor's own plausibility limit is 2 A with both FETs off; 1 A is far above the
// shunt's offset and noise).
inline constexpr Milliamps kFetStuckCurrent{1000};
// The evidence must last this long: a FET takes a tick to follow a new command, and the
// short-circuit latch opens the discharge FET a tick before the core commands it off.
inline constexpr Milliseconds kFetFaultDelay{1000};
// A fault releases only after the FET was seen working in the state that revealed it (blocking
// while commanded off, conducting while commanded on) for this long.
inline constexpr Milliseconds kFetFaultReleaseHold{5000};

struct FetCommand {
  bool charge = false;
  bool discharge = false;
  bool precharge = false;  // the precharge resistor carries discharge current around the FET
};

// What a failed FET demands of the other one, one row per kind of failure (indexed by FetFault).
// The core's output decision (core/bms) and the campaign's fets_follow_alarms invariant both
// read this table, so the rule is stated once.
struct FetFaultRule {
  FetFault fault;
  bool opens_other;          // the other FET opens while the fault is latched
  bool emergency_overrides;  // the emergency switch closes the other FET anyway
};
// clang-format off
inline constexpr std::array<FetFaultRule, 3> kFetFaultRules = {{
  {FetFault::none, false, false},
  // A FET stuck on: the other FET cannot stop the dead one's direction (its body diode passes
  // it), so opening it would only stop the healthy direction. The alarm reports it; nothing opens.
  {FetFault::stuck_on, false, false},
  // A FET stuck off would carry the other direction's current through its body diode (0.7 V x
  // the pack current of heat in a part sized for a fraction of a volt): the other FET opens.
  // The emergency switch overrides it, as it overrides the other faults of the board's parts.
  {FetFault::stuck_off, true, true},
}};
// clang-format on

struct FetBlocks {
  bool charge = false;
  bool discharge = false;
};
constexpr FetBlocks fet_fault_blocks(FetFault charge, FetFault discharge, bool emergency) {
  auto opens = [emergency](FetFault f) {
    const FetFaultRule& r = kFetFaultRules[static_cast<std::size_t>(f)];
    return r.opens_other && !(emergency && r.emergency_overrides);
  };
  return {opens(discharge), opens(charge)};
}
static_assert(kFetFaultRules[static_cast<std::size_t>(FetFault::stuck_off)].fault ==
              FetFault::stuck_off);
static_assert(kFetFaultRules[static_cast<std::size_t>(FetFault::stuck_on)].fault ==
              FetFault::stuck_on);

class FetMonitor {
 public:
  struct Change {
    bool tripped = false;
    bool released = false;
  };
  // One tick. commanded = the outputs of the previous tick (what the read-back reflects);
  // powered = the board drove its FETs then (not asleep or shut down).
  std::array<Change, 2> step(Milliseconds now, const Measured& m, FetCommand commanded,
                             bool powered);

  [[nodiscard]] FetFault fault(Fet f) const { return fets_[index(f)].fault; }
  [[nodiscard]] uint32_t alarms() const;
  // The FETs the latched faults keep open (kFetFaultRules below).
  [[nodiscard]] FetBlocks blocks(bool emergency) const;
  [[nodiscard]] bool charge_blocked() const { return blocks(false).charge; }
  [[nodiscard]] bool discharge_blocked() const { return blocks(false).discharge; }

 private:
  struct State {
    FetFault fault = FetFault::none;
    FetFault seen = FetFault::none;  // the evidence of this tick's run
    Milliseconds since{};            // start of the evidence (or of the good behaviour)
    bool good = false;               // the faulty FET behaves in the revealing state
  };
  static constexpr std::size_t index(Fet f) { return static_cast<std::size_t>(f); }
  Change update(State& st, Milliseconds now, bool commanded, bool conducts, bool readback_off);

  std::array<State, 2> fets_{};
};

constexpr AlarmBit fet_alarm(Fet f) {
  return f == Fet::charge ? AlarmBit::charge_mos_fault : AlarmBit::discharge_mos_fault;
}

}  // namespace softbms::core
