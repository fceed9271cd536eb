// The safety invariants a run must keep after every tick, in one table: each row names the rule
// of the JK manual (B2A8S20P manual, protection section; docs/protections.md) it encodes. The
// checker reads only what is visible from outside the core (the Snapshot, the settings, the
// world's faults), never the protections' internal state, so a bug in the core's bookkeeping
// cannot hide itself. `invariants: on` in a scenario turns it on; `softbms campaign` always does.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/estimate/counters.hpp"
#include "core/io/alarm.hpp"
#include "core/io/snapshot.hpp"
#include "core/protect/fet_monitor.hpp"
#include "core/protect/watch.hpp"
#include "core/settings/settings.hpp"
#include "sim/world.hpp"

namespace softbms::sim {

enum class InvariantKind : uint8_t {
  trips_in_time,        // the watched value beyond the limit for delay + 1 tick: its FET is off
  level_release,        // the value back past the recovery level for hold + 1 tick: alarm gone
  timed_release,        // the alarm gone release-time + 1 tick after the trip
  fault_release,        // the fault gone from the world for hold + 1 tick + settle: alarm gone
  fets_follow_alarms,   // each FET is on exactly when power, switch and alarms allow it
  soc_in_range,         // 0 <= SOC <= 100 %
  counters_monotonic,   // lifetime counters never go down (except by reset_counters)
  settings_survive_cut  // after a power cut, the settings are the last acknowledged ones
};

struct InvariantRow {
  std::string_view name;
  InvariantKind kind;
  core::AlarmBit alarm;   // the protection the row is about (per-protection kinds only)
  std::string_view rule;  // the manual's rule, in our words
};

using core::AlarmBit;
// clang-format off
inline constexpr std::array<InvariantRow, 35> kInvariants = {{
  {"cell_ovp_trips", InvariantKind::trips_in_time, AlarmBit::cell_ovp, "a cell above cell_ovp for cell_ovp_delay stops charging (charge FET off)"},
  {"pack_ovp_trips", InvariantKind::trips_in_time, AlarmBit::pack_ovp, "the pack above pack_ovp for cell_ovp_delay stops charging"},
  {"cell_uvp_trips", InvariantKind::trips_in_time, AlarmBit::cell_uvp, "a cell below cell_uvp for cell_uvp_delay stops discharging (the emergency switch overrides)"},
  {"pack_uvp_trips", InvariantKind::trips_in_time, AlarmBit::pack_uvp, "the pack below pack_uvp for cell_uvp_delay stops discharging (the emergency switch overrides)"},
  {"charge_ocp_trips", InvariantKind::trips_in_time, AlarmBit::charge_ocp, "charge current above charge_ocp_current for charge_ocp_delay (counted again from a release) stops charging"},
  {"discharge_ocp_trips", InvariantKind::trips_in_time, AlarmBit::discharge_ocp, "discharge current above discharge_ocp_current for discharge_ocp_delay stops discharging (the emergency switch overrides)"},
  {"discharge_ocp2_trips", InvariantKind::trips_in_time, AlarmBit::discharge_ocp2, "discharge current above stage II for its delay stops discharging, when stage II is enabled"},
  {"discharge_ocp3_trips", InvariantKind::trips_in_time, AlarmBit::discharge_ocp3, "discharge current above stage III for its delay stops discharging, when stage III is enabled"},
  {"charge_otp_trips", InvariantKind::trips_in_time, AlarmBit::charge_otp, "a battery sensor above charge_otp for temp_protection_delay stops charging"},
  {"charge_utp_trips", InvariantKind::trips_in_time, AlarmBit::charge_utp, "a battery sensor below charge_utp for temp_protection_delay stops charging"},
  {"discharge_otp_trips", InvariantKind::trips_in_time, AlarmBit::discharge_otp, "a battery sensor above discharge_otp for temp_protection_delay stops discharging"},
  {"discharge_utp_trips", InvariantKind::trips_in_time, AlarmBit::discharge_utp, "a battery sensor below discharge_utp for temp_protection_delay stops discharging"},
  {"mos_otp_trips", InvariantKind::trips_in_time, AlarmBit::mos_otp, "the MOSFET sensor above mos_otp for temp_protection_delay opens both FETs"},
  {"cell_ovp_releases", InvariantKind::level_release, AlarmBit::cell_ovp, "cell over-voltage releases once every cell is below cell_ovpr"},
  {"pack_ovp_releases", InvariantKind::level_release, AlarmBit::pack_ovp, "pack over-voltage releases once the pack is below pack_ovpr"},
  {"cell_uvp_releases", InvariantKind::level_release, AlarmBit::cell_uvp, "cell under-voltage releases once every cell is above cell_uvpr"},
  {"pack_uvp_releases", InvariantKind::level_release, AlarmBit::pack_uvp, "pack under-voltage releases once the pack is above pack_uvpr"},
  {"charge_otp_releases", InvariantKind::level_release, AlarmBit::charge_otp, "charge over-temperature releases below charge_otpr"},
  {"charge_utp_releases", InvariantKind::level_release, AlarmBit::charge_utp, "charge under-temperature releases above charge_utpr"},
  {"discharge_otp_releases", InvariantKind::level_release, AlarmBit::discharge_otp, "discharge over-temperature releases below discharge_otpr"},
  {"discharge_utp_releases", InvariantKind::level_release, AlarmBit::discharge_utp, "discharge under-temperature releases above discharge_utpr"},
  {"mos_otp_releases", InvariantKind::level_release, AlarmBit::mos_otp, "MOSFET over-temperature releases below mos_otpr"},
  {"charge_ocp_releases", InvariantKind::timed_release, AlarmBit::charge_ocp, "charge over-current releases charge_ocp_release after the trip"},
  {"discharge_ocp_releases", InvariantKind::timed_release, AlarmBit::discharge_ocp, "discharge over-current releases discharge_ocp_release after the trip"},
  {"discharge_ocp2_releases", InvariantKind::timed_release, AlarmBit::discharge_ocp2, "stage II releases discharge_ocp_release after the trip"},
  {"discharge_ocp3_releases", InvariantKind::timed_release, AlarmBit::discharge_ocp3, "stage III releases discharge_ocp_release after the trip"},
  {"discharge_scp_releases", InvariantKind::timed_release, AlarmBit::discharge_scp, "a short circuit releases scp_release after the trip, or after the short (a shorted load or a current past the comparator level) is gone when it lasts"},
  {"cell_count_mismatch_releases", InvariantKind::fault_release, AlarmBit::cell_count_mismatch, "the cell-count alarm clears once every balance wire is connected and as many cells read as cell_count says"},
  {"wire_resistance_releases", InvariantKind::fault_release, AlarmBit::wire_resistance, "the wire-resistance alarm clears once every balance wire is connected and measures below wire_resistance_alarm"},
  {"temp_sensor_releases", InvariantKind::fault_release, AlarmBit::temp_sensor, "the temperature-sensor alarm clears once every sensor reads again (no open or shorted probe, every sensor within the NTC's -40..125 C)"},
  {"current_sensor_releases", InvariantKind::fault_release, AlarmBit::current_sensor, "the current-sensor alarm clears once the sensor reads true and no FET is stuck"},
  {"fets_follow_alarms", InvariantKind::fets_follow_alarms, AlarmBit::wire_resistance, "a FET is on exactly when the board is on, its switch (or the emergency switch) is on, no active alarm that switches it off is up and the other FET is not stuck off (the emergency switch overrides that)"},
  {"soc_in_range", InvariantKind::soc_in_range, AlarmBit::wire_resistance, "the state of charge stays within 0..100 %"},
  {"counters_monotonic", InvariantKind::counters_monotonic, AlarmBit::wire_resistance, "cycles, cycle capacity, runtime, power-on count and energy counters never go down, across power cuts too (only reset_counters resets them)"},
  {"settings_survive_power_cut", InvariantKind::settings_survive_cut, AlarmBit::wire_resistance, "after a power cut the board runs with the last acknowledged settings (a write is durable before it is acknowledged)"},
}};
// clang-format on
inline constexpr std::size_t kInvariantCount = kInvariants.size();

// What only the simulator knows: the true temperatures the sensors sit on (cells and board).
struct PlantTruth {
  double coldest_c = 25.0;
  double hottest_c = 25.0;
  // The current through the shunt (A, + = charge): what the front end's short-circuit
  // comparator acts on, whatever the calibration or a failed sensor make the reading say.
  double pack_a = 0.0;
};

// The protections' watched quantities as the Snapshot shows them, indexed by core::Watch
// (nullopt: no valid source).
using Watched = std::array<std::optional<int32_t>, core::kWatchCount>;
// The monotonic counters the checker follows from tick to tick (cycles, capacity, runtime, power-on
// count, charged and discharged energy).
using CounterValues = std::array<int64_t, 6>;

struct Violation {
  std::string invariant;
  double t_s = 0.0;
  std::string detail;
};

// Watches a run tick by tick. The runner tells it about acknowledged settings, saved counters
// and power cuts; it keeps the first violation of each invariant (and a count of all).
class InvariantChecker {
 public:
  explicit InvariantChecker(Milliseconds period);

