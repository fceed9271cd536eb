#include "sim/scenario/summary.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

#include "core/settings/model.hpp"
#include "host/text/snapshot_json.hpp"

namespace softbms::sim {
namespace {

using nlohmann::json;

// Three decimals: below what any figure here means, and free of float noise in the text.
double r3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

std::string seconds_text(double s) {
  std::ostringstream os;
  os << r3(s);
  return os.str();
}

constexpr const char* kStepEnds[] = {"time", "condition", "limit"};

json steps_json(const RunResult& run) {
  json steps = json::array();
  for (const auto& s : run.steps) {
    steps.push_back({{"label", s.label},
                     {"line", s.line},
                     {"start_s", r3(s.start_s)},
                     {"end_s", r3(s.end_s)},
                     {"ended", kStepEnds[static_cast<int>(s.ended)]}});
  }
  return steps;
}

json events_json(const RunResult& run) {
  json events = json::array();
  for (const auto& e : run.events) {
    events.push_back({{"t", r3(e.t_s)}, {"name", e.name}, {"state", e.state}, {"value", e.value}});
  }
  return events;
}

json figures_json(const RunResult& run) {
  const RunStats& st = run.stats;
  const PlantTotals& t = run.totals;
  return {
      {"soc",
       {{"initial_true", r3(st.true_soc_initial)},
        {"final_true", r3(run.true_soc_final)},
        {"final_estimated", r3(run.final_snapshot.soc_permille / 10.0)},
        {"min_true", r3(st.true_soc_min)},
        {"max_true", r3(st.true_soc_max)}}},
      {"energy",
       {{"in_wh", r3(t.energy_in_wh)},
        {"out_wh", r3(t.energy_out_wh)},
        {"charge_in_ah", r3(t.charge_in_ah)},
        {"charge_out_ah", r3(t.charge_out_ah)},
        {"heater_wh", r3(t.heater_wh)},
        {"fet_heat_wh", r3(t.fet_heat_wh)},
        {"board_ah", r3(t.board_ah)}}},
      {"balancer",
       {{"moved_ah", r3(t.balancer_out_ah)},
        {"delivered_ah", r3(t.balancer_in_ah)},
        {"loss_wh", r3(t.balancer_loss_wh)},
        {"active_s", r3(st.balancing_s)}}},
      {"temperature",
       {{"min_c", r3(st.temp_min_c)},
        {"max_c", r3(st.temp_max_c)},
        {"true_cell_min_c", r3(st.true_cell_min_c)},
        {"true_cell_max_c", r3(st.true_cell_max_c)},
        {"heater_on_s", r3(st.heater_on_s)}}},
      {"fets",
       {{"charge_off_s", r3(st.charge_fet_off_s)},
        {"discharge_off_s", r3(st.discharge_fet_off_s)}}},
      {"charge",
       {{"absorption_s", r3(st.absorption_s)},
        {"float_s", r3(st.float_s)},
        {"cvl_min_v", r3(st.cvl_min_v)},
        {"cvl_max_v", r3(st.cvl_max_v)},
        {"ccl_max_a", r3(st.ccl_max_a)},
        {"dcl_max_a", r3(st.dcl_max_a)},
        {"max_charge_a", r3(st.max_charge_a)},
        {"max_discharge_a", r3(st.max_discharge_a)}}},
  };
}

json inverter_json(const InverterTotals& t) {
  if (!t.present) return nullptr;
  return {{"pv_wh", r3(t.pv_wh)},
          {"house_wh", r3(t.house_wh)},
          {"grid_import_wh", r3(t.grid_import_wh)},
          {"grid_export_wh", r3(t.grid_export_wh)}};
}

json cells_json(const Scenario& sc, const RunResult& run) {
  const RunStats& st = run.stats;
  return {{"max_mv", st.max_cell_mv},
          {"max_at_s", r3(st.max_cell_t_s)},
          {"max_cell", st.max_cell},
          {"min_mv", st.min_cell_mv},
          {"min_at_s", r3(st.min_cell_t_s)},
          {"min_cell", st.min_cell},
          {"spread",
           {{"bound_mv", sc.spread_bound_mv},
            {"hold_s", r3(sc.spread_hold_s)},
            {"initial_mv", st.spread_initial_mv},
            {"max_mv", st.spread_max_mv},
            {"final_mv", run.final_snapshot.cell_delta.count()},
            {"below_bound_at_s",
             st.spread_below_at_s < 0 ? json(nullptr) : json(r3(st.spread_below_at_s))}}}};
}

std::string window_text(const EventExpectation& e) {
  if (e.from_s == 0.0 && std::isinf(e.to_s)) return "";
  return " within " + seconds_text(e.from_s) + ".." + seconds_text(e.to_s) + " s";
}

std::string seen_text(const json& events, const EventExpectation& e) {
  std::string times;
  int shown = 0;
  for (const auto& ev : events) {
    if (ev["name"] != e.name || (!e.state.empty() && ev["state"] != e.state)) continue;
    if (shown++ < 5) times += (times.empty() ? "" : ", ") + seconds_text(ev["t"].get<double>());
  }
  return times.empty() ? "never seen" : "seen at " + times + (shown > 5 ? ", ..." : "") + " s";
}

std::string check_event(const EventExpectation& e, const json& events) {
  int hits = 0;
  for (const auto& ev : events) {
    const double t = ev["t"].get<double>();
    if (ev["name"] == e.name && (e.state.empty() || ev["state"] == e.state) && t >= e.from_s &&
        t <= e.to_s)
      ++hits;
  }
  const std::string what =
      "event " + e.name + (e.state.empty() ? "" : " " + e.state) + window_text(e);
  const std::string where = "line " + std::to_string(e.line) + ": ";
  if (e.never && hits > 0) return where + what + " must not occur: " + seen_text(events, e);
  if (e.count && hits != *e.count) {
    return where + what + " expected " + std::to_string(*e.count) + " times, got " +
           std::to_string(hits) + " (" + seen_text(events, e) + ")";
  }
  if (!e.never && !e.count && hits == 0) return where + what + ": " + seen_text(events, e);
  return {};
}

std::string check_value(const ValueExpectation& e, const json& summary) {
  const json v = value_at(summary, e.path);
  const std::string where = "line " + std::to_string(e.line) + ": " + e.path;
  if (v.is_null()) return where + ": no such value in the summary (or null)";
  if (e.flag) {
    if (!v.is_boolean() || v.get<bool>() != *e.flag)
      return where + " expected " + (*e.flag ? "true" : "false") + ", got " + v.dump();
    return {};
  }
  if (e.word) {
    if (!v.is_string() || v.get<std::string>() != *e.word)
      return where + " expected " + *e.word + ", got " + v.dump();
    return {};
  }
  if (!v.is_number()) return where + " is not a number: " + v.dump();
  const double x = v.get<double>();
  if (x < e.lo || x > e.hi) {
    const std::string lo = std::isinf(e.lo) ? "-" : seconds_text(e.lo);
    const std::string hi = std::isinf(e.hi) ? "-" : seconds_text(e.hi);
    return where + " = " + v.dump() + ", expected " +
           (e.lo == e.hi ? lo : "[" + lo + ", " + hi + "]");
  }
  return {};
}

// Every cell at the end (capacity and resistance, now and new) and the pack's capacity as the
// board learned it beside the truth: the usable capacity is the smallest cell's.
json ageing_json(const RunResult& run) {
  json cells = json::array();
  double smallest = run.cells_end.empty() ? 0.0 : run.cells_end.front().capacity_ah;
  double mean = 0.0;
  double new_mean = 0.0;
  double r_mean = 0.0;
  double r_new_mean = 0.0;
  for (const CellEnd& c : run.cells_end) {
    cells.push_back({{"capacity_ah", r3(c.capacity_ah)},
                     {"capacity_pct", r3(100.0 * c.capacity_ah / c.new_capacity_ah)},
                     {"resistance_mohm", r3(c.resistance_ohm * 1000.0)},
                     {"resistance_pct", r3(100.0 * c.resistance_ohm / c.new_resistance_ohm)},
                     {"fec", r3(c.fec)},
                     {"soc", r3(100.0 * c.soc)}});
    smallest = std::min(smallest, c.capacity_ah);
    const double n = static_cast<double>(run.cells_end.size());
    mean += c.capacity_ah / n;
    new_mean += c.new_capacity_ah / n;
    r_mean += c.resistance_ohm / n;
    r_new_mean += c.new_resistance_ohm / n;
  }
  const double capacity_pct = new_mean > 0.0 ? 100.0 * mean / new_mean : 0.0;
  const core::Snapshot& snap = run.final_snapshot;
  return {{"on", run.ageing},
          {"cells", cells},
          {"true",
           {{"min_capacity_ah", r3(smallest)},
            {"mean_capacity_ah", r3(mean)},
            {"capacity_pct", r3(capacity_pct)},
            {"resistance_pct", r3(r_new_mean > 0.0 ? 100.0 * r_mean / r_new_mean : 0.0)}}},
          {"board",
           {{"model_capacity_ah", r3(static_cast<double>(snap.model_capacity.count()) / 1000.0)},
            {"full_capacity_ah", r3(static_cast<double>(snap.full_capacity.count()) / 1000.0)},
            {"soh_pct", snap.soh_percent}}}};
}

}  // namespace

json value_at(const json& root, const std::string& path) {
  const json* at = &root;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    const std::string key =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (at->is_object() && at->contains(key)) {
      at = &(*at)[key];
    } else if (std::size_t i = 0; at->is_array() &&
                                  std::from_chars(key.data(), key.data() + key.size(), i).ptr ==
                                      key.data() + key.size() &&
                                  i < at->size()) {
      at = &(*at)[i];
    } else {
      return nullptr;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return *at;
}

json summary_json(const Scenario& sc, const RunResult& run) {
  json final_state = host::snapshot_json(run.final_snapshot);
  final_state["true_soc"] = r3(run.true_soc_final);
  final_state["true_capacity_ah"] = r3(run.capacity_ah_true);
  json out = {
      {"scenario", sc.name},
      {"description", sc.description},
      {"seed", run.seed},
      {"model", core::model(sc.pack.model).name},
      {"chemistry", core::kChemistryNames[static_cast<std::size_t>(sc.pack.chemistry)]},
      {"cells", sc.pack.cells},
      {"capacity_ah", sc.pack.capacity_ah},
      {"period_s", sc.period_s},
      {"duration_s", r3(run.duration_s)},
      {"ticks", run.ticks},
      {"steps", steps_json(run)},
      {"events", events_json(run)},
      {"max_cell_mv", run.stats.max_cell_mv},
      {"min_cell_mv", run.stats.min_cell_mv},
      {"cell_stats", cells_json(sc, run)},
      {"protection_trips", run.stats.protection_trips},
      {"inverter", inverter_json(run.inverter)},
      {"final", final_state},
  };
  out.update(figures_json(run));
  if (run.invariants_checked) {
    json violations = json::array();
    for (const Violation& v : run.violations)
      violations.push_back({{"invariant", v.invariant}, {"t", r3(v.t_s)}, {"detail", v.detail}});
    out["invariants"] = {{"checked", kInvariantCount},
                         {"violating_ticks", run.violation_count},
                         {"violations", violations}};
  }
  out["power_cuts"] = run.power_cuts;
  out["ageing"] = ageing_json(run);
  return out;
}

std::vector<std::string> check_expectations(const Scenario& sc, const json& summary) {
  std::vector<std::string> failed;
  const auto& steps = summary["steps"];
  for (std::size_t i = 0; i < steps.size() && i < sc.steps.size(); ++i) {
    if (steps[i]["ended"] == "limit" && !sc.steps[i].allow_limit) {
      failed.push_back("line " + std::to_string(sc.steps[i].line) + ": step '" +
                       steps[i]["label"].get<std::string>() +
                       "' reached its max: time before until: " + sc.steps[i].until->text);
    }
  }
  for (const auto& e : sc.expect_events) {
    if (auto f = check_event(e, summary["events"]); !f.empty()) failed.push_back(std::move(f));
  }
  for (const auto& v : sc.expect_values) {
    if (auto f = check_value(v, summary); !f.empty()) failed.push_back(std::move(f));
  }
  if (summary.contains("invariants")) {
    for (const auto& v : summary["invariants"]["violations"]) {
      failed.push_back("invariant " + v["invariant"].get<std::string>() + " violated at " +
                       v["t"].dump() + " s: " + v["detail"].get<std::string>());
    }
  }
  return failed;
}

}  // namespace softbms::sim
