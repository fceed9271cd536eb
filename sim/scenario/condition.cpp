#include "sim/scenario/condition.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <optional>

#include "core/io/alarm.hpp"
#include "core/io/event.hpp"
#include "core/settings/param.hpp"
#include "support/text.hpp"

namespace softbms::sim {
namespace {

using Read = double (*)(const Probe&);

struct Metric {
  std::string_view name;
  std::string_view unit;  // "flag" reads on/off
  Read read;
};

double flag(bool b) {
  return b ? 1.0 : 0.0;
}
double snap_temp(const core::Snapshot& s, bool want_max) {
  double best = want_max ? -1e9 : 1e9;
  for (std::size_t i = 1; i < core::kMaxTempSensors; ++i) {
    if ((s.temp_present_mask & (1u << i)) == 0) continue;
    const double c = s.temp[i].count() / 10.0;
    best = want_max ? std::max(best, c) : std::min(best, c);
  }
  return best;
}

// clang-format off
constexpr std::array<Metric, 24> kMetrics = {{
  {"t", "s", [](const Probe& p) { return p.t_s; }},
  {"step_t", "s", [](const Probe& p) { return p.step_s; }},
  {"soc", "%", [](const Probe& p) { return p.snapshot->soc_permille / 10.0; }},
  {"true_soc", "%", [](const Probe& p) { return p.true_soc; }},
  {"max_cell_mv", "mV", [](const Probe& p) { return double(p.snapshot->cell_max.count()); }},
  {"min_cell_mv", "mV", [](const Probe& p) { return double(p.snapshot->cell_min.count()); }},
  {"spread_mv", "mV", [](const Probe& p) { return double(p.snapshot->cell_delta.count()); }},
  {"pack_v", "V", [](const Probe& p) { return p.snapshot->pack_voltage.count() / 1000.0; }},
  {"current_a", "A", [](const Probe& p) { return p.snapshot->current.count() / 1000.0; }},
  {"temp_c", "°C", [](const Probe& p) { return snap_temp(*p.snapshot, true); }},
  {"min_temp_c", "°C", [](const Probe& p) { return snap_temp(*p.snapshot, false); }},
  {"mos_temp_c", "°C", [](const Probe& p) { return p.snapshot->temp[core::kMosSensor].count() / 10.0; }},
  {"true_max_cell_c", "°C", [](const Probe& p) { return p.true_max_cell_c; }},
  {"true_min_cell_c", "°C", [](const Probe& p) { return p.true_min_cell_c; }},
  {"full_capacity_ah", "Ah", [](const Probe& p) { return static_cast<double>(p.snapshot->full_capacity.count()) / 1000.0; }},
  {"remaining_ah", "Ah", [](const Probe& p) { return static_cast<double>(p.snapshot->remaining.count()) / 1000.0; }},
  {"charge_fet", "flag", [](const Probe& p) { return flag(p.snapshot->charge_fet); }},
  {"discharge_fet", "flag", [](const Probe& p) { return flag(p.snapshot->discharge_fet); }},
  {"heater", "flag", [](const Probe& p) { return flag(p.snapshot->heater); }},
  {"balancing", "flag", [](const Probe& p) { return flag(p.snapshot->balance_state != core::BalanceState::off); }},
  {"asleep", "flag", [](const Probe& p) { return flag(p.snapshot->power_state == core::PowerState::sleeping); }},
  {"charger_present", "flag", [](const Probe& p) { return flag(p.snapshot->charger_present); }},
  {"emergency", "flag", [](const Probe& p) { return flag(p.snapshot->emergency_remaining.count() > 0); }},
  {"alarms", "count", [](const Probe& p) { return double(std::popcount(p.snapshot->alarms)); }},
}};
// clang-format on

struct OpWord {
  std::string_view text;
  CompareOp op;
};
constexpr std::array<OpWord, 6> kOps = {{{">=", CompareOp::ge},
                                         {"<=", CompareOp::le},
                                         {"==", CompareOp::eq},
                                         {"!=", CompareOp::ne},
                                         {">", CompareOp::gt},
                                         {"<", CompareOp::lt}}};

using support::trim;

// Metrics first, then the alarm bits as flags: index >= kMetrics.size() is an alarm.
std::optional<std::size_t> metric_index(std::string_view name) {
  for (std::size_t i = 0; i < kMetrics.size(); ++i) {
    if (kMetrics[i].name == name) return i;
  }
  for (std::size_t i = 0; i < core::kAlarms.size(); ++i) {
    if (core::kAlarms[i].name == name) return kMetrics.size() + i;
  }
  return std::nullopt;
}

bool is_flag(std::size_t metric) {
  return metric >= kMetrics.size() || kMetrics[metric].unit == "flag";
}

double read(std::size_t metric, const Probe& p) {
  if (metric < kMetrics.size()) return kMetrics[metric].read(p);
  const auto bit = core::kAlarms[metric - kMetrics.size()].bit;
  return flag((p.snapshot->alarms & core::alarm_mask(bit)) != 0);
}

std::optional<double> parse_value(std::string_view word, bool flag_metric) {
  if (word == "on" || word == "true") return 1.0;
  if (word == "off" || word == "false") return 0.0;
  if (flag_metric) return std::nullopt;
  double v = 0.0;
  if (!support::parse_number(word, v)) return std::nullopt;
  return v;
}

std::string parse_event_clause(std::string_view body, Clause& c) {
  body = trim(body);
  const auto space = body.find(' ');
  c.is_event = true;
  c.event_name = std::string(trim(body.substr(0, space)));
  if (space != std::string_view::npos) c.event_state = std::string(trim(body.substr(space + 1)));
  if (c.event_name.empty()) return "an event condition needs a name (event: cell_ovp trip)";
  if (!known_event_name(c.event_name)) return "unknown event '" + c.event_name + "'";
  return {};
}

std::string parse_compare_clause(std::string_view text, Clause& c) {
  const auto at = text.find_first_of("<>=!");
  if (at == std::string_view::npos) {
    return "'" + std::string(text) + "' is not 'name op value' (soc >= 100) nor 'event: name'";
  }
  const std::string_view name = trim(text.substr(0, at));
  std::string_view rest = text.substr(at);
  const OpWord* op = nullptr;
  for (const auto& o : kOps) {
    if (rest.starts_with(o.text)) {
      op = &o;
      break;
    }
  }
  if (op == nullptr) return "unknown comparison in '" + std::string(text) + "'";
  const auto metric = metric_index(name);
  if (!metric) return "unknown quantity '" + std::string(name) + "'";
  const std::string_view word = trim(rest.substr(op->text.size()));
  const auto value = parse_value(word, is_flag(*metric));
  if (!value) {
    return "'" + std::string(word) + "' is not a " +
           (is_flag(*metric) ? "flag (on/off)" : "number");
  }
  c.metric = *metric;
  c.op = op->op;
  c.value = *value;
  return {};
}

bool compare(double a, CompareOp op, double b) {
  switch (op) {
    case CompareOp::lt:
      return a < b;
    case CompareOp::le:
      return a <= b;
    case CompareOp::gt:
      return a > b;
    case CompareOp::ge:
      return a >= b;
    case CompareOp::eq:
      return a == b;
    case CompareOp::ne:
      return a != b;
  }
  return false;
}

bool event_seen(const Clause& c, const Probe& p) {
  for (std::size_t i = p.step_first_event; i < p.events->size(); ++i) {
    const RunEvent& e = (*p.events)[i];
    if (e.name == c.event_name && (c.event_state.empty() || e.state == c.event_state)) return true;
  }
  return false;
}

}  // namespace

ParsedCondition parse_condition(std::string_view text) {
  ParsedCondition out;
  out.condition.text = std::string(trim(text));
  std::string_view rest = trim(text);
  if (rest.empty()) out.error = "empty condition";
  while (out.error.empty() && !rest.empty()) {
    const auto and_at = rest.find(" and ");
    const std::string_view part = trim(rest.substr(0, and_at));
    rest = and_at == std::string_view::npos ? std::string_view{} : rest.substr(and_at + 5);
    Clause c;
    if (part.starts_with("event:")) {
      out.error = parse_event_clause(part.substr(6), c);
    } else {
      out.error = parse_compare_clause(part, c);
    }
    out.condition.all.push_back(std::move(c));
  }
  return out;
}

bool holds(const Condition& c, const Probe& p) {
  for (const Clause& clause : c.all) {
    const bool ok = clause.is_event ? event_seen(clause, p)
                                    : compare(read(clause.metric, p), clause.op, clause.value);
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string> metric_names() {
  std::vector<std::string> names;
  names.reserve(kMetrics.size() + core::kAlarms.size());
  for (const auto& m : kMetrics)
    names.push_back(std::string(m.name) + " (" + std::string(m.unit) + ")");
  for (const auto& a : core::kAlarms) names.push_back(std::string(a.name) + " (flag)");
  return names;
}

bool metric_value(std::string_view name, const Probe& p, double& out) {
  const auto metric = metric_index(name);
  if (!metric) return false;
  out = read(*metric, p);
  return true;
}

bool known_event_name(std::string_view name) {
  for (const auto& a : core::kAlarms) {
    if (a.name == name) return true;
  }
  for (const auto n : core::kEventNames) {
    if (n == name) return true;
  }
  if (name == "emergency" || name == "step") return true;
  return core::param_from_name(name).has_value();
}

}  // namespace softbms::sim
