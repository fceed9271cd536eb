#include "sim/scenario/invariants.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <optional>
#include <tuple>
#include <utility>

#include "core/protect/fet_monitor.hpp"
#include "core/protect/protection_table.hpp"

namespace softbms::sim {
namespace {

using core::Param;

// Each invariant's protection row (kProtectionCount where it has none), found once at compile
// time rather than searched on every tick.
constexpr std::array<std::size_t, kInvariantCount> kRowOfInvariant = [] {
  std::array<std::size_t, kInvariantCount> rows{};
  for (std::size_t i = 0; i < kInvariantCount; ++i) {
    rows[i] = core::row_of(kInvariants[i].alarm).value_or(core::kProtectionCount);
  }
  return rows;
}();

const core::ProtectionRow& protection_of(std::size_t invariant) {
  return core::kProtections[kRowOfInvariant[invariant]];
}

bool alarm_up(const core::Snapshot& s, AlarmBit bit) {
  return (s.alarms & core::alarm_mask(bit)) != 0;
}

int32_t limit_of(core::Limit l, const core::Settings& s) {
  return l.param == core::kNoParam ? l.fixed : s.raw(l.param);
}

Milliseconds duration_of(core::Duration d, const core::Settings& s) {
  if (d.param == core::kNoParam) return d.fixed;
  const int32_t v = s.raw(d.param);
  return core::info(d.param).unit == core::Unit::s ? Milliseconds(int64_t{v} * 1000)
                                                   : Milliseconds(v);
}

// The watched quantities as the outside sees them in the Snapshot (nullopt: no valid source),
// read once per tick for all rows.
Watched watched_values(const core::Snapshot& s) {
  const bool cells = s.cell_count > 0;
  std::optional<int32_t> hot;
  std::optional<int32_t> cold;
  for (std::size_t i = 1; i < core::kMaxTempSensors; ++i) {
    if ((s.temp_present_mask & (1u << i)) == 0) continue;
    const int32_t t = s.temp[i].count();
    hot = hot ? std::max(*hot, t) : t;
    cold = cold ? std::min(*cold, t) : t;
  }
  const int32_t amps = s.current.count();
  Watched w{};
  const auto set = [&w](core::Watch k, std::optional<int32_t> v) {
    w[static_cast<std::size_t>(k)] = v;
  };
  if (cells) {
    set(core::Watch::cell_max, s.cell_max.count());
    set(core::Watch::cell_min, s.cell_min.count());
    set(core::Watch::pack, s.pack_voltage.count());
  }
  set(core::Watch::charge_current, std::max(amps, 0));
  set(core::Watch::discharge_current, std::max(-amps, 0));
  set(core::Watch::battery_max, hot);
  set(core::Watch::battery_min, cold);
  if ((s.temp_present_mask & 1u) != 0) set(core::Watch::mos_temp, s.temp[core::kMosSensor].count());
  return w;
}

bool beyond(core::Trip t, int32_t value, int32_t limit) {
  return t == core::Trip::above ? value > limit : value < limit;
}
bool back(core::Trip t, int32_t value, int32_t recovery) {
  return t == core::Trip::above ? value < recovery : value > recovery;
}

bool emergency_on(const core::Snapshot& s) {
  return s.emergency_remaining.count() > 0;
}

// Whether an active alarm keeps a FET off, from the protection table and the alarm bits.
struct Blocked {
  bool charge = false;
  bool discharge = false;
};
// `failed`: the kind of failure each FET's MOSFET-fault alarm stands for (charge, discharge).
Blocked blocked_by_alarms(const core::Snapshot& s, const std::array<core::FetFault, 2>& failed) {
  const bool em = emergency_on(s);
  const core::FetBlocks f = core::fet_fault_blocks(failed[0], failed[1], em);
  Blocked b{f.charge, f.discharge};
  for (const core::ProtectionRow& row : core::kProtections) {
    if (!alarm_up(s, row.bit)) continue;
    if (em && row.emergency == core::EmergencyRule::overrides) continue;
    b.charge = b.charge || core::affects_charge(row.effect);
    b.discharge = b.discharge || core::affects_discharge(row.effect);
  }
  return b;
}

// An NTC reads only within -40..125 C (core/measure/ntc.hpp); a probe beyond that reads as
// faulty. A little margin: the probe lags the cell or board it sits on.
constexpr double kNtcLowC = -39.0;
constexpr double kNtcHighC = 124.0;

// Whether the world (or the pack itself) has a cause now that can raise the row's alarm.
bool fault_active(AlarmBit bit, const WorldState& w, const core::Snapshot& s,
                  const core::Settings& settings, const PlantTruth& truth) {
  const bool sensor =
      std::any_of(w.sensor_fault.begin(), w.sensor_fault.end(), [](uint8_t f) { return f != 0; });
  const bool stuck = w.charge_fet != Stuck::no || w.discharge_fet != Stuck::no;
  switch (bit) {
    case AlarmBit::cell_count_mismatch:
      // A cell run down to nothing reads as no cell, as on a real board.
      return w.open_leads != 0 || s.cell_count != settings.cells();
    case AlarmBit::wire_resistance:
      // A wire may really measure above a low wire_resistance_alarm.
      return w.open_leads != 0 || s.wire_alarm_mask != 0;
    case AlarmBit::temp_sensor:
      return sensor || truth.coldest_c < kNtcLowC || truth.hottest_c > kNtcHighC;
    case AlarmBit::current_sensor:
      return w.current_sensor_failed || stuck;
    default:
      return false;
  }
}

// After its fault is gone, a fault input needs a measurement or two to read true again
// (the wire test, the NTC filter) before the release hold starts.
constexpr Milliseconds kFaultSettle{2000};

struct CounterView {
  const char* name;
  int64_t (*get)(const core::Snapshot&);
};
// clang-format off
constexpr CounterView kCounterViews[] = {
  {"cycles", [](const core::Snapshot& s) { return int64_t{s.cycles}; }},
  {"cycle_capacity", [](const core::Snapshot& s) { return int64_t{s.cycle_capacity.count()}; }},
  {"runtime", [](const core::Snapshot& s) { return int64_t{s.runtime.count()}; }},
  {"power_on_count", [](const core::Snapshot& s) { return int64_t{s.power_on_count}; }},
  {"charged_energy", [](const core::Snapshot& s) { return int64_t{s.charged_energy.count()}; }},
  {"discharged_energy", [](const core::Snapshot& s) { return int64_t{s.discharged_energy.count()}; }},
};
// clang-format on

static_assert(std::size(kCounterViews) == std::tuple_size_v<CounterValues>);

CounterValues counter_values(const core::Snapshot& s) {
  CounterValues v{};
  for (std::size_t k = 0; k < v.size(); ++k) v[k] = kCounterViews[k].get(s);
  return v;
}

constexpr std::size_t row_of_kind(InvariantKind k) {
  for (std::size_t i = 0; i < kInvariantCount; ++i) {
    if (kInvariants[i].kind == k) return i;
  }
  return kInvariantCount;
}
static_assert(row_of_kind(InvariantKind::settings_survive_cut) < kInvariantCount);
static_assert(row_of_kind(InvariantKind::counters_monotonic) < kInvariantCount);

std::string fet_words(bool charge, bool discharge) {
  return std::string("charge ") + (charge ? "on" : "off") + ", discharge " +
         (discharge ? "on" : "off");
}

}  // namespace

InvariantChecker::InvariantChecker(Milliseconds period) : period_(period) {}

void InvariantChecker::fail(std::size_t i, Milliseconds now, std::string detail) {
  ++count_;
  if (failed_[i]) return;
  failed_[i] = true;
  first_.push_back({std::string(kInvariants[i].name), static_cast<double>(now.count()) / 1000.0,
                    std::move(detail)});
}

bool InvariantChecker::overdue(std::size_t i, Milliseconds now, bool condition,
                               Milliseconds allowance) {
  Streak& st = streaks_[i];
  if (!condition) {
    st.on = false;
    return false;
  }
  if (!st.on) {
    st = Streak{true, now, allowance};
    return false;
  }
  st.allowance = std::max(st.allowance, allowance);
  return now - st.since > st.allowance + period_;
}

void InvariantChecker::counters_reset() {
  have_previous_ = false;
}

void InvariantChecker::power_cut() {
  powered_ = false;
}

void InvariantChecker::restored(Milliseconds now, const core::Settings& s,
                                const core::Counters& c) {
  powered_ = true;
  for (Streak& st : streaks_) st.on = false;
  failed_fets_ = {};
  stuck_seen_ = {};
  have_last_settings_ = false;
  constexpr std::size_t settings_row = row_of_kind(InvariantKind::settings_survive_cut);
  if (!(s == acknowledged_)) {
    std::string diff;
    for (const core::ParamInfo& p : core::kParams) {
      if (s.raw(p.id) != acknowledged_.raw(p.id)) {
        diff += std::string(diff.empty() ? "" : ", ") + std::string(p.name) + " " +
                std::to_string(s.raw(p.id)) + " instead of " +
                std::to_string(acknowledged_.raw(p.id));
      }
    }
    if (diff.empty()) diff = "chemistry or model differ";
    fail(settings_row, now, "restored settings differ from the last acknowledged: " + diff);
  }
  constexpr std::size_t counters_row = row_of_kind(InvariantKind::counters_monotonic);
  const struct {
    const char* name;
    int64_t was, is;
  } checks[] = {
      {"cycles", saved_counters_.cycles, c.cycles},
      {"power_on_count", saved_counters_.power_on_count, c.power_on_count},
      {"discharged", saved_counters_.discharged.count(), c.discharged.count()},
      {"runtime", saved_counters_.runtime.count(), c.runtime.count()},
      {"charged_energy", saved_counters_.charged.total.count(), c.charged.total.count()},
      {"discharged_energy", saved_counters_.discharged_energy.total.count(),
       c.discharged_energy.total.count()},
  };
  for (const auto& k : checks) {
    if (k.is < k.was) {
      fail(counters_row, now,
           std::string(k.name) + " restored as " + std::to_string(k.is) + ", saved " +
               std::to_string(k.was));
    }
  }
  have_previous_ = false;
}

void InvariantChecker::after_tick(Milliseconds now, const core::Snapshot& s,
                                  const core::Settings& settings, const WorldState& world,
                                  const PlantTruth& truth) {
  if (!powered_) return;
  // A change of settings starts every delay and hold again: the core may measure them from
  // the change, and the checker must not call that late.
  if (have_last_settings_ && !(settings == last_settings_)) {
    for (Streak& st : streaks_) st.on = false;
  }
  last_settings_ = settings;
  have_last_settings_ = true;
  note_failed_fets(now, s, world);
  watched_ = watched_values(s);
  for (std::size_t i = 0; i < kInvariantCount; ++i) check_row(i, now, s, settings, world, truth);
  previous_ = {s.charge_fet, s.discharge_fet, counter_values(s)};
  have_previous_ = true;
}

// The kind of failure behind a MOSFET-fault alarm comes from the world, not from the core: how
// the FET was stuck most recently within the evidence window before the alarm rose (the core
// needs kFetFaultDelay of evidence and reads the FETs a tick late, so a short fault may be gone
// by the time the alarm rises: campaign seed 12, run 2285), kept while the alarm stays up (the
// core latches it until the FET is seen working). A stuck FET counts only where the core can
// see it: stuck off while it commands the FET on (this tick or the last, as it reads a tick
// late), stuck on while it commands it off. A FET stuck off that the core holds off anyway looks
// healthy; an alarm with no visible stuck FET in the window (a failed current sensor's reading
// looks like a shorted FET's current: campaign seed 1, runs 931083, 97048 and six more) counts
// as stuck on, the kind that opens nothing.
void InvariantChecker::note_failed_fets(Milliseconds now, const core::Snapshot& s,
                                        const WorldState& world) {
  const std::array<std::pair<AlarmBit, Stuck>, 2> fets = {
      {{AlarmBit::charge_mos_fault, world.charge_fet},
       {AlarmBit::discharge_mos_fault, world.discharge_fet}}};
  const std::array<bool, 2> now_on = {s.charge_fet, s.discharge_fet};
  const std::array<bool, 2> was_on = {have_previous_ && previous_.charge_fet,
                                      have_previous_ && previous_.discharge_fet};
  const Milliseconds window = core::kFetFaultDelay + period_ * 2;
  for (std::size_t f = 0; f < fets.size(); ++f) {
    const bool commanded_on = now_on[f] || was_on[f];
    const bool commanded_off = !now_on[f] || !was_on[f];
    const bool visible = (fets[f].second == Stuck::off && commanded_on) ||
                         (fets[f].second == Stuck::on && commanded_off);
    if (visible) stuck_seen_[f] = {fets[f].second, now};
    core::FetFault& kind = failed_fets_[f];
    if (!alarm_up(s, fets[f].first)) {
      kind = core::FetFault::none;
    } else if (kind == core::FetFault::none) {
      const bool recent = stuck_seen_[f].at.has_value() && now - *stuck_seen_[f].at <= window;
      kind = recent && stuck_seen_[f].how == Stuck::off ? core::FetFault::stuck_off
                                                        : core::FetFault::stuck_on;
    }
  }
}

void InvariantChecker::check_row(std::size_t i, Milliseconds now, const core::Snapshot& s,
                                 const core::Settings& settings, const WorldState& world,
                                 const PlantTruth& truth) {
  switch (kInvariants[i].kind) {
    case InvariantKind::trips_in_time:
      return check_trip(i, now, s, settings);
    case InvariantKind::level_release:
      return check_level_release(i, now, s, settings);
    case InvariantKind::timed_release:
      return check_timed_release(i, now, s, settings, world, truth);
    case InvariantKind::fault_release:
      return check_fault_release(i, now, s, settings, world, truth);
    case InvariantKind::fets_follow_alarms:
      return check_fets(i, now, s, settings);
    case InvariantKind::soc_in_range:
      return check_soc(i, now, s);
    case InvariantKind::counters_monotonic:
      return check_counters(i, now, s);
    case InvariantKind::settings_survive_cut:
      return;  // judged in restored()
  }
}

void InvariantChecker::check_trip(std::size_t i, Milliseconds now, const core::Snapshot& s,
                                  const core::Settings& settings) {
  const core::ProtectionRow& row = protection_of(i);
  const std::optional<int32_t> value = watched_[static_cast<std::size_t>(row.watch)];
  const bool enabled = row.enabled == core::kNoParam || settings.on(row.enabled);
  const int32_t limit = limit_of(row.threshold, settings);
  // While the row's alarm is up its FET is already off by rule (fets_follow_alarms); after a
  // timed release the delay runs again from the release, so the streak starts there too.
  const bool out = enabled && value && beyond(row.trip, *value, limit) && !alarm_up(s, row.bit);
  if (!overdue(i, now, out, duration_of(row.delay, settings))) return;
  if (emergency_on(s) && row.emergency == core::EmergencyRule::overrides) return;
  const bool fet_on = (core::affects_charge(row.effect) && s.charge_fet) ||
                      (core::affects_discharge(row.effect) && s.discharge_fet);
  if (!fet_on) return;
  fail(i, now,
       std::string(row.name) + ": value " + std::to_string(*value) + " beyond " +
           std::to_string(limit) + " for " + std::to_string((now - streaks_[i].since).count()) +
           " ms (delay " + std::to_string(streaks_[i].allowance.count()) +
           " ms) with the FET still on (" + fet_words(s.charge_fet, s.discharge_fet) + ")");
}

void InvariantChecker::check_level_release(std::size_t i, Milliseconds now, const core::Snapshot& s,
                                           const core::Settings& settings) {
  const core::ProtectionRow& row = protection_of(i);
  const std::optional<int32_t> value = watched_[static_cast<std::size_t>(row.watch)];
  const int32_t recovery = limit_of(row.release.level, settings);
  const bool clear = !value || back(row.trip, *value, recovery);
  if (!overdue(i, now, alarm_up(s, row.bit) && clear, duration_of(row.release.after, settings)))
    return;
  fail(i, now,
       std::string(row.name) + " still up " + std::to_string((now - streaks_[i].since).count()) +
           " ms after the value (" + (value ? std::to_string(*value) : std::string("none")) +
           ") went back past the recovery level " + std::to_string(recovery));
}

void InvariantChecker::check_timed_release(std::size_t i, Milliseconds now, const core::Snapshot& s,
                                           const core::Settings& settings, const WorldState& world,
                                           const PlantTruth& truth) {
  const core::ProtectionRow& row = protection_of(i);
  // A row that retries its release while the cause lasts (a short circuit) counts from the
  // moment the cause is gone.
  // A short is a shorted load or any current past the front end's comparator level (a heavy
  // load through a discharge FET stuck on). The comparator acts on the current through the
  // shunt in either direction, not on the reading, which a current calibration or a failed
  // sensor may make smaller (campaign seed 1, runs 110080, 693013, 657044, 419087).
  const double scp_a =
      static_cast<double>(core::model(settings.model_id()).scp_current.count()) / 1000.0;
  const bool short_now = world.short_active || std::fabs(truth.pack_a) >= scp_a;
  const bool cause_lasts = row.release_failed.has_value() && short_now;
  if (!overdue(i, now, alarm_up(s, row.bit) && !cause_lasts,
               duration_of(row.release.after, settings)))
    return;
  fail(i, now,
       std::string(row.name) + " still up " + std::to_string((now - streaks_[i].since).count()) +
           " ms after its trip (release time " + std::to_string(streaks_[i].allowance.count()) +
           " ms)");
}

void InvariantChecker::check_fault_release(std::size_t i, Milliseconds now, const core::Snapshot& s,
                                           const core::Settings& settings, const WorldState& world,
                                           const PlantTruth& truth) {
  const core::ProtectionRow& row = protection_of(i);
  if (fault_active(row.bit, world, s, settings, truth)) fault_seen_[i] = now;
  const bool settled = now - fault_seen_[i] > kFaultSettle;
  if (!overdue(i, now, alarm_up(s, row.bit) && settled, row.release.after.fixed)) return;
  fail(i, now,
       std::string(row.name) + " still up " + std::to_string((now - streaks_[i].since).count()) +
           " ms after its fault was gone (and settled)");
}

void InvariantChecker::check_fets(std::size_t i, Milliseconds now, const core::Snapshot& s,
                                  const core::Settings& settings) {
  const bool on = s.power_state == core::PowerState::on;
  const bool em = emergency_on(s);
  const Blocked b = blocked_by_alarms(s, failed_fets_);
  const bool charge = on && (em || settings.on(Param::charge_enabled)) && !b.charge;
  // While the precharge resistor charges the load's capacitors (precharge_time), the discharge
  // FET waits.
  const bool discharge =
      on && (em || settings.on(Param::discharge_enabled)) && !b.discharge && !s.precharge;
  if (charge == s.charge_fet && discharge == s.discharge_fet) return;
  fail(
      i, now,
      "FETs " + fet_words(s.charge_fet, s.discharge_fet) + ", the alarms (0x" +
          [&] {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%08x", s.alarms);
            return std::string(buf);
          }() +
          "), switches and power state demand " + fet_words(charge, discharge));
}

void InvariantChecker::check_soc(std::size_t i, Milliseconds now, const core::Snapshot& s) {
  if (s.soc_permille >= 0 && s.soc_permille <= 1000 && s.soc_percent <= 100) return;
  fail(i, now,
       "SOC " + std::to_string(s.soc_percent) + " % (" + std::to_string(s.soc_permille) +
           " per mille)");
}

void InvariantChecker::check_counters(std::size_t i, Milliseconds now, const core::Snapshot& s) {
  if (!have_previous_) return;
  for (std::size_t k = 0; k < previous_.counters.size(); ++k) {
    const int64_t was = previous_.counters[k];
    const int64_t is = kCounterViews[k].get(s);
    if (is < was) {
      fail(i, now,
           std::string(kCounterViews[k].name) + " went down from " + std::to_string(was) + " to " +
               std::to_string(is));
      return;
    }
  }
}

}  // namespace softbms::sim
