#include "sim/scenario/scenario_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include "core/settings/change.hpp"
#include "core/settings/validate.hpp"
#include "host/text/param_text.hpp"

namespace softbms::sim {
namespace {

// Thrown inside the parser only and turned into a ScenarioError at its edge, so that each
// reader below stays a straight line of field reads.
struct Bad {
  ScenarioError error;
};

int line_of(const YAML::Node& n) {
  return n.Mark().is_null() ? 0 : n.Mark().line + 1;
}

[[noreturn]] void fail(const YAML::Node& at, const std::string& field, const std::string& message) {
  throw Bad{{line_of(at), field, message}};
}

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string item(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i + 1) + "]";
}

// A mapping whose keys are checked against the allowed ones, so a typo is an error, not a
// silently ignored line.
class Map {
 public:
  Map(const YAML::Node& node, std::string path, std::initializer_list<std::string_view> allowed)
      : node_(node), path_(std::move(path)) {
    if (!node.IsMap()) fail(node, path_, "expected a mapping (key: value lines)");
    for (const auto& kv : node) {
      const auto key = kv.first.as<std::string>();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(kv.first, join(path_, key), "unknown field (known: " + list + ")");
      }
    }
  }
  [[nodiscard]] bool has(const std::string& key) const { return node_[key].IsDefined(); }
  [[nodiscard]] YAML::Node get(const std::string& key) const { return node_[key]; }
  [[nodiscard]] std::string field(const std::string& key) const { return join(path_, key); }
  [[nodiscard]] const YAML::Node& node() const { return node_; }

  [[nodiscard]] std::string text(const std::string& key) const {
    const auto n = node_[key];
    if (!n.IsScalar()) fail(n.IsDefined() ? n : node_, field(key), "expected a value");
    return n.Scalar();
  }
  [[nodiscard]] double number(const std::string& key) const {
    return number_of(node_[key], field(key));
  }
  void number(const std::string& key, double& out) const {
    if (has(key)) out = number(key);
  }
  void number(const std::string& key, std::optional<double>& out) const {
    if (has(key)) out = number(key);
  }
  [[nodiscard]] bool flag(const std::string& key) const {
    const auto t = text(key);
    if (t == "on" || t == "true" || t == "yes") return true;
    if (t == "off" || t == "false" || t == "no") return false;
    fail(node_[key], field(key), "'" + t + "' is not on/off");
  }
  [[nodiscard]] double duration(const std::string& key) const {
    const auto t = text(key);
    const auto d = parse_duration_s(t);
    if (!d || *d < 0)
      fail(node_[key], field(key), "'" + t + "' is not a duration (60s, 2h, 30min)");
    return *d;
  }

  static double number_of(const YAML::Node& n, const std::string& field) {
    if (!n.IsScalar()) fail(n, field, "expected a number");
    const std::string& s = n.Scalar();
    double v = 0.0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) {
      fail(n, field, "'" + s + "' is not a number");
    }
    return v;
  }

 private:
  YAML::Node node_;
  std::string path_;
};

// ---- pack and settings ----

void read_spread(const Map& pack, PackSpec& p) {
  if (!pack.has("spread")) return;
  const Map s(pack.get("spread"), pack.field("spread"),
              {"soc_pct", "capacity_pct", "resistance_pct"});
  if (s.has("soc_pct")) p.soc_sigma = s.number("soc_pct") / 100.0;
  if (s.has("capacity_pct")) p.capacity_sigma = s.number("capacity_pct") / 100.0;
  if (s.has("resistance_pct")) p.resistance_sigma = s.number("resistance_pct") / 100.0;
}

// `ageing: on` or `ageing: {spread_pct: 10, speed: 1}` (a map turns it on too).
void read_ageing(const Map& pack, PackSpec& p) {
  if (!pack.has("ageing")) return;
  if (!pack.get("ageing").IsMap()) {
    p.ageing = pack.flag("ageing");
    return;
  }
  const Map a(pack.get("ageing"), pack.field("ageing"), {"spread_pct", "speed"});
  p.ageing = true;
  if (a.has("spread_pct")) {
    p.ageing_sigma = a.number("spread_pct") / 100.0;
    if (*p.ageing_sigma < 0) fail(a.get("spread_pct"), a.field("spread_pct"), "must be 0 or above");
  }
  if (a.has("speed")) {
    p.ageing_speed = a.number("speed");
    if (*p.ageing_speed < 0) fail(a.get("speed"), a.field("speed"), "must be 0 or above");
  }
}

