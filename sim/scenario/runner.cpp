#include "sim/scenario/runner.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/bms/persistence.hpp"
#include "core/io/alarm.hpp"
#include "core/io/event.hpp"
#include "core/store/layout.hpp"
#include "core/store/store.hpp"
#include "sim/loop/closed_loop.hpp"

namespace softbms::sim {
namespace {

int64_t msec(double s) {
  return std::llround(s * 1000.0);
}
double secs(Milliseconds t) {
  return static_cast<double>(t.count()) / 1000.0;
}

// The open-circuit SOC at which a cell reads target_v: bisection on the plant's own OCV, so the
// spread is exact whatever the chemistry's curve (clamped to the curve's ends).
double soc_for_ocv(Pack& pack, int cell, double target_v) {
  double lo = -0.05;
  double hi = 1.05;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    pack.set_soc(cell, mid);
    (pack.ocv_v(cell) < target_v ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

void set_initial_socs(const PackSpec& spec, Pack& pack) {
  const int n = pack.cells();
  if (!spec.cell_soc_percent.empty()) {
    const int given = std::min(n, static_cast<int>(spec.cell_soc_percent.size()));
    for (int k = 0; k < given; ++k) pack.set_soc(k, spec.cell_soc_percent[k] / 100.0);
    return;
  }
  if (spec.spread_mv <= 0.0) return;
  pack.set_soc(0, spec.soc_percent / 100.0);
  const double centre_v = pack.ocv_v(0);
  for (int k = 0; k < n; ++k) {
    const double share = n > 1 ? static_cast<double>(k) / (n - 1) - 0.5 : 0.0;
    pack.set_soc(k, soc_for_ocv(pack, k, centre_v + share * spec.spread_mv / 1000.0));
  }
}

double mean_soc_percent(const Pack& pack) {
  double sum = 0.0;
  for (int k = 0; k < pack.cells(); ++k) sum += pack.soc(k);
  return 100.0 * sum / pack.cells();
}

Profile ambient_profile(const AmbientSpec& a) {
  if (a.daily) return daily_ambient(a.mean_c, a.amplitude_c);
  return Profile{{0.0}, {a.constant_c}, false, 0.0};
}

Inverter inverter_for(const InverterSpec& v, double t0) {
  Inverter inv;
  inv.start_s = t0;
  // The solar-day shape serves for power as well as for current: a half sine of the peak.
  inv.pv_w = solar_current_day(v.pv_peak_w, v.sunrise_h, v.sunset_h);
  inv.house_w = house_load_day(v.base_w, v.peak_w);
  inv.clock_at_start_s = v.start_h * 3600.0;
  inv.max_charge_a = v.max_charge_a;
  inv.max_discharge_a = v.max_discharge_a;
  inv.follow_limits = v.follow_limits;
  inv.charge_voltage_v = v.charge_voltage_v;
  inv.cutoff_v = v.cutoff_v;
  inv.restart_v = v.restart_v;
  inv.link_period_s = v.link_period_s;
  inv.wake_a = v.wake_a;
  return inv;
}

// The world of one step: everything it asks for starts at the step's start and lasts until the
// next step replaces the world. Faults keep their absolute times.
World world_for(const Scenario& sc, const StepSpec& s, double t0) {
  World w;
  w.set_ambient(s.ambient_c ? Profile{{0.0}, {*s.ambient_c}, false, 0.0}
                            : ambient_profile(sc.ambient));
  for (const auto& f : sc.faults) w.add_fault(f.fault);
  // The scenario's sign is + = charge; the world's loads are + = discharge.
  if (s.current_a) w.add_load({t0, kForever, LoadKind::current, -*s.current_a, {}});
  if (s.power_w) w.add_load({t0, kForever, LoadKind::power, -*s.power_w, {}});
  if (s.resistance_ohm) w.add_load({t0, kForever, LoadKind::resistance, *s.resistance_ohm, {}});
  if (s.charger) w.add_charger({t0, kForever, s.charger->voltage_v, s.charger->current_a, {}});
  if (s.solar_day) {
    w.add_solar_day(s.solar_day->pv_peak_a, s.solar_day->cv_v, s.solar_day->base_w,
                    s.solar_day->peak_w, t0);
  }
  if (s.inverter) w.set_inverter(inverter_for(*s.inverter, t0));
  for (const auto& a : s.actions) {
    if (a.button)
      w.press_button(t0, t0 + std::max(kButtonPressS, 2 * sc.period_s));  // seen by a tick
  }
  if (s.profile) {
    Profile p = s.profile->profile;
    if (s.profile->charge_positive) {
      for (double& v : p.value) v = -v;
    }
    w.add_load({t0, kForever, s.profile->kind, 0.0, p});
  }
  return w;
}

RunEvent to_run_event(const core::Event& e, double t_s) {
  RunEvent r{t_s, std::string(core::kEventNames[static_cast<std::size_t>(e.type)]), "event",
             e.value};
  switch (e.type) {
    case core::EventType::protection_trip:
    case core::EventType::protection_release:
      if (e.arg < core::kAlarms.size()) r.name = std::string(core::kAlarms[e.arg].name);
      r.state = e.type == core::EventType::protection_trip ? "trip" : "release";
      break;
    case core::EventType::switch_changed:
    case core::EventType::setting_changed:
      if (e.arg < core::kParamCount) r.name = std::string(core::kParams[e.arg].name);
      r.state = e.type == core::EventType::setting_changed ? "set" : (e.value != 0 ? "on" : "off");
      break;
    case core::EventType::emergency_started:
    case core::EventType::emergency_ended:
      r.name = "emergency";
      r.state = e.type == core::EventType::emergency_started ? "start" : "end";
      break;
    default:
      break;
  }
  return r;
}

// The board's flash as RAM that can lose its supply: after `budget` bytes erased or written the
// rest of the operation does not happen (the byte being programmed keeps only some of its new
// zero bits; an erase leaves the rest of its range as it was) and every later access fails,
// until the power comes back.
class FlashWithSupply final : public core::Medium {
 public:
  FlashWithSupply() : bytes_(core::kStoreSize, core::kErasedByte), flash_(bytes_, kPage) {}
  void cut_after(int64_t budget) { budget_ = budget; }
  void power_back() {
    budget_ = -1;
    dead_ = false;
  }
  [[nodiscard]] bool dead() const { return dead_; }

  [[nodiscard]] std::size_t size() const override { return flash_.size(); }
  [[nodiscard]] std::size_t erase_unit() const override { return flash_.erase_unit(); }
  Status read(std::size_t offset, std::span<uint8_t> out) override {
    if (dead_) return Errc::bad_state;
    return flash_.read(offset, out);
  }
  Status write(std::size_t offset, std::span<const uint8_t> data) override {
    if (dead_) return Errc::bad_state;
    const std::size_t n = take(data.size());
    if (Status st = flash_.write(offset, data.first(n)); !st.ok()) return st;
    if (n == data.size()) return ok_status();
    bytes_[offset + n] &= static_cast<uint8_t>(data[n] | 0xF0);
    return Errc::bad_state;
  }
  Status erase(std::size_t offset, std::size_t length) override {
    if (dead_) return Errc::bad_state;
    const std::size_t n = take(length);
    if (n == length) return flash_.erase(offset, length);
    std::fill_n(bytes_.begin() + static_cast<std::ptrdiff_t>(offset), n, core::kErasedByte);
    return Errc::bad_state;
  }

 private:
  static constexpr std::size_t kPage = 4096;
  // How many of n bytes happen before the supply goes; marks the medium dead when it goes.
  std::size_t take(std::size_t n) {
    if (budget_ < 0) return n;
    if (static_cast<int64_t>(n) <= budget_) {
      budget_ -= static_cast<int64_t>(n);
      return n;
    }
    const auto done = static_cast<std::size_t>(budget_);
    budget_ = 0;
    dead_ = true;
    return done;
  }
  std::vector<uint8_t> bytes_;
  core::MemoryMedium flash_;
  int64_t budget_ = -1;  // < 0: the supply holds
  bool dead_ = false;
};

bool has_power_cut(const Scenario& sc) {
  return std::any_of(sc.steps.begin(), sc.steps.end(),
                     [](const StepSpec& s) { return s.power_cut.has_value(); });
}

class Runner {
 public:
  Runner(const Scenario& sc, const core::Settings& settings, const Progress& progress)
      : progress_(progress),
        sc_(sc),
        initial_settings_(settings),
        loop_(scenario_pack(sc, settings), World{}, settings, Milliseconds(msec(sc.period_s))) {
    set_initial_socs(sc.pack, loop_.plant().pack());
    if (sc.check_invariants) {
      checker_ = std::make_unique<InvariantChecker>(loop_.period());
      checker_->settings_acknowledged(settings);
      checker_->counters_saved(loop_.bms().counters());
      out_.invariants_checked = true;
    }
    if (has_power_cut(sc)) {
      flash_ = std::make_unique<FlashWithSupply>();
      store_ = std::make_unique<core::Store>(*flash_);
      save(core::kDirtySettings | core::kDirtyCounters | core::kDirtyEvents |
           core::kDirtyPasswords | core::kDirtyDevice);
    }
    seen_events_ = loop_.bms().events().total();
    out_.seed = sc.pack.seed;
    const Pack& pack = loop_.plant().pack();
    out_.stats.true_soc_initial = mean_soc_percent(pack);
    out_.stats.true_soc_min = out_.stats.true_soc_max = out_.stats.true_soc_initial;
    out_.capacity_ah_true = pack.capacity_ah(0);
    for (int k = 1; k < pack.cells(); ++k)
      out_.capacity_ah_true = std::min(out_.capacity_ah_true, pack.capacity_ah(k));
    define_columns();
  }

  [[nodiscard]] double total_seconds() const {
    double total = 0.0;
    for (const auto& s : sc_.steps) total += s.duration_s ? *s.duration_s : s.max_s;
    return total;
  }

  RunResult run() {
    for (std::size_t i = 0; i < sc_.steps.size(); ++i) run_step(sc_.steps[i], i);
    if (out_.recording.rows.empty() || out_.recording.rows.back()[0] != secs(loop_.now())) record();
    finish();
    return std::move(out_);
  }

 private:
  void run_step(const StepSpec& s, std::size_t index) {
    const Milliseconds t0 = loop_.now();
    loop_.plant().world() = world_for(sc_, s, secs(t0));
    feed_inverter();
    step_first_event_ = out_.events.size();
    if (s.power_cut && s.power_cut->torn_bytes) flash_->cut_after(*s.power_cut->torn_bytes);
    for (const auto& a : s.actions) {
      if (a.button) continue;               // the world holds it (world_for)
      if (flash_ && flash_->dead()) break;  // the supply went while saving the change before
      give(a, t0);
    }
    collect_events();
    if (s.power_cut) power_cut(*s.power_cut);
    StepResult r{s.label.empty() ? "step " + std::to_string(index + 1) : s.label,
                 s.line,
                 secs(t0),
                 0.0,
                 StepEnd::time,
                 s.allow_limit};
    if (s.duration_s) {
      const Milliseconds end = t0 + Milliseconds(msec(*s.duration_s));
      while (loop_.now() < end) tick();
    } else {
      const Milliseconds limit = t0 + Milliseconds(msec(s.max_s));
      r.ended = StepEnd::limit;
      while (loop_.now() < limit) {
        if (holds(*s.until, probe(t0))) {
          r.ended = StepEnd::condition;
          break;
        }
        tick();
      }
      if (r.ended == StepEnd::limit && holds(*s.until, probe(t0))) r.ended = StepEnd::condition;
    }
    r.end_s = secs(loop_.now());
    out_.steps.push_back(std::move(r));
  }

  // A command as an endpoint gives it: a change of settings is saved before it is acknowledged.
  void give(const ActionSpec& a, Milliseconds now) {
    core::Bms& bms = loop_.bms();
    if (!bms.apply(a.command, now).ok()) {
      out_.events.push_back({secs(now), a.text, "rejected", 0});
      return;
    }
    if (a.command.kind == core::CommandKind::reset_counters && checker_) checker_->counters_reset();
    if ((bms.dirty() & core::kDirtySettings) != 0 && store_) {
      if (!save(core::kDirtySettings)) out_.events.push_back({secs(now), a.text, "unsaved", 0});
      return;
    }
    if (checker_ && !store_) checker_->settings_acknowledged(bms.settings());
  }

  // Saves records; true when every one is durable. Tells the checker what is now acknowledged.
  bool save(uint8_t which) {
    if (which == 0) return true;
    core::Bms& bms = loop_.bms();
    const Status st = core::save_records(bms, *store_, which);
    if (!st.ok() || !checker_) return st.ok();
    if ((which & core::kDirtySettings) != 0) checker_->settings_acknowledged(bms.settings());
    if ((which & core::kDirtyCounters) != 0) checker_->counters_saved(bms.counters());
    return true;
  }

  // The board's supply goes for cut.off_s: the plant runs with every output off, then the board
  // boots as a real one does, from its preset and what its store holds.
  void power_cut(const PowerCutSpec& cut) {
    ++out_.power_cuts;
    out_.events.push_back({secs(loop_.now()), "power_cut", "event", 0});
    if (checker_) checker_->power_cut();
    const Milliseconds back = loop_.now() + Milliseconds(msec(cut.off_s));
    while (loop_.now() < back) loop_.tick_unpowered();
    flash_->power_back();
    core::Bms& bms = loop_.bms();
    bms = core::Bms(initial_settings_);
    (void)core::load_records(bms, *store_);
    seen_events_ = bms.events().total();
    bms.boot(loop_.now());
    collect_events();
    out_.events.push_back({secs(loop_.now()), "power_restored", "event", 0});
    if (checker_) checker_->restored(loop_.now(), bms.settings(), bms.counters());
  }

  Probe probe(Milliseconds step_start) {
    Probe p;
    p.snapshot = &loop_.bms().snapshot();
    p.t_s = secs(loop_.now());
    p.step_s = secs(loop_.now() - step_start);
    p.true_soc = true_soc_;
    p.true_max_cell_c = true_max_c_;
    p.true_min_cell_c = true_min_c_;
    p.events = &out_.events;
    p.step_first_event = step_first_event_;
    return p;
  }

  // The inverter receives the limits of the tick that just ended and acts on them during the
  // next one: one tick behind the BMS, as over a CAN link.
  void feed_inverter() {
    World& w = loop_.plant().world();
    if (!w.has_inverter()) return;
    // A sleeping board's CAN is off: no frames, and after a while the inverter counts it gone.
    if (loop_.bms().snapshot().power_state == core::PowerState::sleeping) {
      w.update_inverter_silent(secs(loop_.now()), loop_.plant().terminal_voltage_v());
      return;
    }
    w.update_inverter(secs(loop_.now()), inverter_limits_of(loop_.bms().charge_control()),
                      loop_.plant().terminal_voltage_v());
  }

  void tick() {
    loop_.tick();
    if (progress_ && (loop_.ticks() & kProgressTicks) == 0) progress_(secs(loop_.now()), total_s_);
    feed_inverter();
    collect_events();
    if (store_) save(loop_.bms().dirty());
    if (checker_) {
      const Plant& plant = loop_.plant();
      // An NTC reads out of range by its probe's temperature, which lags the board or cell it
      // sits on (campaign seed 1, run 333257: a MOSFET at 125 C after a 400 A short through a
      // stuck FET cooled below the range seconds before its probe did).
      const Sensors& ntcs = plant.sensors();
      PlantTruth truth{ntcs.sensor_temp_c(0), ntcs.sensor_temp_c(0), plant.pack_current_a()};
      for (int j = 1; j < ntcs.ntc_count(); ++j) {
        truth.coldest_c = std::min(truth.coldest_c, ntcs.sensor_temp_c(j));
        truth.hottest_c = std::max(truth.hottest_c, ntcs.sensor_temp_c(j));
      }
      checker_->after_tick(loop_.now(), loop_.bms().snapshot(), loop_.bms().settings(),
                           plant.world().at(plant.time_s()), truth);
    }
    update_stats();
    if (loop_.now().count() >= next_record_ms_) {
      record();
      next_record_ms_ += std::max<int64_t>(1, msec(sc_.record_s));
    }
  }

  // New entries of the core's event log, stamped with the tick in which the core logged them.
  void collect_events() {
    const core::EventLog& log = loop_.bms().events();
    const uint32_t fresh = log.total() - seen_events_;
    seen_events_ = log.total();
    const std::size_t count = std::min<std::size_t>(fresh, log.size());
    for (std::size_t i = log.size() - count; i < log.size(); ++i) {
      out_.events.push_back(to_run_event(log[i], secs(loop_.now())));
      if (out_.events.back().state == "trip") ++out_.stats.protection_trips;
    }
  }

  void update_stats() {
    const core::Snapshot& s = loop_.bms().snapshot();
    const Pack& pack = loop_.plant().pack();
    const double t = secs(loop_.now());
    const double dt = sc_.period_s;
    RunStats& st = out_.stats;
    true_soc_ = mean_soc_percent(pack);
    true_max_c_ = -1e9;
    true_min_c_ = 1e9;
    for (int k = 0; k < pack.cells(); ++k) {
      true_max_c_ = std::max(true_max_c_, pack.temperature_c(k));
      true_min_c_ = std::min(true_min_c_, pack.temperature_c(k));
    }
    const bool first = loop_.ticks() == 1;
    st.true_soc_min = std::min(st.true_soc_min, true_soc_);
    st.true_soc_max = std::max(st.true_soc_max, true_soc_);
    st.true_cell_min_c = first ? true_min_c_ : std::min(st.true_cell_min_c, true_min_c_);
    st.true_cell_max_c = first ? true_max_c_ : std::max(st.true_cell_max_c, true_max_c_);
    update_cells(s, t, first);
    update_temps(s, first);
    update_spread(s, t, first);
    update_charge(s, first);
    update_inverter(dt);
    if (s.balance_state != core::BalanceState::off) st.balancing_s += dt;
    if (s.heater) st.heater_on_s += dt;
    if (!s.charge_fet) st.charge_fet_off_s += dt;
    if (!s.discharge_fet) st.discharge_fet_off_s += dt;
  }

  void update_cells(const core::Snapshot& s, double t, bool first) {
    RunStats& st = out_.stats;
    if (first || s.cell_max.count() > st.max_cell_mv) {
      st.max_cell_mv = s.cell_max.count();
      st.max_cell_t_s = t;
      st.max_cell = s.cell_max_index + 1;
    }
    if (first || s.cell_min.count() < st.min_cell_mv) {
      st.min_cell_mv = s.cell_min.count();
      st.min_cell_t_s = t;
      st.min_cell = s.cell_min_index + 1;
    }
  }

  void update_temps(const core::Snapshot& s, bool first) {
    RunStats& st = out_.stats;
    for (std::size_t i = 1; i < core::kMaxTempSensors; ++i) {
      if ((s.temp_present_mask & (1u << i)) == 0) continue;
      const double c = s.temp[i].count() / 10.0;
      st.temp_min_c = first && !temps_seen_ ? c : std::min(st.temp_min_c, c);
      st.temp_max_c = first && !temps_seen_ ? c : std::max(st.temp_max_c, c);
      temps_seen_ = true;
    }
  }

  void update_spread(const core::Snapshot& s, double t, bool first) {
    RunStats& st = out_.stats;
    const int32_t spread = s.cell_delta.count();
    if (first) st.spread_initial_mv = spread;
    st.spread_max_mv = std::max(st.spread_max_mv, spread);
    if (spread >= sc_.spread_bound_mv) {
      below_since_ = -1.0;
      return;
    }
    if (below_since_ < 0) below_since_ = t;
    if (st.spread_below_at_s < 0 && t - below_since_ >= sc_.spread_hold_s)
      st.spread_below_at_s = below_since_;
  }

  void update_charge(const core::Snapshot& s, bool first) {
    RunStats& st = out_.stats;
    const double dt = sc_.period_s;
    if (s.charge_stage == core::ChargeStage::absorption) st.absorption_s += dt;
    if (s.charge_stage == core::ChargeStage::floating) st.float_s += dt;
    const double cvl = s.charge_voltage_limit.count() / 1000.0;
    st.cvl_min_v = first ? cvl : std::min(st.cvl_min_v, cvl);
    st.cvl_max_v = std::max(st.cvl_max_v, cvl);
    st.ccl_max_a = std::max(st.ccl_max_a, s.charge_current_limit.count() / 1000.0);
    st.dcl_max_a = std::max(st.dcl_max_a, s.discharge_current_limit.count() / 1000.0);
    const double amps = s.current.count() / 1000.0;
    st.max_charge_a = std::max(st.max_charge_a, amps);
    st.max_discharge_a = std::max(st.max_discharge_a, -amps);
  }

  // The house, PV and the grid at the end of the tick, held over the tick.
  void update_inverter(double dt) {
    const Plant& plant = loop_.plant();
    const InverterFlow f = plant.world().at(plant.time_s()).inverter;
    if (!f.present) return;
    InverterTotals& t = out_.inverter;
    const double h = dt / 3600.0;
    t.present = true;
    t.pv_wh += f.pv_w * h;
    t.house_wh += f.house_w * h;
    const double grid_w = grid_power_w(f);
    (grid_w > 0 ? t.grid_import_wh : t.grid_export_wh) += std::abs(grid_w) * h;
  }

  [[nodiscard]] double grid_power_w(const InverterFlow& f) const {
    const Plant& plant = loop_.plant();
    return f.house_w - f.pv_w + plant.terminal_voltage_v() * plant.pack_current_a();
  }

  void define_columns() {
    auto& c = out_.recording.columns;
    c = {"t_s",          "pack_v",      "current_a",   "soc_pct",
         "true_soc_pct", "min_cell_mv", "max_cell_mv", "spread_mv"};
    for (int k = 1; k <= loop_.plant().pack().cells(); ++k)
      c.push_back("cell" + std::to_string(k) + "_mv");
    c.push_back("mos_c");
    for (int k = 1; k <= loop_.plant().config().battery_sensors; ++k)
      c.push_back("t" + std::to_string(k) + "_c");
    for (const char* name : {"true_cell_min_c", "true_cell_max_c", "ambient_c", "charge_fet",
                             "discharge_fet", "balancing", "balance_current_a", "heater", "asleep",
                             "alarms", "cvl_v", "ccl_a", "dcl_a", "charge_stage"}) {
      c.push_back(name);
    }
    const bool inverter = std::any_of(sc_.steps.begin(), sc_.steps.end(),
                                      [](const StepSpec& st) { return st.inverter.has_value(); });
    if (inverter) {
      for (const char* name : {"pv_w", "house_w", "grid_w"}) c.push_back(name);
    }
    with_inverter_columns_ = inverter;
  }

  void record() {
    const core::Snapshot& s = loop_.bms().snapshot();
    const Plant& plant = loop_.plant();
    std::vector<double> row = {secs(loop_.now()),
                               s.pack_voltage.count() / 1000.0,
                               s.current.count() / 1000.0,
                               s.soc_permille / 10.0,
                               std::round(true_soc_ * 100.0) / 100.0,
                               double(s.cell_min.count()),
                               double(s.cell_max.count()),
                               double(s.cell_delta.count())};
    for (int k = 0; k < plant.pack().cells(); ++k) row.push_back(s.cell[k].count());
    row.push_back(s.temp[core::kMosSensor].count() / 10.0);
    for (int k = 1; k <= plant.config().battery_sensors; ++k)
      row.push_back(s.temp[k].count() / 10.0);
    const auto flag = [](bool b) { return b ? 1.0 : 0.0; };
    const double ambient = plant.world().at(plant.time_s()).ambient_c;
    for (double v :
         {std::round(true_min_c_ * 100.0) / 100.0, std::round(true_max_c_ * 100.0) / 100.0,
          std::round(ambient * 100.0) / 100.0, flag(s.charge_fet), flag(s.discharge_fet),
          flag(s.balance_state != core::BalanceState::off), s.balance_current.count() / 1000.0,
          flag(s.heater), flag(s.power_state == core::PowerState::sleeping), double(s.alarms),
          s.charge_voltage_limit.count() / 1000.0, s.charge_current_limit.count() / 1000.0,
          s.discharge_current_limit.count() / 1000.0, double(s.charge_stage)}) {
      row.push_back(v);
    }
    if (with_inverter_columns_) {
      const InverterFlow f = plant.world().at(plant.time_s()).inverter;
      for (double v : {f.pv_w, f.house_w, f.present ? grid_power_w(f) : 0.0})
        row.push_back(std::round(v * 10.0) / 10.0);
    }
    out_.recording.rows.push_back(std::move(row));
  }

  void finish() {
    out_.duration_s = secs(loop_.now());
    out_.ticks = loop_.ticks();
    out_.final_snapshot = loop_.bms().snapshot();
    out_.final_settings = loop_.bms().settings();
    out_.totals = loop_.plant().totals();
    out_.true_soc_final = mean_soc_percent(loop_.plant().pack());
    const Pack& pack = loop_.plant().pack();
    out_.ageing = sc_.pack.ageing;
    for (int k = 0; k < pack.cells(); ++k) {
      out_.cells_end.push_back({pack.capacity_ah(k), pack.new_capacity_ah(k),
                                pack.dc_resistance_25c_ohm(k), pack.new_dc_resistance_25c_ohm(k),
                                pack.age(k).fec, pack.soc(k)});
    }
    if (checker_) {
      out_.violations = checker_->violations();
      out_.violation_count = checker_->violation_count();
    }
  }

  static constexpr uint64_t kProgressTicks = 0xFFFF;
  const Progress& progress_;
  const Scenario& sc_;
  double total_s_ = total_seconds();
  core::Settings initial_settings_;
  ClosedLoop loop_;
  std::unique_ptr<InvariantChecker> checker_;
  std::unique_ptr<FlashWithSupply> flash_;
  std::unique_ptr<core::Store> store_;
  RunResult out_;
  uint32_t seen_events_ = 0;
  std::size_t step_first_event_ = 0;
  int64_t next_record_ms_ = 0;
  double true_soc_ = 0.0;
  double true_max_c_ = 0.0;
  double true_min_c_ = 0.0;
  double below_since_ = -1.0;
  bool temps_seen_ = false;
  bool with_inverter_columns_ = false;
};

}  // namespace

int Recording::column(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

InverterLimits inverter_limits_of(const core::ChargeResult& r) {
  return {r.limits.charge_voltage.count() / 1000.0,
          r.limits.charge_current.count() / 1000.0,
          r.limits.discharge_current.count() / 1000.0,
          r.request.charge_enable,
          r.request.discharge_enable,
          r.request.force_charge_1 || r.request.force_charge_2};
}

PackConfig scenario_pack(const Scenario& sc, const core::Settings& settings) {
  const PackSpec& p = sc.pack;
  PackConfig cfg = pack_for(settings, p.soc_percent / 100.0, p.seed);
  cfg.capacity_ah = p.capacity_ah;
  cfg.initial_temp_c = p.temp_c;
  if (p.soc_sigma) cfg.soc_spread = *p.soc_sigma;
  if (p.capacity_sigma) cfg.capacity_spread = *p.capacity_sigma;
  if (p.resistance_sigma) cfg.resistance_spread = *p.resistance_sigma;
  if (p.battery_sensors) cfg.battery_sensors = *p.battery_sensors;
  if (p.heater_w) cfg.heater_power_w = *p.heater_w;
  if (p.balancer_max_a) cfg.balancer_max_a = *p.balancer_max_a;
  if (p.load_capacitance_mf) cfg.load_capacitance_mf = *p.load_capacitance_mf;
  if (p.wired_cells) cfg.cells = *p.wired_cells;  // the setting stays pack.cells
  cfg.ageing = p.ageing;
  if (p.ageing_sigma) cfg.ageing_spread = *p.ageing_sigma;
  if (p.ageing_speed) cfg.ageing_speed = *p.ageing_speed;
  return cfg;
}

RunResult run_scenario(const Scenario& scenario, const core::Settings& settings,
                       const Progress& progress) {
  Runner runner(scenario, settings, progress);
  return runner.run();
}

}  // namespace softbms::sim
