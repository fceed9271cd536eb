#include "sim/campaign/draft.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/settings/model.hpp"
#include "core/settings/validate.hpp"
#include "host/text/param_text.hpp"
#include "sim/rng.hpp"

namespace softbms::sim::campaign {
namespace {

using core::Param;

double round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

class Dice {
 public:
  explicit Dice(uint64_t seed) : rng_(seed, 0xCA3F) {}
  double uniform(double lo, double hi) { return round3(rng_.uniform(lo, hi)); }
  // Log-uniform: as many short values as long ones.
  double spread(double lo, double hi) {
    return round3(std::exp(rng_.uniform(std::log(lo), std::log(hi))));
  }
  int integer(int lo, int hi) {  // inclusive
    return lo + static_cast<int>(rng_.next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return rng_.uniform() < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(integer(0, static_cast<int>(v.size()) - 1))];
  }
  uint64_t next() { return rng_.next(); }

 private:
  Rng rng_;
};

// Parameters a random draw may change. The pack's own (cell_count, design_capacity), the RS485
// address and the alarm masks of the buzzer and contacts are left alone: they either describe
// the hardware or touch nothing the invariants watch.
bool drawable(const core::ParamInfo& p) {
  switch (p.id) {
    case Param::cell_count:
    case Param::design_capacity:
    case Param::device_address:
    case Param::buzzer_alarm_mask:
    case Param::dry1_alarm_mask:
    case Param::dry2_alarm_mask:
      return false;
    default:
      return true;
  }
}

std::vector<Param> drawable_params() {
  std::vector<Param> out;
  for (const auto& p : core::kParams) {
    if (drawable(p)) out.push_back(p.id);
  }
  return out;
}

// A value for p: mostly near the current one (the interesting region), sometimes anywhere in
// the range the board allows.
int32_t draw_value(Dice& dice, Param p, const core::Settings& s) {
  const core::Range r = core::allowed_range(p, s);
  const int32_t now = s.raw(p);
  if (r.max <= r.min) return r.min;
  if (dice.chance(0.6)) {
    const double width = std::max(1.0, std::abs(static_cast<double>(now)) * 0.15);
    const double v = std::round(dice.uniform(now - width, now + width));
    return static_cast<int32_t>(
        std::clamp(v, static_cast<double>(r.min), static_cast<double>(r.max)));
  }
  return static_cast<int32_t>(std::round(dice.uniform(r.min, r.max)));
}

bool round_trips(Param p, int32_t raw) {
  const auto back = host::parse_display(p, host::format_display(p, raw));
  return back.ok() && back.value() == raw;
}

std::string world_of(Dice& dice, const Draft& d, const core::Settings& s) {
  const double cells = d.cells;
  const double ovp_v = s.raw(Param::cell_ovp) / 1000.0;
  const double ocp_c = s.raw(Param::charge_ocp_current) / 1000.0;
  const double ocp_d = s.raw(Param::discharge_ocp_current) / 1000.0;
  switch (dice.integer(0, 8)) {
    case 0:
      return "current_a: " + number(dice.uniform(-1.4 * ocp_d, 1.4 * ocp_c));
    case 1:
      return "power_w: " + number(dice.uniform(-60.0, 60.0) * cells * ocp_d / 10.0);
    case 2:
      return "resistance_ohm: " + number(std::max(0.005, dice.spread(0.005, 50.0)));
    case 3:
      return "charger: {voltage_v: " + number(cells * dice.uniform(ovp_v - 0.4, ovp_v + 0.3)) +
             ", current_a: " + number(dice.uniform(0.5, 1.4 * ocp_c)) + "}";
    case 4:
      return "profile: {kind: dst, peak_w: " +
             number(dice.uniform(100, 40.0 * cells * ocp_d / 10.0)) + "}";
    case 5:
      return "profile: {kind: pulse, current_a: " + number(dice.uniform(1, 1.5 * ocp_d)) + "}";
    case 6:
      return "profile: {kind: house, base_w: " + number(dice.uniform(50, 800)) +
             ", peak_w: " + number(dice.uniform(500, 5000)) + "}";
    case 7: {
      const bool follow = dice.chance(0.7);
      std::string inv = "inverter: {pv_peak_w: " + number(dice.uniform(0, 12000)) +
                        ", base_w: " + number(dice.uniform(100, 900)) +
                        ", peak_w: " + number(dice.uniform(500, 4000)) +
                        ", start_h: " + number(dice.uniform(0, 23.9)) +
                        ", max_charge_a: " + number(dice.uniform(5, 1.5 * ocp_c)) +
                        ", max_discharge_a: " + number(dice.uniform(5, 1.5 * ocp_d)) +
                        ", follow_limits: " + (follow ? "on" : "off");
      if (!follow) {
        inv += ", charge_voltage_v: " + number(cells * dice.uniform(ovp_v - 0.3, ovp_v + 0.3)) +
               ", cutoff_v: " + number(cells * dice.uniform(2.0, 3.0));
      }
      return inv + "}";
    }
    default:
      return "";  // rest
  }
}

std::string command_of(Dice& dice, const core::Settings& s, const std::vector<Param>& params) {
  switch (dice.integer(0, 9)) {
    case 0:
      return dice.chance(0.5) ? "emergency on" : "emergency off";
    case 1:
    case 2: {
      static const std::vector<std::string> kSwitches = {"charge_enabled", "discharge_enabled",
                                                         "balance_enabled", "heating_enabled"};
      return dice.pick(kSwitches) + (dice.chance(0.6) ? " on" : " off");
    }
    case 3:
      return dice.chance(0.5) ? "shutdown" : "wake";
    case 4:
      return "reset_counters";
    default: {
      const Param p = dice.pick(params);
      // Now and then a value outside what the board allows: it must be refused, change nothing.
      const core::ParamInfo& info = core::info(p);
      const int32_t v =
          dice.chance(0.8)
              ? draw_value(dice, p, s)
              : static_cast<int32_t>(std::round(dice.uniform(std::max<double>(info.min, -1e9),
                                                             std::min<double>(info.max, 1e9))));
      return "set " + std::string(info.name) + " " + host::format_display(p, v);
    }
  }
}

std::string fault_of(Dice& dice, const Draft& d, int sensors) {
  switch (dice.integer(0, 6)) {
    case 0:
      return "kind: short_circuit, ohm: " + number(dice.spread(0.001, 0.5));
    case 1:
      return "kind: open_balance_wire, lead: " + std::to_string(dice.integer(0, d.cells));
    case 2:
      return "kind: cell_leak, cell: " + std::to_string(dice.integer(1, d.cells)) +
             ", a: " + number(dice.spread(0.01, 3.0));
    case 3:
    case 4: {
      const int i = dice.integer(0, sensors);
      return std::string("kind: ") + (dice.chance(0.5) ? "sensor_open" : "sensor_short") +
             ", sensor: " + (i == 0 ? std::string("mos") : "t" + std::to_string(i));
    }
    case 5:
      return std::string("kind: fet_stuck, fet: ") + (dice.chance(0.5) ? "charge" : "discharge") +
             ", state: " + (dice.chance(0.5) ? "on" : "off");
    default:
      return "kind: current_sensor, a: " + number(dice.uniform(-60, 60));
  }
}

}  // namespace

std::string number(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  std::string s(buf);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

double DraftStep::span_s() const {
  return power_cut ? std::max(for_s, power_cut->off_s) : for_s;
}

double Draft::duration_s() const {
  double t = 0.0;
  for (const auto& s : steps) t += s.span_s();
  return t;
}

std::string to_yaml(const Draft& d) {
  std::ostringstream y;
  std::istringstream comment(d.comment);
  for (std::string line; std::getline(comment, line);) y << "# " << line << "\n";
  y << "name: " << d.name << "\n"
    << "invariants: on\n"
    << "pack:\n"
    << "  model: " << d.model << "\n"
    << "  chemistry: " << d.chemistry << "\n"
    << "  cells: " << d.cells << "\n"
    << "  capacity_ah: " << number(d.capacity_ah) << "\n"
    << "  soc: " << number(d.soc) << "\n"
    << "  seed: " << d.seed << "\n"
    << "  temp_c: " << number(d.temp_c) << "\n"
    << "  spread_mv: " << number(d.spread_mv) << "\n"
    << "  spread: {soc_pct: " << number(d.soc_sigma_pct)
    << ", capacity_pct: " << number(d.capacity_sigma_pct) << "}\n";
  if (!d.settings.empty()) {
    y << "settings:\n";
    for (const auto& [name, value] : d.settings) y << "  " << name << ": " << value << "\n";
  }
  y << "ambient: " << d.ambient << "\n"
    << "period: " << number(d.period_s) << "s\n"
    << "record: 1h\n";
  if (!d.faults.empty()) {
    y << "faults:\n";
    for (const auto& f : d.faults) {
      y << "  - {" << f.fields << ", at: " << number(f.at_s) << "s";
      if (f.for_s) y << ", for: " << number(*f.for_s) << "s";
      y << "}\n";
    }
  }
  y << "steps:\n";
  for (const auto& s : d.steps) {
    y << "  - for: " << number(s.for_s) << "s\n";
    for (const auto& w : s.world) y << "    " << w << "\n";
    if (!s.commands.empty()) {
      y << "    command:\n";
      for (const auto& c : s.commands) y << "      - " << c << "\n";
    }
    if (s.power_cut) {
      y << "    power_cut: {off: " << number(s.power_cut->off_s) << "s";
      if (s.power_cut->torn_bytes) y << ", torn_bytes: " << *s.power_cut->torn_bytes;
      y << "}\n";
    }
  }
  return y.str();
}

Draft random_draft(uint64_t run_seed, double max_duration_s) {
  Dice dice(run_seed);
  Draft d;
  d.seed = dice.next() % 1'000'000'000;
  // Model, chemistry and cells: any combination the board accepts.
  const auto& model =
      core::kModels[static_cast<std::size_t>(dice.integer(0, core::kModels.size() - 1))];
  std::vector<core::Chemistry> chemistries;
  for (std::size_t c = 0; c < core::kChemistryCount; ++c) {
    if (model.cells[c].max > 0) chemistries.push_back(static_cast<core::Chemistry>(c));
  }
  const core::Chemistry chemistry = dice.pick(chemistries);
  const core::CellRange range = model.cells[static_cast<std::size_t>(chemistry)];
  d.model = std::string(model.name);
  d.chemistry = std::string(core::kChemistryNames[static_cast<std::size_t>(chemistry)]);
  d.cells = dice.integer(range.min, range.max);
  d.capacity_ah = std::round(dice.spread(5.0, 400.0));
  d.soc = dice.uniform(0.0, 100.0);
  d.temp_c = dice.uniform(-25.0, 55.0);
  d.spread_mv = dice.chance(0.5) ? dice.uniform(0.0, 200.0) : 0.0;
  d.soc_sigma_pct = dice.uniform(0.0, 3.0);
  d.capacity_sigma_pct = dice.uniform(0.0, 5.0);
  d.period_s = dice.pick(std::vector<double>{0.1, 0.1, 0.25, 0.5, 1.0});

  core::Settings s = core::Settings::preset(chemistry, model.id, d.cells);
  (void)core::apply_change(s, Param::design_capacity,
                           static_cast<int32_t>(std::lround(d.capacity_ah * 1000.0)));
  const std::vector<Param> params = drawable_params();
  const int overrides = dice.integer(0, 8);
  for (int i = 0; i < overrides; ++i) {
    const Param p = dice.pick(params);
    const std::string name(core::info(p).name);
    const bool again = std::any_of(d.settings.begin(), d.settings.end(),
                                   [&](const auto& kv) { return kv.first == name; });
    const int32_t v = draw_value(dice, p, s);
    if (again || !round_trips(p, v) || !core::apply_change(s, p, v).ok()) continue;
    d.settings.emplace_back(name, host::format_display(p, v));
  }
  d.ambient = dice.chance(0.7) ? number(dice.uniform(-30.0, 60.0))
                               : "{mean_c: " + number(dice.uniform(-10.0, 40.0)) +
                                     ", amplitude_c: " + number(dice.uniform(0.0, 15.0)) + "}";

  const int step_count = dice.integer(1, 6);
  double t = 0.0;
  for (int i = 0; i < step_count && t < max_duration_s; ++i) {
    DraftStep st;
    st.for_s = std::min(std::round(dice.spread(5.0, 7200.0)), max_duration_s - t);
    st.for_s = std::max(st.for_s, 1.0);
    const int worlds = dice.integer(0, 2);
    for (int w = 0; w < worlds; ++w) {
      std::string line = world_of(dice, d, s);
      const auto key = line.substr(0, line.find(':'));
      const bool repeated =
          std::any_of(st.world.begin(), st.world.end(),
                      [&](const std::string& x) { return x.substr(0, x.find(':')) == key; });
      if (!line.empty() && !repeated) st.world.push_back(std::move(line));
    }
    if (dice.chance(0.25)) st.world.push_back("ambient_c: " + number(dice.uniform(-30.0, 65.0)));
    const int commands = dice.chance(0.5) ? dice.integer(1, 3) : 0;
    for (int c = 0; c < commands; ++c) st.commands.push_back(command_of(dice, s, params));
    if (i > 0 && dice.chance(0.2)) {
      PowerCutSpec cut;
      cut.off_s = dice.spread(0.1, 120.0);
      if (dice.chance(0.5)) cut.torn_bytes = dice.integer(0, 9000);
      st.power_cut = cut;
    }
    if (st.world.empty()) st.world.push_back("current_a: 0");
    t += st.for_s;
    d.steps.push_back(std::move(st));
  }
  const int sensors = model.temp_sensors;
  const int faults = dice.chance(0.6) ? dice.integer(1, 3) : 0;
  for (int i = 0; i < faults; ++i) {
    DraftFault f;
    f.fields = fault_of(dice, d, sensors);
    f.at_s = std::floor(dice.uniform(0.0, t));
    if (dice.chance(0.7)) f.for_s = dice.spread(0.05, 900.0);
    d.faults.push_back(std::move(f));
  }
  return d;
}

}  // namespace softbms::sim::campaign