PackSpec read_pack(const YAML::Node& node) {
  const Map m(node, "pack",
              {"model", "chemistry", "cells", "capacity_ah", "soc", "seed", "temp_c", "spread_mv",
               "cell_soc", "spread", "battery_sensors", "heater_w", "balancer_a",
               "load_capacitance_mf", "wired_cells", "ageing"});
  PackSpec p;
  if (m.has("model")) {
    const auto id = core::model_from_name(m.text("model"));
    if (!id) fail(m.get("model"), m.field("model"), "unknown model (softbms models lists them)");
    p.model = *id;
  }
  if (m.has("chemistry")) {
    const auto c = core::chemistry_from_name(m.text("chemistry"));
    if (!c) fail(m.get("chemistry"), m.field("chemistry"), "unknown chemistry (li-ion, lfp, lto)");
    p.chemistry = *c;
  }
  if (m.has("cells")) p.cells = static_cast<int>(m.number("cells"));
  m.number("capacity_ah", p.capacity_ah);
  m.number("soc", p.soc_percent);
  if (p.soc_percent < 0 || p.soc_percent > 100)
    fail(m.get("soc"), m.field("soc"), "SOC is 0..100 %");
  if (m.has("seed")) p.seed = static_cast<uint64_t>(m.number("seed"));
  m.number("temp_c", p.temp_c);
  m.number("spread_mv", p.spread_mv);
  if (m.has("cell_soc")) {
    const auto list = m.get("cell_soc");
    if (!list.IsSequence()) fail(list, m.field("cell_soc"), "expected a list of percentages");
    for (std::size_t i = 0; i < list.size(); ++i) {
      p.cell_soc_percent.push_back(Map::number_of(list[i], item(m.field("cell_soc"), i)));
    }
    if (static_cast<int>(p.cell_soc_percent.size()) != p.cells) {
      fail(list, m.field("cell_soc"), "one SOC per cell: " + std::to_string(p.cells) + " values");
    }
  }
  read_spread(m, p);
  if (m.has("battery_sensors")) p.battery_sensors = static_cast<int>(m.number("battery_sensors"));
  m.number("heater_w", p.heater_w);
  m.number("balancer_a", p.balancer_max_a);
  m.number("load_capacitance_mf", p.load_capacitance_mf);
  if (m.has("wired_cells")) {
    p.wired_cells = static_cast<int>(m.number("wired_cells"));
    if (*p.wired_cells < 1 || *p.wired_cells > kMaxSimCells)
      fail(m.get("wired_cells"), m.field("wired_cells"), "1..32 cells");
  }
  read_ageing(m, p);
  if (p.load_capacitance_mf && *p.load_capacitance_mf < 0)
    fail(m.get("load_capacitance_mf"), m.field("load_capacitance_mf"), "must be 0 or above");
  if (p.capacity_ah <= 0) fail(m.get("capacity_ah"), m.field("capacity_ah"), "must be above 0");
  return p;
}

core::Settings read_settings(const YAML::Node& node, const PackSpec& pack,
                             std::vector<SettingOverride>& out) {
  core::Settings s = core::Settings::preset(pack.chemistry, pack.model, pack.cells);
  const auto capacity = static_cast<int32_t>(std::lround(pack.capacity_ah * 1000.0));
  if (const Status st = core::apply_change(s, core::Param::design_capacity, capacity); !st.ok()) {
    throw Bad{{0, "pack.capacity_ah", host::describe_setting_error(st)}};
  }
  if (const Status st = core::validate(s); !st.ok()) {
    throw Bad{
        {0, "pack", host::describe_setting_error(st) + " (model, chemistry and cells must fit)"}};
  }
  if (!node.IsDefined()) return s;
  if (!node.IsMap())
    fail(node, "settings", "expected name: value lines (names of softbms settings --list)");
  core::ChangeList changes;
  std::vector<YAML::Node> nodes;  // the value node of each change, for the error's line
  for (const auto& kv : node) {
    const auto name = kv.first.as<std::string>();
    const std::string field = "settings." + name;
    const auto p = core::param_from_name(name);
    if (!p) fail(kv.first, field, "unknown setting (softbms settings --list names them)");
    if (!kv.second.IsScalar()) fail(kv.second, field, "expected a value");
    const auto raw = host::parse_display(*p, kv.second.Scalar());
    if (!raw.ok())
      fail(kv.second, field,
           "'" + kv.second.Scalar() + "': " + host::describe_setting_error(raw.status()));
    if (!changes.contains(*p)) {
      out.push_back({*p, raw.value(), line_of(kv.second)});
      nodes.push_back(kv.second);
    }
    static_cast<void>(changes.set(*p, raw.value()));  // a table Param
  }
  // All of them as one step, as the board takes a settings change: checked on the final state.
  if (const Status st = core::apply_changes(s, changes); !st.ok()) {
    const std::string name(core::info(core::error_field(st)).name);
    for (std::size_t i = 0; i < changes.size(); ++i) {
      if (changes[i].param == core::error_field(st))
        fail(nodes[i], "settings." + name, host::describe_setting_error(st));
    }
    fail(node, "settings", host::describe_setting_error(st));
  }
  return s;
}

