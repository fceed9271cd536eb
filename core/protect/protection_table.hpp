// The protection table: one row per protection, read by one loop (protections.cpp). Every
// threshold, delay and release time is a settings parameter or a fixed value named here, so
// what trips, when, and what it switches off is data a reader can check line by line against
// the JK manual ([M-B2A] 5.3) and docs/protections.md.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/base/units.hpp"
#include "core/io/alarm.hpp"
#include "core/io/snapshot.hpp"
#include "core/protect/watch.hpp"
#include "core/settings/param.hpp"

namespace softbms::core {

// "No parameter": the row uses its fixed value instead.
inline constexpr Param kNoParam = Param::count_;
inline constexpr ReleaseTimer kNoTimer = ReleaseTimer::count_;

enum class Trip : uint8_t { above, below };
enum class FetEffect : uint8_t { none, charge, discharge, both };
// protects: the row blocks its FETs also while the emergency switch is on.
enum class EmergencyRule : uint8_t { protects, overrides };

// level: released when the watched value is back past the recovery limit (below it for an
// "above" trip, above it for a "below" trip) and stays there for `after` (the hold).
// timed: released `after` the trip, whatever the value (the FET it switched off removed the cause).
enum class ReleaseKind : uint8_t { level, timed };

// A limit in the unit of the watched quantity: a settings parameter or a fixed value.
struct Limit {
  Param param = kNoParam;
  int32_t fixed = 0;
};
// A duration: a settings parameter (unit s or ms, taken from the settings table) or fixed.
struct Duration {
  Param param = kNoParam;
  Milliseconds fixed{};
};

constexpr Limit setting(Param p) {
  return Limit{p, 0};
}
constexpr Limit fixed(int32_t v) {
  return Limit{kNoParam, v};
}
constexpr Duration time_of(Param p) {
  return Duration{p, Milliseconds(0)};
}
constexpr Duration fixed_time(Milliseconds t) {
  return Duration{kNoParam, t};
}

struct Release {
  ReleaseKind kind = ReleaseKind::level;
  Limit level{};     // level release only
  Duration after{};  // the hold (level) or the release time (timed)
};
constexpr Release level_release(Limit recovery, Duration hold = fixed_time(Milliseconds(0))) {
  return Release{ReleaseKind::level, recovery, hold};
}
constexpr Release timed_release(Param seconds) {
  return Release{ReleaseKind::timed, Limit{}, time_of(seconds)};
}

struct ProtectionRow {
  std::string_view name;  // snake_case, as the settings and kAlarms name it
  AlarmBit bit;
  Watch watch;
  Trip trip;
  Limit threshold;
  Duration delay;
  Release release;
  FetEffect effect;
  EmergencyRule emergency;   // overrides: the emergency switch keeps the FETs on despite this alarm
  Param enabled = kNoParam;  // a flag parameter that switches the row on; kNoParam = always on
  ReleaseTimer timer = kNoTimer;  // the JK countdown this row's release feeds
  // Raised when a timed release finds the cause still there (the release time starts again),
  // or when the row trips again within kReleaseFailedWindow of its release.
  std::optional<AlarmBit> release_failed{};
};

// The current sensor is implausible when it reads more than this while both FETs read back off:
// with both off no current can flow, not even through a body diode.
inline constexpr Milliamps kCurrentSensorIdleLimit{2000};
inline constexpr Milliseconds kCurrentSensorDelay{5000};
// A fault input (cell count, temperature sensor, current sensor) must stay clear this long
// before its alarm releases, so a loose connector does not switch the FETs on and off.
inline constexpr Milliseconds kFaultReleaseHold{5000};
// A row with a release-failed alarm that trips again this soon after its timed release counts
// the release as failed: the FET it closed ran straight back into the cause. A front end whose
// short-circuit flag is a latch (cleared once the FET is off) cannot show a lasting short at
// the release tick; closing the FET into it is how a real board learns it. 1 s is far shorter
// than the shortest release time (2 s) and far longer than the comparator's delay (<= 10 ms)
// plus one tick, so only a re-trip caused by the release itself counts.
inline constexpr Milliseconds kReleaseFailedWindow{1000};

// clang-format off
inline constexpr std::array<ProtectionRow, 18> kProtections = {{
  // Voltages (manual i, j): trip past the limit for the delay; release only when every cell
  // (the whole pack) is back past the recovery value.
  {"cell_ovp", AlarmBit::cell_ovp, Watch::cell_max, Trip::above, setting(Param::cell_ovp),
   time_of(Param::cell_ovp_delay), level_release(setting(Param::cell_ovpr)), FetEffect::charge, EmergencyRule::protects},
  {"pack_ovp", AlarmBit::pack_ovp, Watch::pack, Trip::above, setting(Param::pack_ovp),
   time_of(Param::cell_ovp_delay), level_release(setting(Param::pack_ovpr)), FetEffect::charge, EmergencyRule::protects},
  {"cell_uvp", AlarmBit::cell_uvp, Watch::cell_min, Trip::below, setting(Param::cell_uvp),
   time_of(Param::cell_uvp_delay), level_release(setting(Param::cell_uvpr)), FetEffect::discharge, EmergencyRule::overrides},
  {"pack_uvp", AlarmBit::pack_uvp, Watch::pack, Trip::below, setting(Param::pack_uvp),
   time_of(Param::cell_uvp_delay), level_release(setting(Param::pack_uvpr)), FetEffect::discharge, EmergencyRule::overrides},
  // Currents (manual l, m): released a fixed time after the trip.
  {"charge_ocp", AlarmBit::charge_ocp, Watch::charge_current, Trip::above, setting(Param::charge_ocp_current),
   time_of(Param::charge_ocp_delay), timed_release(Param::charge_ocp_release), FetEffect::charge, EmergencyRule::protects,
   kNoParam, ReleaseTimer::charge_ocp},
  {"discharge_ocp", AlarmBit::discharge_ocp, Watch::discharge_current, Trip::above, setting(Param::discharge_ocp_current),
   time_of(Param::discharge_ocp_delay), timed_release(Param::discharge_ocp_release), FetEffect::discharge, EmergencyRule::overrides,
   kNoParam, ReleaseTimer::discharge_ocp},
  {"discharge_ocp2", AlarmBit::discharge_ocp2, Watch::discharge_current, Trip::above, setting(Param::discharge_ocp2_current),
   time_of(Param::discharge_ocp2_delay), timed_release(Param::discharge_ocp_release), FetEffect::discharge, EmergencyRule::protects,
   Param::discharge_ocp2_enabled, ReleaseTimer::discharge_ocp},
  {"discharge_ocp3", AlarmBit::discharge_ocp3, Watch::discharge_current, Trip::above, setting(Param::discharge_ocp3_current),
   time_of(Param::discharge_ocp3_delay), timed_release(Param::discharge_ocp_release), FetEffect::discharge, EmergencyRule::protects,
   Param::discharge_ocp3_enabled, ReleaseTimer::discharge_ocp},
  // Short circuit (manual n): the front end's comparator already waited scp_delay (µs).
  {"discharge_scp", AlarmBit::discharge_scp, Watch::short_circuit, Trip::above, fixed(0),
   fixed_time(Milliseconds(0)), timed_release(Param::scp_release), FetEffect::both, EmergencyRule::protects,
   kNoParam, ReleaseTimer::discharge_scp, AlarmBit::scp_release_failed},
  // Temperatures (manual q, r, s), on valid sensors only.
  {"charge_otp", AlarmBit::charge_otp, Watch::battery_max, Trip::above, setting(Param::charge_otp),
   time_of(Param::temp_protection_delay), level_release(setting(Param::charge_otpr)), FetEffect::charge, EmergencyRule::protects},
  {"charge_utp", AlarmBit::charge_utp, Watch::battery_min, Trip::below, setting(Param::charge_utp),
   time_of(Param::temp_protection_delay), level_release(setting(Param::charge_utpr)), FetEffect::charge, EmergencyRule::protects},
  {"discharge_otp", AlarmBit::discharge_otp, Watch::battery_max, Trip::above, setting(Param::discharge_otp),
   time_of(Param::temp_protection_delay), level_release(setting(Param::discharge_otpr)), FetEffect::discharge, EmergencyRule::protects},
  {"discharge_utp", AlarmBit::discharge_utp, Watch::battery_min, Trip::below, setting(Param::discharge_utp),
   time_of(Param::temp_protection_delay), level_release(setting(Param::discharge_utpr)), FetEffect::discharge, EmergencyRule::protects},
  {"mos_otp", AlarmBit::mos_otp, Watch::mos_temp, Trip::above, setting(Param::mos_otp),
   time_of(Param::temp_protection_delay), level_release(setting(Param::mos_otpr)), FetEffect::both, EmergencyRule::protects},
  // Faults of the inputs the protections above depend on: with an input gone, a protection is
  // blind, so both FETs go off (the emergency switch can override; see docs/protections.md).
  {"cell_count_mismatch", AlarmBit::cell_count_mismatch, Watch::cell_count_error, Trip::above, fixed(0),
   fixed_time(Milliseconds(0)), level_release(fixed(1), fixed_time(kFaultReleaseHold)), FetEffect::both, EmergencyRule::overrides},
  {"current_sensor", AlarmBit::current_sensor, Watch::idle_current, Trip::above, fixed(kCurrentSensorIdleLimit.count()),
   fixed_time(kCurrentSensorDelay), level_release(fixed(kCurrentSensorIdleLimit.count()), fixed_time(kFaultReleaseHold)),
   FetEffect::both, EmergencyRule::overrides},
  {"temp_sensor", AlarmBit::temp_sensor, Watch::temp_sensor_fault, Trip::above, fixed(0),
   fixed_time(Milliseconds(0)), level_release(fixed(1), fixed_time(kFaultReleaseHold)), FetEffect::both, EmergencyRule::overrides},
  // Wire resistance switches no FET: the balancer reads the bit and stops balancing.
  {"wire_resistance", AlarmBit::wire_resistance, Watch::wire_fault, Trip::above, fixed(0),
   fixed_time(Milliseconds(0)), level_release(fixed(1)), FetEffect::none, EmergencyRule::overrides},
}};
// clang-format on
inline constexpr std::size_t kProtectionCount = kProtections.size();

// The row of an alarm bit, if a protection raises it.
constexpr std::optional<std::size_t> row_of(AlarmBit bit) {
  for (std::size_t i = 0; i < kProtectionCount; ++i) {
    if (kProtections[i].bit == bit) return i;
  }
  return std::nullopt;
}
// The name of a protection (its alarm's name when no row raises it, e.g. scp_release_failed).
constexpr std::string_view protection_name(AlarmBit bit) {
  return kAlarms[static_cast<std::size_t>(bit)].name;
}

constexpr bool affects_charge(FetEffect e) {
  return e == FetEffect::charge || e == FetEffect::both;
}
constexpr bool affects_discharge(FetEffect e) {
  return e == FetEffect::discharge || e == FetEffect::both;
}

// Compile-time checks of the table, foxBMS style: a wrong row does not build.
namespace table_check {
constexpr bool units_match() {
  for (const ProtectionRow& r : kProtections) {
    const Unit u = watch_unit(r.watch);
    if (r.threshold.param != kNoParam && info(r.threshold.param).unit != u) return false;
    if (r.release.kind == ReleaseKind::level && r.release.level.param != kNoParam &&
        info(r.release.level.param).unit != u) {
      return false;
    }
    for (const Duration& d : {r.delay, r.release.after}) {
      if (d.param != kNoParam && info(d.param).unit != Unit::s && info(d.param).unit != Unit::ms) {
        return false;
      }
    }
    if (r.enabled != kNoParam && info(r.enabled).unit != Unit::flag) return false;
  }
  return true;
}
constexpr bool bits_unique() {
  uint32_t seen = 0;
  for (const ProtectionRow& r : kProtections) {
    const uint32_t b = alarm_mask(r.bit) | (r.release_failed ? alarm_mask(*r.release_failed) : 0);
    if ((seen & b) != 0) return false;
    seen |= b;
  }
  return true;
}
constexpr bool names_match_alarms() {
  for (const ProtectionRow& r : kProtections) {
    if (r.name != protection_name(r.bit)) return false;
  }
  return true;
}
// A countdown only makes sense for a timed release; a release-failed alarm only for one too.
constexpr bool timers_are_timed() {
  for (const ProtectionRow& r : kProtections) {
    const bool timed = r.release.kind == ReleaseKind::timed;
    if ((r.timer != kNoTimer || r.release_failed) && !timed) return false;
  }
  return true;
}
}  // namespace table_check
static_assert(table_check::units_match(), "a protection limit or time has the wrong unit");
static_assert(table_check::bits_unique(), "two protections raise the same alarm bit");
static_assert(table_check::names_match_alarms(), "a protection name differs from its alarm name");
static_assert(table_check::timers_are_timed(), "a release countdown on a level-released row");

}  // namespace softbms::core
