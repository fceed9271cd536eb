// Every protection of the core, exercised on the simulated pack: the core in closed loop with the
// plant, driven by loads, chargers, ambient temperature and faults instead of hand-set
// measurements. Each row says how the pack is driven, which alarm bit must trip and when, which
// FET must open (in the plant, not only in the core's outputs), and when it must release. The
// rules of the protection table (delay, level or timed release) are checked on what the core
// measured, so a row proves the same behaviour as core/protect's unit tests, on physics.
// Results per row are listed in docs/protections.md, "Protections on the simulated pack".
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/io/command.hpp"
#include "core/protect/protection_table.hpp"
#include "core/settings/validate.hpp"
#include "sim/loop/closed_loop.hpp"

namespace softbms::sim {
namespace {

using core::alarm_mask;
using core::AlarmBit;
using core::FetEffect;
using core::Param;

// What the pack shows on the first tick, before anything drives it: the rows place their
// thresholds relative to it, so a row does not depend on the OCV table's exact numbers.
struct Rest {
  int32_t cell_max_mv = 0;
  int32_t cell_min_mv = 0;
  int32_t pack_mv = 0;
  int32_t wire_max_mohm = 0;
  int32_t mos_dc = 0;
};

struct Change {
  Param param;
  int32_t value;
};
using Changes = std::vector<Change>;

struct TimedChange {
  double at_s;
  Param param;
  int32_t value;
};

struct Window {
  double from_s;
  double to_s;
};

struct Row {
  std::string name;
  AlarmBit bit;
  FetEffect opens;
  // The drive: the pack, the settings (through validation), changes while it runs, the world.
  std::function<void(PackConfig&)> pack = [](PackConfig&) {};
  Milliseconds period{100};
  std::function<Changes(const Rest&)> settings = [](const Rest&) { return Changes{}; };
  std::function<std::vector<TimedChange>(const Rest&)> later = [](const Rest&) {
    return std::vector<TimedChange>{};
  };
  std::function<void(World&)> world = [](World&) {};
  // What must happen.
  Window trip{};
  Window release{};
  double end_s = 0.0;                // the run stops here (after the release)
  double flowing_a = 0.0;            // current through the blocked FET before the trip
  bool flows_after_release = false;  // the drive still pushes that current after the release
  bool fets_on_outside = true;       // false: the user's switches keep the FETs off anyway
  uint32_t also_allowed = 0;         // alarms the drive may raise besides the row's own
};

// gtest names a failing row by its name rather than its bytes.
void PrintTo(const Row& row, std::ostream* os) {
  *os << row.name;
}

// One tick as the user would see it: the core's snapshot and the plant's truth.
struct Sample {
  double t_s = 0.0;
  uint32_t alarms = 0;
  bool charge_fet = false;  // the core's decision
  bool discharge_fet = false;
  FetState plant;  // what conducts
  double pack_a = 0.0;
  std::optional<int32_t> watched;  // the row's watched value as measured, where readable
};

struct Trace {
  std::vector<Sample> samples;
  std::optional<std::size_t> trip;     // first sample with the alarm bit
  std::optional<std::size_t> release;  // first sample after the trip without it
  core::Settings settings;
  uint32_t scp_trips = 0;
};

constexpr double kIdleA = 0.5;  // what may flow with the FET open (sense divider, noise)

PackConfig base_pack(const core::Settings& s, const Row& row) {
  PackConfig p = pack_for(s, 0.5, 11);
  p.capacity_ah = 100.0;
  row.pack(p);
  return p;
}

core::Settings lfp16() {
  return core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
}

Rest rest_of(const PackConfig& pack) {
  ClosedLoop loop(pack, World{}, lfp16());
  loop.tick();
  const core::Snapshot& s = loop.bms().snapshot();
  Rest r{s.cell_max.count(), s.cell_min.count(), s.pack_voltage.count(), 0, s.temp[0].count()};
  for (int i = 0; i < pack.cells; ++i) {
    r.wire_max_mohm = std::max(r.wire_max_mohm, s.wire_resistance[i].count());
  }
  return r;
}

// Applies every change through validation. The cross-field rules (uvp < uvpr < ovpr < ovp ...)
// make the order matter, so changes that are refused are retried after the others.
core::Settings apply_all(core::Settings s, const Changes& changes) {
  std::vector<bool> done(changes.size(), false);
  for (std::size_t pass = 0; pass <= changes.size(); ++pass) {
    for (std::size_t i = 0; i < changes.size(); ++i) {
      if (!done[i]) done[i] = core::apply_change(s, changes[i].param, changes[i].value).ok();
    }
  }
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const Status st = core::apply_change(s, changes[i].param, changes[i].value);
    EXPECT_TRUE(done[i] && st.ok())
        << core::info(changes[i].param).name << " = " << changes[i].value << ": "
        << core::rule_info(core::error_rule(st)).name;
  }
  return s;
}

const core::ProtectionRow& table_row(AlarmBit bit) {
  return core::kProtections[*core::row_of(bit)];
}

int32_t resolve(core::Limit l, const core::Settings& s) {
  return l.param == core::kNoParam ? l.fixed : s.raw(l.param);
}

Milliseconds resolve(core::Duration d, const core::Settings& s) {
  if (d.param == core::kNoParam) return d.fixed;
  const int32_t v = s.raw(d.param);
  return core::info(d.param).unit == core::Unit::s ? to_ms(Seconds(v)) : Milliseconds(v);
}

// The watched value read back from the snapshot, for the watches a snapshot shows directly.
std::optional<int32_t> watched(core::Watch w, const core::Snapshot& s) {
  const auto battery = [&](bool hottest) -> std::optional<int32_t> {
    std::optional<int32_t> v;
    for (std::size_t i = 1; i < core::kMaxTempSensors; ++i) {
      if ((s.temp_present_mask & (1U << i)) == 0) continue;
      const int32_t t = s.temp[i].count();
      if (!v || (hottest ? t > *v : t < *v)) v = t;
    }
    return v;
  };
  switch (w) {
    case core::Watch::cell_max:
      return s.cell_max.count();
    case core::Watch::cell_min:
      return s.cell_min.count();
    case core::Watch::pack:
      return s.pack_voltage.count();
    case core::Watch::charge_current:
      return std::max(s.current.count(), 0);
    case core::Watch::discharge_current:
      return std::max(-s.current.count(), 0);
    case core::Watch::battery_max:
      return battery(true);
    case core::Watch::battery_min:
      return battery(false);
    case core::Watch::mos_temp:
      if ((s.temp_present_mask & 1U) == 0) return std::nullopt;
      return s.temp[0].count();
    default:
      return std::nullopt;  // fault counts: the rows check their times instead
  }
}

// stop_at_release: end the run two ticks after the first release instead of at end_s.
Trace run(const Row& row, bool stop_at_release = true) {
  Trace tr;
  const core::Settings preset = lfp16();
  const PackConfig pack = base_pack(preset, row);
  const Rest rest = rest_of(pack);
  tr.settings = apply_all(preset, row.settings(rest));
  const std::vector<TimedChange> later = row.later(rest);
  World world;
  row.world(world);
  ClosedLoop loop(pack, std::move(world), tr.settings, row.period);
  const core::Watch w = table_row(row.bit).watch;
  std::size_t next_change = 0;
  const Milliseconds end(static_cast<int64_t>(row.end_s * 1000));
  while (loop.now() < end &&
         !(stop_at_release && tr.release && tr.samples.size() > *tr.release + 2)) {
    while (next_change < later.size() &&
           loop.now().count() >= static_cast<int64_t>(later[next_change].at_s * 1000)) {
      const TimedChange& c = later[next_change++];
      core::Command cmd;
      cmd.kind = core::CommandKind::set_param;
      cmd.origin = core::Origin::sim;
      cmd.authority = core::Authority::settings;
      cmd.param = c.param;
      cmd.value = c.value;
      EXPECT_TRUE(loop.bms().apply(cmd, loop.now()).ok()) << core::info(c.param).name;
    }
    loop.tick();
    const core::Snapshot& s = loop.bms().snapshot();
    // Bit 19 (change the factory password) is up all along: a reminder, not a protection.
    const Sample smp{static_cast<double>(loop.now().count()) / 1000.0,
                     s.alarms & ~alarm_mask(core::AlarmBit::modify_password),
                     s.charge_fet,
                     s.discharge_fet,
                     loop.plant().fets(),
                     loop.plant().pack_current_a(),
                     watched(w, s)};
    const bool up = (smp.alarms & alarm_mask(row.bit)) != 0;
    if (up && !tr.trip) tr.trip = tr.samples.size();
    if (!up && tr.trip && !tr.release) tr.release = tr.samples.size();
    tr.samples.push_back(smp);
  }
  tr.settings = loop.bms().settings();
  tr.scp_trips = loop.plant().totals().scp_trips;
  return tr;
}

bool blocks_charge(FetEffect e) {
  return core::affects_charge(e);
}
bool blocks_discharge(FetEffect e) {
  return core::affects_discharge(e);
}

// The current the blocked FET lets through, signed so that "flowing" is positive (for a row
// that blocks nothing: the current the drive makes flow).
double through_blocked(FetEffect e, double pack_a) {
  if (e == FetEffect::charge) return pack_a;
  if (e == FetEffect::discharge) return -pack_a;
  return std::abs(pack_a);
}

void expect_no_unrelated_alarm(const Row& row, const Trace& tr) {
  const uint32_t allowed = alarm_mask(row.bit) | row.also_allowed;
  for (const Sample& s : tr.samples) {
    ASSERT_EQ(s.alarms & ~allowed, 0u) << "unrelated alarm bits at " << s.t_s << " s";
  }
}

// True when every FET the effect names is in the wanted state.
bool fets_are(FetEffect e, FetState f, bool on) {
  return (!blocks_charge(e) || f.charge == on) && (!blocks_discharge(e) || f.discharge == on);
}

void expect_fets_open_while_tripped(const Row& row, const Trace& tr) {
  const Sample& at_trip = tr.samples[*tr.trip];
  EXPECT_TRUE(fets_are(row.opens, {at_trip.charge_fet, at_trip.discharge_fet}, false))
      << "the core's outputs at the trip";
  // The plant applies the outputs from the next period on.
  for (std::size_t i = *tr.trip + 1; i < *tr.release; ++i) {
    const Sample& s = tr.samples[i];
    ASSERT_TRUE(fets_are(row.opens, s.plant, false)) << "plant FETs at " << s.t_s << " s";
    if (row.opens == FetEffect::none) {
      ASSERT_GT(through_blocked(row.opens, s.pack_a), row.flowing_a) << "at " << s.t_s << " s";
    } else {
      ASSERT_LT(through_blocked(row.opens, s.pack_a), kIdleA) << "at " << s.t_s << " s";
    }
  }
}

void expect_fets_as_driven_outside(const Row& row, const Trace& tr) {
  const Sample& before = tr.samples[*tr.trip - 1];
  if (row.opens == FetEffect::none) {
    // From the second tick: the plant's first period runs under the outputs before the first
    // step, with both FETs open as at power-up.
    for (std::size_t i = 1; i < tr.samples.size(); ++i) {
      const Sample& s = tr.samples[i];
      ASSERT_TRUE(s.plant.charge && s.plant.discharge) << "no FET opens, at " << s.t_s << " s";
    }
  } else if (row.fets_on_outside) {
    EXPECT_TRUE(fets_are(row.opens, before.plant, true)) << "plant FETs before the trip";
  }
  if (row.flowing_a > 0) {
    EXPECT_GT(through_blocked(row.opens, before.pack_a), row.flowing_a) << "before the trip";
  }
  if (!row.fets_on_outside || *tr.release + 1 >= tr.samples.size()) return;
  const Sample& rel = tr.samples[*tr.release];
  const Sample& after = tr.samples[*tr.release + 1];
  EXPECT_TRUE(fets_are(row.opens, {rel.charge_fet, rel.discharge_fet}, true))
      << "the core's outputs at the release";
  EXPECT_TRUE(fets_are(row.opens, after.plant, true)) << "plant FETs after the release";
  if (row.flows_after_release) {
    EXPECT_GT(through_blocked(row.opens, after.pack_a), row.flowing_a) << "after the release";
  }
}

// The trip came exactly one delay after the measured value went past the threshold (and
// stayed there): the same rule as the unit tests, on measured physics.
void expect_delay_rule(const Row& row, const Trace& tr) {
  const core::ProtectionRow& t = table_row(row.bit);
  const int32_t limit = resolve(t.threshold, tr.settings);
  const auto beyond = [&](const Sample& s) {
    return s.watched && (t.trip == core::Trip::above ? *s.watched > limit : *s.watched < limit);
  };
  if (!tr.samples[*tr.trip].watched) return;
  ASSERT_TRUE(beyond(tr.samples[*tr.trip])) << "tripped on a value inside the limit";
  std::size_t first = *tr.trip;
  while (first > 0 && beyond(tr.samples[first - 1])) --first;
  const double waited = tr.samples[*tr.trip].t_s - tr.samples[first].t_s;
  const double delay_s = static_cast<double>(resolve(t.delay, tr.settings).count()) / 1000.0;
  EXPECT_NEAR(waited, delay_s, 1e-6) << "the delay after the value passed " << limit;
}

// Level rows release on the first tick past the recovery value (hold 0) or after their hold;
// timed rows release their release time after the trip, whatever the value.
void expect_release_rule(const Row& row, const Trace& tr) {
  const core::ProtectionRow& t = table_row(row.bit);
  const double tick_s = static_cast<double>(row.period.count()) / 1000.0;
  const double trip_s = tr.samples[*tr.trip].t_s;
  const double release_s = tr.samples[*tr.release].t_s;
  const double after_s =
      static_cast<double>(resolve(t.release.after, tr.settings).count()) / 1000.0;
  if (t.release.kind == core::ReleaseKind::timed) {
    EXPECT_GE(release_s - trip_s + 1e-6, after_s);
    EXPECT_LT(release_s - trip_s, after_s + tick_s + 1e-6);
    return;
  }
  if (!tr.samples[*tr.trip].watched || t.release.after.fixed.count() != 0) return;
  const int32_t recovery = resolve(t.release.level, tr.settings);
  const auto back = [&](const Sample& s) {
    return t.trip == core::Trip::above ? *s.watched < recovery : *s.watched > recovery;
  };
  for (std::size_t i = *tr.trip + 1; i < *tr.release; ++i) {
    ASSERT_FALSE(back(tr.samples[i]))
        << "past " << recovery << " but held at " << tr.samples[i].t_s;
  }
  ASSERT_TRUE(tr.samples[*tr.release].watched);
  EXPECT_TRUE(back(tr.samples[*tr.release]))
      << "released at " << *tr.samples[*tr.release].watched << ", recovery " << recovery;
}

void print_times(const Row& row, const Trace& tr) {
  std::printf("  %-26s trip %9.1f s  release %9.1f s\n", row.name.c_str(), tr.samples[*tr.trip].t_s,
              tr.samples[*tr.release].t_s);
}

void expect_row(const Row& row) {
  EXPECT_EQ(row.opens, table_row(row.bit).effect) << "the row and the protection table differ";
  const Trace tr = run(row);
  ASSERT_TRUE(tr.trip.has_value()) << "never tripped";
  ASSERT_GT(*tr.trip, 0u) << "tripped on the first tick: the drive must come after the start";
  ASSERT_TRUE(tr.release.has_value())
      << "tripped at " << tr.samples[*tr.trip].t_s << " s, never released";
  print_times(row, tr);
  EXPECT_GE(tr.samples[*tr.trip].t_s, row.trip.from_s);
  EXPECT_LE(tr.samples[*tr.trip].t_s, row.trip.to_s);
  EXPECT_GE(tr.samples[*tr.release].t_s, row.release.from_s);
  EXPECT_LE(tr.samples[*tr.release].t_s, row.release.to_s);
  expect_no_unrelated_alarm(row, tr);
  expect_fets_open_while_tripped(row, tr);
  expect_fets_as_driven_outside(row, tr);
  expect_delay_rule(row, tr);
  expect_release_rule(row, tr);
}

// The drives. A 16S 100 Ah LFP pack at 50 % SOC on a JK-PB board; 16 x 3.65 V is a charger set
// high enough to stay in constant current.
constexpr double kChargerV = 16 * 3.65;
constexpr int32_t kCells = 16;

Charger charger(double from_s, double to_s, double amps) {
  return Charger{from_s, to_s, kChargerV, amps, {}};
}
Load load(double from_s, double to_s, double amps) {
  return Load{from_s, to_s, LoadKind::current, amps, {}};
}
Fault fault(FaultKind kind, double from_s, double to_s, int index, double value = 0.0) {
  return Fault{kind, from_s, to_s, index, value};
}
// A hot or cold pack in a room at another temperature; a coarse period for simulated hours.
std::function<void(PackConfig&)> thermal_pack(double initial_c) {
  return [initial_c](PackConfig& p) {
    p.initial_temp_c = initial_c;
    p.max_substep_s = 1.0;
  };
}

// Stage I/II/III currents the OCP rows share: 30 A / 5 s, 40 A, 60 A, released 10 s later.
Changes ocp_stages(int32_t ocp2_delay_ms, int32_t ocp3_delay_ms) {
  return {{Param::discharge_ocp_current, 30000},        {Param::discharge_ocp_delay, 5},
          {Param::discharge_ocp_release, 10},           {Param::discharge_ocp2_current, 40000},
          {Param::discharge_ocp2_delay, ocp2_delay_ms}, {Param::discharge_ocp3_current, 60000},
          {Param::discharge_ocp3_delay, ocp3_delay_ms}};
}

std::vector<Row> rows() {
  std::vector<Row> r;
  // Voltages: a 50 A charger or load moves every cell by about 35 mV (R0 0.7 mOhm); thresholds
  // 20 mV (320 mV for the pack) past the rest value trip on it, and the opposite current after
  // the trip brings the cells back past a recovery value 20 mV on the other side.
  const auto overcharge = [](World& w) {
    w.add_charger(charger(1.0, 12.0, 50.0));
    w.add_load(load(20.0, kForever, 50.0));
  };
  const auto overdischarge = [](World& w) {
    w.add_load(load(1.0, 12.0, 50.0));
    w.add_charger(charger(20.0, kForever, 50.0));
  };
  r.push_back({.name = "cell_ovp",
               .bit = AlarmBit::cell_ovp,
               .opens = FetEffect::charge,
               .settings =
                   [](const Rest& x) {
                     return Changes{{Param::cell_ovp, x.cell_max_mv + 20},
                                    {Param::cell_ovpr, x.cell_max_mv - 20},
                                    {Param::request_charge_voltage, x.cell_max_mv + 10},
                                    {Param::request_float_voltage, x.cell_max_mv}};
                   },
               .world = overcharge,
               .trip = {3.0, 3.1},
               .release = {20.0, 21.0},
               .end_s = 22.0,
               .flowing_a = 40.0});
  r.push_back({.name = "pack_ovp",
               .bit = AlarmBit::pack_ovp,
               .opens = FetEffect::charge,
               .settings =
                   [](const Rest& x) {
                     return Changes{{Param::pack_ovp, x.pack_mv + 20 * kCells},
                                    {Param::pack_ovpr, x.pack_mv - 20 * kCells}};
                   },
               .world = overcharge,
               .trip = {3.0, 3.1},
               .release = {20.0, 21.0},
               .end_s = 22.0,
               .flowing_a = 40.0});
  r.push_back({.name = "cell_uvp",
               .bit = AlarmBit::cell_uvp,
               .opens = FetEffect::discharge,
               .settings =
                   [](const Rest& x) {
                     return Changes{{Param::cell_uvp, x.cell_min_mv - 20},
                                    {Param::cell_uvpr, x.cell_min_mv + 20}};
                   },
               .world = overdischarge,
               .trip = {3.0, 3.1},
               .release = {20.0, 21.0},
               .end_s = 22.0,
               .flowing_a = 40.0});
  r.push_back({.name = "pack_uvp",
               .bit = AlarmBit::pack_uvp,
               .opens = FetEffect::discharge,
               .settings =
                   [](const Rest& x) {
                     return Changes{{Param::pack_uvp, x.pack_mv - 20 * kCells},
                                    {Param::pack_uvpr, x.pack_mv + 20 * kCells}};
                   },
               .world = overdischarge,
               .trip = {3.0, 3.1},
               .release = {20.0, 21.0},
               .end_s = 22.0,
               .flowing_a = 40.0});
  // Currents: the overload stays on, so the timed release closes the FET into it again.
  r.push_back({.name = "charge_ocp",
               .bit = AlarmBit::charge_ocp,
               .opens = FetEffect::charge,
               .settings =
                   [](const Rest&) {
                     return Changes{{Param::charge_ocp_current, 30000},
                                    {Param::charge_ocp_delay, 5},
                                    {Param::charge_ocp_release, 10}};
                   },
               .world = [](World& w) { w.add_charger(charger(1.0, kForever, 40.0)); },
               .trip = {6.0, 6.1},
               .release = {16.0, 16.2},
               .end_s = 17.0,
               .flowing_a = 35.0,
               .flows_after_release = true});
  r.push_back({.name = "discharge_ocp",
               .bit = AlarmBit::discharge_ocp,
               .opens = FetEffect::discharge,
               .settings = [](const Rest&) { return ocp_stages(5000, 5000); },
               .world = [](World& w) { w.add_load(load(1.0, kForever, 35.0)); },
               .trip = {6.0, 6.1},
               .release = {16.0, 16.2},
               .end_s = 17.0,
               .flowing_a = 32.0,
               .flows_after_release = true});
  r.push_back({.name = "discharge_ocp2",
               .bit = AlarmBit::discharge_ocp2,
               .opens = FetEffect::discharge,
               .settings = [](const Rest&) { return ocp_stages(500, 5000); },
               .world = [](World& w) { w.add_load(load(1.0, kForever, 45.0)); },
               .trip = {1.5, 1.6},
               .release = {11.5, 11.7},
               .end_s = 12.0,
               .flowing_a = 42.0,
               .flows_after_release = true});
  r.push_back({.name = "discharge_ocp3",
               .bit = AlarmBit::discharge_ocp3,
               .opens = FetEffect::discharge,
               .settings = [](const Rest&) { return ocp_stages(5000, 100); },
               .world = [](World& w) { w.add_load(load(1.0, kForever, 80.0)); },
               .trip = {1.1, 1.2},
               .release = {11.1, 11.3},
               .end_s = 11.6,
               .flowing_a = 75.0,
               .flows_after_release = true});
  // Short circuit: 2 mOhm across the terminals for half a second under a 20 A load.
  r.push_back({.name = "discharge_scp",
               .bit = AlarmBit::discharge_scp,
               .opens = FetEffect::both,
               .settings =
                   [](const Rest&) {
                     return Changes{{Param::scp_release, 5}};
                   },
               .world =
                   [](World& w) {
                     w.add_load(load(0.0, kForever, 20.0));
                     w.add_fault(fault(FaultKind::short_circuit, 2.0, 2.5, 0, 0.002));
                   },
               .trip = {2.0, 2.1},
               .release = {7.0, 7.2},
               .end_s = 8.0,
               .flowing_a = 15.0,
               .flows_after_release = true});
  // Temperatures: a pack that starts 45 °C warm (or -5 °C cold) in a 25 °C (15 °C) room, with a
  // 10 A charger or load on to show the current stop. The room brings it back past recovery.
  r.push_back({.name = "charge_otp",
               .bit = AlarmBit::charge_otp,
               .opens = FetEffect::charge,
               .pack = thermal_pack(45.0),
               .period = Milliseconds(1000),
               .settings =
                   [](const Rest&) {
                     return Changes{{Param::charge_otp, 400}, {Param::charge_otpr, 350}};
                   },
               .world =
                   [](World& w) {
                     w.set_ambient(25.0);
                     w.add_charger(Charger{0.0, kForever, 16 * 3.45, 10.0, {}});
                   },
               .trip = {3.0, 3.0},
               .release = {3600.0, 7200.0},
               .end_s = 7200.0,
               .flowing_a = 8.0,
               .flows_after_release = true});
  r.push_back({.name = "discharge_otp",
               .bit = AlarmBit::discharge_otp,
               .opens = FetEffect::discharge,
               .pack = thermal_pack(45.0),
               .period = Milliseconds(1000),
               .settings =
                   [](const Rest&) {
                     return Changes{{Param::discharge_otp, 400}, {Param::discharge_otpr, 350}};
                   },
               .world =
                   [](World& w) {
                     w.set_ambient(25.0);
                     w.add_load(load(0.0, kForever, 10.0));
                   },
               .trip = {3.0, 3.0},
               .release = {3600.0, 7200.0},
               .end_s = 7200.0,
               .flowing_a = 8.0,
               .flows_after_release = true});
  r.push_back({.name = "charge_utp",
               .bit = AlarmBit::charge_utp,
               .opens = FetEffect::charge,
               .pack = thermal_pack(-5.0),
               .period = Milliseconds(1000),
               .settings =
                   [](const Rest&) {
                     return Changes{{Param::charge_utp, 0}, {Param::charge_utpr, 30}};
                   },
               .world =
                   [](World& w) {
                     w.set_ambient(15.0);
                     w.add_charger(Charger{0.0, kForever, 16 * 3.45, 10.0, {}});
                   },
               .trip = {3.0, 3.0},
               .release = {2400.0, 7200.0},
               .end_s = 7200.0,
               .flowing_a = 8.0,
               .flows_after_release = true});
  r.push_back({.name = "discharge_utp",
               .bit = AlarmBit::discharge_utp,
               .opens = FetEffect::discharge,
               .pack = thermal_pack(-5.0),
               .period = Milliseconds(1000),
               .settings =
                   [](const Rest&) {
                     return Changes{{Param::discharge_utp, 0}, {Param::discharge_utpr, 30}};
                   },
               .world =
                   [](World& w) {
                     w.set_ambient(15.0);
                     w.add_load(load(0.0, kForever, 10.0));
                   },
               .trip = {3.0, 3.0},
               .release = {2400.0, 7200.0},
               .end_s = 7200.0,
               .flowing_a = 8.0,
               .flows_after_release = true});
  // MOSFETs: MOS OTP 75 °C and OTPR 65 °C are factory values ([M-B2A] 5.3 s), so the board
  // sits at 45 °C and a 150 A load heats FETs of 0.6 mOhm (13.5 W, about +34 K at steady state)
  // past 75 °C; once both open the board cools towards 45 °C plus what its own 25 mA add, below
  // 65 °C. The battery temperature limits are moved out of the way.
  r.push_back({.name = "mos_otp",
               .bit = AlarmBit::mos_otp,
               .opens = FetEffect::both,
               .pack =
                   [](PackConfig& p) {
                     thermal_pack(45.0)(p);
                     p.fet_on_resistance_mohm = 0.6;
                   },
               .period = Milliseconds(1000),
               .settings =
                   [](const Rest&) {
                     return Changes{{Param::discharge_ocp_current, 200000},
                                    {Param::discharge_ocp2_current, 250000},
                                    {Param::discharge_ocp3_current, 300000},
                                    {Param::charge_otp, 900},
                                    {Param::charge_otpr, 850},
                                    {Param::discharge_otp, 900},
                                    {Param::discharge_otpr, 850}};
                   },
               .world =
                   [](World& w) {
                     w.set_ambient(45.0);
                     w.add_load(load(1.0, kForever, 150.0));
                   },
               .trip = {30.0, 900.0},
               .release = {100.0, 2400.0},
               .end_s = 2400.0,
               .flowing_a = 140.0,
               .flows_after_release = true});
  // Input faults: both FETs open, and release 5 s after the input is good again.
  r.push_back({.name = "cell_count_mismatch",
               .bit = AlarmBit::cell_count_mismatch,
               .opens = FetEffect::both,
               .world =
                   [](World& w) {
                     w.add_load(load(0.0, kForever, 10.0));
                     w.add_fault(fault(FaultKind::open_balance_wire, 1.0, 10.0, kCells));
                   },
               .trip = {1.0, 1.1},
               .release = {15.0, 15.2},
               .end_s = 16.0,
               .flowing_a = 8.0,
               .flows_after_release = true,
               .also_allowed = alarm_mask(AlarmBit::wire_resistance)});
  r.push_back({.name = "current_sensor",
               .bit = AlarmBit::current_sensor,
               .opens = FetEffect::both,
               .settings =
                   [](const Rest&) {
                     return Changes{{Param::charge_enabled, 0}, {Param::discharge_enabled, 0}};
                   },
               .world =
                   [](World& w) {
                     w.add_load(load(0.0, kForever, 10.0));
                     w.add_fault(fault(FaultKind::current_sensor, 1.0, 10.0, 0, -5.0));
                   },
               .trip = {6.0, 6.1},
               .release = {15.0, 15.2},
               .end_s = 16.0,
               .fets_on_outside = false});
  r.push_back({.name = "temp_sensor",
               .bit = AlarmBit::temp_sensor,
               .opens = FetEffect::both,
               .world =
                   [](World& w) {
                     w.add_load(load(0.0, kForever, 10.0));
                     w.add_fault(fault(FaultKind::sensor_open, 1.0, 10.0, 1));
                   },
               .trip = {1.0, 1.1},
               .release = {15.0, 15.2},
               .end_s = 16.0,
               .flowing_a = 8.0,
               .flows_after_release = true});
  r.push_back({.name = "temp_sensor_mos_shorted",
               .bit = AlarmBit::temp_sensor,
               .opens = FetEffect::both,
               .world =
                   [](World& w) {
                     w.add_load(load(0.0, kForever, 10.0));
                     w.add_fault(fault(FaultKind::sensor_short, 1.0, 10.0, 0));
                   },
               .trip = {1.0, 1.1},
               .release = {15.0, 15.2},
               .end_s = 16.0,
               .flowing_a = 8.0,
               .flows_after_release = true});
  // Wire resistance: the user sets the alarm below the pack's real balance-lead resistance and
  // later back to the preset. No FET opens: the load keeps flowing throughout.
  r.push_back({.name = "wire_resistance",
               .bit = AlarmBit::wire_resistance,
               .opens = FetEffect::none,
               .later =
                   [](const Rest& x) {
                     return std::vector<TimedChange>{
                         {1.0, Param::wire_resistance_alarm, x.wire_max_mohm - 5},
                         {10.0, Param::wire_resistance_alarm, 150}};
                   },
               .world = [](World& w) { w.add_load(load(0.0, kForever, 10.0)); },
               .trip = {1.0, 1.1},
               .release = {10.0, 10.2},
               .end_s = 11.0,
               .flowing_a = 8.0});
  return r;
}

class ProtectionOnPack : public ::testing::TestWithParam<Row> {};

std::size_t first_sample(const Trace& tr, std::size_t from, uint32_t alarms) {
  std::size_t i = from;
  while (i < tr.samples.size() && tr.samples[i].alarms != alarms) ++i;
  return i;
}

// The plant's comparator flag is a latch that clears once the core has opened the FET, so at
// the release tick the core cannot see that the short is still there. Closing the FETs into it
// trips the comparator at once; the core, tripping again within 1 s of its release, raises
// scp_release_failed and waits scp_release again.
TEST(ProtectionOnPack, a_short_that_outlasts_scp_release_raises_scp_release_failed_on_reclosing) {
  const uint32_t scp = alarm_mask(AlarmBit::discharge_scp);
  const uint32_t failed = alarm_mask(AlarmBit::scp_release_failed);
  const Row row{.name = "scp_release_failed",
                .bit = AlarmBit::discharge_scp,
                .opens = FetEffect::both,
                .settings =
                    [](const Rest&) {
                      return Changes{{Param::scp_release, 5}};
                    },
                .world =
                    [](World& w) {
                      w.add_load(load(0.0, kForever, 20.0));
                      w.add_fault(fault(FaultKind::short_circuit, 2.0, 9.0, 0, 0.002));
                    },
                .end_s = 14.0};
  const Trace tr = run(row, false);
  ASSERT_TRUE(tr.trip && tr.release);
  EXPECT_NEAR(tr.samples[*tr.trip].t_s, 2.1, 1e-6);
  EXPECT_EQ(tr.samples[*tr.trip].alarms, scp) << "a first short is no failed release";
  EXPECT_NEAR(tr.samples[*tr.release].t_s, 7.1, 1e-6) << "released scp_release after the trip";

  const std::size_t again = first_sample(tr, *tr.release, scp | failed);
  ASSERT_LT(again, tr.samples.size()) << "the lasting short never raised scp_release_failed";
  EXPECT_NEAR(tr.samples[again].t_s, 7.2, 1e-6) << "the tick after the FETs closed";
  const std::size_t cleared = first_sample(tr, again, 0);
  ASSERT_LT(cleared, tr.samples.size()) << "never released after the short ended at 9 s";
  EXPECT_NEAR(tr.samples[cleared].t_s, 12.2, 1e-6) << "scp_release after the second trip";
  for (std::size_t i = again + 1; i < cleared; ++i) {
    const Sample& s = tr.samples[i];
    ASSERT_EQ(s.alarms, scp | failed) << "at " << s.t_s << " s";
    ASSERT_TRUE(fets_are(FetEffect::both, s.plant, false)) << "at " << s.t_s << " s";
    ASSERT_LT(std::abs(s.pack_a), kIdleA) << "at " << s.t_s << " s";
  }
  for (std::size_t i = cleared + 1; i < tr.samples.size(); ++i) {
    ASSERT_EQ(tr.samples[i].alarms, 0u) << "at " << tr.samples[i].t_s << " s";
  }
  EXPECT_LT(tr.samples.back().pack_a, -15.0) << "the 20 A load runs again";
  EXPECT_EQ(tr.scp_trips, 2u) << "the comparator tripped on the short and on reclosing into it";
}

TEST_P(ProtectionOnPack, trips_opens_its_fet_and_releases_as_the_table_says) {
  expect_row(GetParam());
}

INSTANTIATE_TEST_SUITE_P(EveryProtection, ProtectionOnPack, ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<Row>& i) { return i.param.name; });

}  // namespace
}  // namespace softbms::sim