AmbientSpec read_ambient(const YAML::Node& node) {
  AmbientSpec a;
  if (!node.IsDefined()) return a;
  if (node.IsScalar()) {
    a.constant_c = Map::number_of(node, "ambient");
    return a;
  }
  const Map m(node, "ambient", {"mean_c", "amplitude_c"});
  a.daily = true;
  a.mean_c = m.number("mean_c");
  m.number("amplitude_c", a.amplitude_c);
  return a;
}

// ---- faults ----

struct FaultWord {
  std::string_view name;
  FaultKind kind;
};
constexpr FaultWord kFaultWords[] = {{"short_circuit", FaultKind::short_circuit},
                                     {"open_balance_wire", FaultKind::open_balance_wire},
                                     {"cell_leak", FaultKind::cell_leak},
                                     {"sensor_open", FaultKind::sensor_open},
                                     {"sensor_short", FaultKind::sensor_short},
                                     {"fet_stuck", FaultKind::fet_stuck},
                                     {"current_sensor", FaultKind::current_sensor},
                                     {"leads_swapped", FaultKind::leads_swapped},
                                     {"lead_moved", FaultKind::lead_moved},
                                     {"loose_terminal", FaultKind::loose_terminal},
                                     {"b_p_reversed", FaultKind::b_p_reversed}};

int sensor_index(const Map& m) {
  const auto t = m.text("sensor");
  if (t == "mos") return 0;
  if (t.size() == 2 && t[0] == 't' && t[1] >= '1' && t[1] <= '5') return t[1] - '0';
  fail(m.get("sensor"), m.field("sensor"), "'" + t + "' is not a sensor (mos, t1..t5)");
}

FaultSpec read_fault(const YAML::Node& node, const std::string& path, const PackSpec& pack) {
  const Map m(
      node, path,
      {"kind", "at", "for", "ohm", "lead", "cell", "a", "sensor", "fet", "state", "with", "to"});
  FaultSpec f;
  f.line = line_of(node);
  const auto kind = m.text("kind");
  const auto* word = std::find_if(std::begin(kFaultWords), std::end(kFaultWords),
                                  [&](const FaultWord& w) { return w.name == kind; });
  if (word == std::end(kFaultWords))
    fail(m.get("kind"), m.field("kind"), "unknown fault '" + kind + "'");
  f.fault.kind = word->kind;
  f.fault.start_s = m.has("at") ? m.duration("at") : 0.0;
  f.fault.end_s = m.has("for") ? f.fault.start_s + m.duration("for") : kForever;
  const int wired = pack.wired_cells.value_or(pack.cells);
  switch (f.fault.kind) {
    case FaultKind::short_circuit:
      f.fault.value = m.has("ohm") ? m.number("ohm") : 0.001;
      break;
    case FaultKind::open_balance_wire:
      f.fault.index = static_cast<int>(m.number("lead"));
      if (f.fault.index < 0 || f.fault.index > wired)
        fail(m.get("lead"), m.field("lead"), "lead is 0..cells");
      break;
    case FaultKind::cell_leak:
      f.fault.index = static_cast<int>(m.number("cell")) - 1;
      if (f.fault.index < 0 || f.fault.index >= wired)
        fail(m.get("cell"), m.field("cell"), "cell is 1..cells");
      f.fault.value = m.number("a");
      break;
    case FaultKind::sensor_open:
    case FaultKind::sensor_short:
      f.fault.index = sensor_index(m);
      break;
    case FaultKind::fet_stuck: {
      const auto fet = m.text("fet");
      if (fet != "charge" && fet != "discharge")
        fail(m.get("fet"), m.field("fet"), "charge or discharge");
      f.fault.index = fet == "charge" ? 0 : 1;
      f.fault.value = m.flag("state") ? 1.0 : 0.0;
      break;
    }
    case FaultKind::current_sensor:
      f.fault.value = m.number("a");
      break;
    case FaultKind::leads_swapped:
    case FaultKind::lead_moved: {
      const bool swap = f.fault.kind == FaultKind::leads_swapped;
      const std::string other = swap ? "with" : "to";
      f.fault.index = static_cast<int>(m.number("lead"));
      f.fault.value = m.number(other);
      if (f.fault.index < 0 || f.fault.index > wired)
        fail(m.get("lead"), m.field("lead"), "lead is 0..cells");
      if (f.fault.value < 0 || f.fault.value > wired || f.fault.value == f.fault.index)
        fail(m.get(other), m.field(other), "another lead, 0..cells");
      break;
    }
    case FaultKind::b_p_reversed:
      f.fault.value = m.has("ohm") ? m.number("ohm") : 0.05;
      if (f.fault.value <= 0) fail(m.get("ohm"), m.field("ohm"), "must be above 0");
      break;
    case FaultKind::loose_terminal:
      f.fault.value = m.number("ohm");
      if (f.fault.value <= 0) fail(m.get("ohm"), m.field("ohm"), "must be above 0");
      break;
  }
  return f;
}