  void after_tick(Milliseconds now, const core::Snapshot& s, const core::Settings& settings,
                  const WorldState& world, const PlantTruth& truth = {});
  // A settings change was saved (durable) and so acknowledged.
  void settings_acknowledged(const core::Settings& s) { acknowledged_ = s; }
  // The counters record was saved.
  void counters_saved(const core::Counters& c) { saved_counters_ = c; }
  // reset_counters was accepted: the lifetime counters start again.
  void counters_reset();
  // The board lost power; nothing is judged until restored().
  void power_cut();
  // The board booted again from its store with these settings and counters.
  void restored(Milliseconds now, const core::Settings& s, const core::Counters& c);

  [[nodiscard]] const std::vector<Violation>& violations() const { return first_; }
  [[nodiscard]] uint64_t violation_count() const { return count_; }

 private:
  struct Streak {
    bool on = false;
    Milliseconds since{};
    Milliseconds allowance{};  // the longest delay/hold the settings asked for during the streak
  };
  void check_row(std::size_t i, Milliseconds now, const core::Snapshot& s,
                 const core::Settings& settings, const WorldState& world, const PlantTruth& truth);
  void check_trip(std::size_t i, Milliseconds now, const core::Snapshot& s,
                  const core::Settings& settings);
  void check_level_release(std::size_t i, Milliseconds now, const core::Snapshot& s,
                           const core::Settings& settings);
  void check_timed_release(std::size_t i, Milliseconds now, const core::Snapshot& s,
                           const core::Settings& settings, const WorldState& world,
                           const PlantTruth& truth);
  void check_fault_release(std::size_t i, Milliseconds now, const core::Snapshot& s,
                           const core::Settings& settings, const WorldState& world,
                           const PlantTruth& truth);
  void check_fets(std::size_t i, Milliseconds now, const core::Snapshot& s,
                  const core::Settings& settings);
  void note_failed_fets(Milliseconds now, const core::Snapshot& s, const WorldState& world);
  void check_soc(std::size_t i, Milliseconds now, const core::Snapshot& s);
  void check_counters(std::size_t i, Milliseconds now, const core::Snapshot& s);
  // Extends or starts streak i; true when it has lasted longer than its allowance + 1 tick.
  bool overdue(std::size_t i, Milliseconds now, bool condition, Milliseconds allowance);
  void fail(std::size_t i, Milliseconds now, std::string detail);

  Milliseconds period_;
  std::array<Streak, kInvariantCount> streaks_{};
  std::array<bool, kInvariantCount> failed_{};
  std::array<Milliseconds, kInvariantCount> fault_seen_{};  // last time the row's fault was active
  std::array<core::FetFault, 2> failed_fets_{};  // what each MOSFET-fault alarm stands for
  struct StuckSeen {
    Stuck how = Stuck::no;
    std::optional<Milliseconds> at;  // the last tick the world had the FET stuck
  };
  std::array<StuckSeen, 2> stuck_seen_{};
  std::vector<Violation> first_;
  uint64_t count_ = 0;
  bool powered_ = true;
  bool have_previous_ = false;
  struct Previous {  // what the checks need of the last tick's Snapshot
    bool charge_fet = false;
    bool discharge_fet = false;
    CounterValues counters{};
  };
  Previous previous_{};
  Watched watched_{};  // this tick's watched quantities, indexed by core::Watch
  core::Settings last_settings_{};
  core::Settings acknowledged_{};
  core::Counters saved_counters_{};
  bool have_last_settings_ = false;
};

}  // namespace softbms::sim