// ---- steps ----

ActionSpec read_action(const YAML::Node& node, const std::string& field) {
  if (!node.IsScalar())
    fail(node, field, "expected a command (emergency on, set NAME VALUE, charge_enabled off)");
  ActionSpec a;
  a.text = node.Scalar();
  a.line = line_of(node);
  a.command.origin = core::Origin::sim;
  a.command.authority = core::Authority::settings;
  std::istringstream words(a.text);
  std::string verb, arg1, arg2;
  words >> verb >> arg1 >> arg2;
  if (verb == "emergency" && (arg1 == "on" || arg1 == "off")) {
    a.command.kind = core::CommandKind::emergency;
    a.command.value = arg1 == "on" ? 1 : 0;
    return a;
  }
  if (verb == "button" && arg1.empty()) {
    a.button = true;
    return a;
  }
  if ((verb == "shutdown" || verb == "wake" || verb == "reset_counters") && arg1.empty()) {
    a.command.kind = verb == "shutdown" ? core::CommandKind::shutdown
                     : verb == "wake"   ? core::CommandKind::wake
                                        : core::CommandKind::reset_counters;
    return a;
  }
  const bool is_set = verb == "set";
  const std::string name = is_set ? arg1 : verb;
  const std::string value = is_set ? arg2 : arg1;
  const auto p = core::param_from_name(name);
  if (!p || value.empty() || (!is_set && (core::info(*p).flags & core::kSwitch) == 0)) {
    fail(node, field,
         "'" + a.text +
             "' is not a command (emergency on|off, set NAME VALUE, SWITCH on|off, shutdown, wake, "
             "reset_counters, button)");
  }
  const auto raw = host::parse_display(*p, value);
  if (!raw.ok())
    fail(node, field, "'" + value + "': " + host::describe_setting_error(raw.status()));
  a.command.kind = core::CommandKind::set_param;
  a.command.param = *p;
  a.command.value = raw.value();
  return a;
}

void read_actions(const Map& m, StepSpec& s) {
  if (!m.has("command")) return;
  const auto node = m.get("command");
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      s.actions.push_back(read_action(node[i], item(m.field("command"), i)));
  } else {
    s.actions.push_back(read_action(node, m.field("command")));
  }
}

ProfileSpec read_profile(const Map& step, std::string_view base_dir) {
  const Map m(step.get("profile"), step.field("profile"),
              {"kind", "peak_w", "current_a", "base_w", "file", "quantity"});
  ProfileSpec p;
  const auto kind = m.text("kind");
  if (kind == "dst") {
    p.kind = LoadKind::power;
    p.charge_positive = false;
    p.profile = dst_cycle(m.number("peak_w"));
  } else if (kind == "pulse") {
    p.kind = LoadKind::current;
    p.charge_positive = false;
    p.profile = pulse_cycle(m.number("current_a"));
  } else if (kind == "house") {
    p.kind = LoadKind::power;
    p.charge_positive = false;
    p.profile = house_load_day(m.number("base_w"), m.number("peak_w"));
  } else if (kind == "csv") {
    const auto quantity = m.text("quantity");
    if (quantity != "current_a" && quantity != "power_w")
      fail(m.get("quantity"), m.field("quantity"), "current_a or power_w");
    p.kind = quantity == "current_a" ? LoadKind::current : LoadKind::power;
    const std::string path = std::string(base_dir) + "/" + m.text("file");
    std::ifstream in(path);
    if (!in) fail(m.get("file"), m.field("file"), "cannot read " + path);
    std::stringstream buf;
    buf << in.rdbuf();
    auto parsed = parse_profile_csv(buf.str());
    if (!parsed.ok()) {
      fail(m.get("file"), m.field("file"),
           path + ":" + std::to_string(parsed.status().detail()) + ": " +
               std::string(errc_name(parsed.status().code())));
    }
    p.profile = parsed.value();
  } else {
    fail(m.get("kind"), m.field("kind"), "unknown profile '" + kind + "' (dst, pulse, house, csv)");
  }
  return p;
}

InverterSpec read_inverter(const Map& step) {
  const Map m(step.get("inverter"), step.field("inverter"),
              {"pv_peak_w", "sunrise_h", "sunset_h", "start_h", "base_w", "peak_w", "max_charge_a",
               "max_discharge_a", "follow_limits", "charge_voltage_v", "cutoff_v", "restart_v",
               "link_period", "wake_a"});
  InverterSpec v;
  v.pv_peak_w = m.number("pv_peak_w");
  m.number("sunrise_h", v.sunrise_h);
  m.number("sunset_h", v.sunset_h);
  m.number("start_h", v.start_h);
  if (v.start_h < 0 || v.start_h >= 24) fail(m.get("start_h"), m.field("start_h"), "0 .. 24 h");
  v.base_w = m.number("base_w");
  m.number("peak_w", v.peak_w);
  m.number("max_charge_a", v.max_charge_a);
  m.number("max_discharge_a", v.max_discharge_a);
  if (m.has("follow_limits")) v.follow_limits = m.flag("follow_limits");
  m.number("charge_voltage_v", v.charge_voltage_v);
  m.number("cutoff_v", v.cutoff_v);
  m.number("restart_v", v.restart_v);
  m.number("wake_a", v.wake_a);
  if (m.has("link_period")) v.link_period_s = m.duration("link_period");
  for (const char* key : {"pv_peak_w", "base_w", "max_charge_a", "max_discharge_a", "wake_a"}) {
    if (m.has(key) && m.number(key) < 0) fail(m.get(key), m.field(key), "must be 0 or more");
  }
  if (v.sunset_h <= v.sunrise_h || v.sunrise_h < 0 || v.sunset_h > 24)
    fail(m.node(), m.field("sunset_h"), "sunrise_h < sunset_h, both within 0..24");
  if (!v.follow_limits && v.charge_voltage_v <= 0) {
    fail(m.node(), m.field("charge_voltage_v"),
         "an inverter that does not follow the BMS needs its own charge_voltage_v");
  }
  return v;
}

// power_cut: 5s, or {off: 5s, torn_bytes: 120}.
PowerCutSpec read_power_cut(const Map& step) {
  PowerCutSpec p;
  const auto node = step.get("power_cut");
  if (node.IsScalar()) {
    p.off_s = step.duration("power_cut");
    return p;
  }
  const Map m(node, step.field("power_cut"), {"off", "torn_bytes"});
  if (m.has("off")) p.off_s = m.duration("off");
  if (m.has("torn_bytes")) {
    const double b = m.number("torn_bytes");
    if (b < 0 || b != std::floor(b) || b > 1e9)
      fail(m.get("torn_bytes"), m.field("torn_bytes"), "a whole number of bytes, 0 or more");
    p.torn_bytes = static_cast<int64_t>(b);
  }
  return p;
}

void read_step_end(const Map& m, StepSpec& s) {
  const int ends = (m.has("for") ? 1 : 0) + (m.has("until") ? 1 : 0) + (m.has("rest") ? 1 : 0);
  if (ends != 1)
    fail(m.node(), m.field("for"), "a step needs exactly one of for:, until: or rest:");
  if (m.has("for")) s.duration_s = m.duration("for");
  if (m.has("rest")) s.duration_s = m.duration("rest");
  if (m.has("until")) {
    auto parsed = parse_condition(m.text("until"));
    if (!parsed.error.empty()) fail(m.get("until"), m.field("until"), parsed.error);
    s.until = std::move(parsed.condition);
    if (!m.has("max"))
      fail(m.get("until"), m.field("max"), "an until: step needs max: (a time limit)");
    s.max_s = m.duration("max");
    if (m.has("allow_max")) s.allow_limit = m.flag("allow_max");
  }
}

StepSpec read_step(const YAML::Node& node, const std::string& path, std::string_view base_dir) {
  const Map m(node, path,
              {"label", "for", "until", "max", "allow_max", "rest", "current_a", "power_w",
               "resistance_ohm", "charger", "solar_day", "profile", "inverter", "ambient_c",
               "command", "power_cut"});
  StepSpec s;
  s.line = line_of(node);
  if (m.has("label")) s.label = m.text("label");
  read_step_end(m, s);
  if (m.has("rest") &&
      (m.has("current_a") || m.has("power_w") || m.has("resistance_ohm") || m.has("charger") ||
       m.has("solar_day") || m.has("profile") || m.has("inverter"))) {
    fail(node, m.field("rest"), "a rest step has no load or charger");
  }
  m.number("current_a", s.current_a);
  m.number("power_w", s.power_w);
  m.number("resistance_ohm", s.resistance_ohm);
  if (s.resistance_ohm && *s.resistance_ohm <= 0)
    fail(m.get("resistance_ohm"), m.field("resistance_ohm"), "must be above 0");
  if (m.has("charger")) {
    const Map c(m.get("charger"), m.field("charger"), {"voltage_v", "current_a"});
    s.charger = ChargerSpec{c.number("voltage_v"), c.number("current_a")};
  }
  if (m.has("solar_day")) {
    const Map d(m.get("solar_day"), m.field("solar_day"),
                {"pv_peak_a", "cv_v", "base_w", "peak_w"});
    s.solar_day = SolarDaySpec{d.number("pv_peak_a"), d.number("cv_v"), d.number("base_w"),
                               d.number("peak_w")};
  }
  if (m.has("profile")) s.profile = read_profile(m, base_dir);
  if (m.has("inverter")) s.inverter = read_inverter(m);
  m.number("ambient_c", s.ambient_c);
  read_actions(m, s);
  if (m.has("power_cut")) s.power_cut = read_power_cut(m);
  return s;
}

// ---- expectations ----

EventExpectation read_event_expectation(const YAML::Node& node, const std::string& path) {
  const Map m(node, path, {"name", "state", "within", "never", "count"});
  EventExpectation e;
  e.line = line_of(node);
  e.name = m.text("name");
  if (!known_event_name(e.name))
    fail(m.get("name"), m.field("name"), "unknown event '" + e.name + "'");
  if (m.has("state")) e.state = m.text("state");
  if (m.has("within")) {
    const auto w = m.get("within");
    if (!w.IsSequence() || w.size() != 2)
      fail(w, m.field("within"), "expected [from, to] in seconds");
    e.from_s = Map::number_of(w[0], m.field("within") + "[1]");
    e.to_s = Map::number_of(w[1], m.field("within") + "[2]");
  }
  if (m.has("never")) e.never = m.flag("never");
  if (m.has("count")) e.count = static_cast<int>(m.number("count"));
  return e;
}

ValueExpectation read_value_expectation(const YAML::Node& key, const YAML::Node& v) {
  ValueExpectation e;
  e.path = key.as<std::string>();
  e.line = line_of(v);
  const std::string field = "expect.values." + e.path;
  if (v.IsSequence()) {
    if (v.size() != 2) fail(v, field, "expected [min, max] (null for no bound)");
    if (!v[0].IsNull()) e.lo = Map::number_of(v[0], field + "[1]");
    if (!v[1].IsNull()) e.hi = Map::number_of(v[1], field + "[2]");
    return e;
  }
  if (!v.IsScalar()) fail(v, field, "expected [min, max], a number, true/false or a word");
  const std::string& s = v.Scalar();
  if (v.Tag() == "!") {
    e.word = s;  // quoted: a word even when it reads "on"
    return e;
  }
  if (s == "true" || s == "on")
    e.flag = true;
  else if (s == "false" || s == "off")
    e.flag = false;
  else if (double x = 0.0;
           std::from_chars(s.data(), s.data() + s.size(), x).ptr == s.data() + s.size())
    e.lo = e.hi = x;
  else
    e.word = s;
  return e;
}

void read_expect(const YAML::Node& node, Scenario& sc) {
  if (!node.IsDefined()) return;
  const Map m(node, "expect", {"events", "values"});
  if (m.has("events")) {
    const auto list = m.get("events");
    if (!list.IsSequence()) fail(list, "expect.events", "expected a list");
    for (std::size_t i = 0; i < list.size(); ++i)
      sc.expect_events.push_back(read_event_expectation(list[i], item("expect.events", i)));
  }
  if (m.has("values")) {
    const auto values = m.get("values");
    if (!values.IsMap()) fail(values, "expect.values", "expected path: [min, max] lines");
    for (const auto& kv : values)
      sc.expect_values.push_back(read_value_expectation(kv.first, kv.second));
  }
}

Scenario read_scenario(const YAML::Node& root, std::string_view base_dir,
                       core::Settings& settings) {
  const Map m(root, "",
              {"name", "description", "pack", "settings", "ambient", "period", "record",
               "spread_bound_mv", "spread_hold", "faults", "steps", "expect", "invariants"});
  Scenario sc;
  sc.name = m.text("name");
  if (m.has("description")) sc.description = m.text("description");
  if (m.has("pack")) sc.pack = read_pack(m.get("pack"));
  settings = read_settings(m.get("settings"), sc.pack, sc.settings);
  sc.ambient = read_ambient(m.get("ambient"));
  if (m.has("period")) sc.period_s = m.duration("period");
  if (sc.period_s < 0.001 || sc.period_s > 10.0)
    fail(m.get("period"), "period", "the control period is 1 ms .. 10 s");
  if (m.has("record")) sc.record_s = m.duration("record");
  if (sc.record_s <= 0) fail(m.get("record"), "record", "must be above 0");
  m.number("spread_bound_mv", sc.spread_bound_mv);
  if (m.has("spread_hold")) sc.spread_hold_s = m.duration("spread_hold");
  if (m.has("faults")) {
    const auto list = m.get("faults");
    if (!list.IsSequence()) fail(list, "faults", "expected a list");
    for (std::size_t i = 0; i < list.size(); ++i)
      sc.faults.push_back(read_fault(list[i], item("faults", i), sc.pack));
  }
  const auto steps = m.get("steps");
  if (!steps.IsSequence() || steps.size() == 0)
    fail(steps.IsDefined() ? steps : root, "steps", "expected a list of steps");
  for (std::size_t i = 0; i < steps.size(); ++i)
    sc.steps.push_back(read_step(steps[i], item("steps", i), base_dir));
  read_expect(m.get("expect"), sc);
  if (m.has("invariants")) sc.check_invariants = m.flag("invariants");
  return sc;
}

}  // namespace

std::string ScenarioError::text(std::string_view file) const {
  std::string out(file);
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!field.empty()) out += field + ": ";
  return out + message;
}

std::optional<double> parse_duration_s(std::string_view text) {
  struct Suffix {
    std::string_view word;
    double seconds;
  };
  constexpr Suffix kSuffixes[] = {{"ms", 0.001},  {"min", 60.0},         {"s", 1.0}, {"h", 3600.0},
                                  {"d", 86400.0}, {"y", 365.0 * 86400.0}};  // a year of 365 days
  double scale = 1.0;
  for (const auto& s : kSuffixes) {
    if (text.ends_with(s.word)) {
      text.remove_suffix(s.word.size());
      scale = s.seconds;
      break;
    }
  }
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v))
    return std::nullopt;
  return v * scale;
}

LoadedScenario parse_scenario(std::string_view yaml, std::string_view base_dir) {
  LoadedScenario out;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    out.scenario = read_scenario(root, base_dir, out.settings);
  } catch (const Bad& b) {
    out.error = b.error;
  } catch (const YAML::Exception& e) {
    out.error = {e.mark.is_null() ? 0 : e.mark.line + 1, "", e.msg};
  }
  return out;
}

LoadedScenario load_scenario_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    LoadedScenario out;
    out.error = {0, "", "cannot read the file"};
    return out;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const auto slash = path.rfind('/');
  return parse_scenario(buf.str(),
                        slash == std::string::npos ? "." : std::string_view(path).substr(0, slash));
}

}  // namespace softbms::sim
