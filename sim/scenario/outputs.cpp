#include "sim/scenario/outputs.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sim/scenario/plot_svg.hpp"

namespace softbms::sim {
namespace {

std::string cell_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::vector<double> column(const Recording& rec, int index) {
  std::vector<double> out;
  out.reserve(rec.rows.size());
  for (const auto& row : rec.rows) out.push_back(index >= 0 ? row[index] : 0.0);
  return out;
}

PlotSeries series(const Recording& rec, const std::string& col, const std::string& name) {
  return {name, column(rec, rec.column(col))};
}

// Every column whose name has this prefix and suffix (cell1_mv .. cellN_mv).
std::vector<PlotSeries> family(const Recording& rec, const std::string& prefix,
                               const std::string& suffix, const std::string& label) {
  std::vector<PlotSeries> out;
  for (std::size_t i = 0; i < rec.columns.size(); ++i) {
    const auto& c = rec.columns[i];
    if (!c.starts_with(prefix) || !c.ends_with(suffix) || c.size() <= prefix.size() + suffix.size())
      continue;
    const auto middle = c.substr(prefix.size(), c.size() - prefix.size() - suffix.size());
    if (middle.find_first_not_of("0123456789") != std::string::npos) continue;
    out.push_back({label + middle, column(rec, static_cast<int>(i))});
  }
  return out;
}

// The same column with its sign turned (DCL drawn below zero, beside a discharge current).
PlotSeries negated(const Recording& rec, const std::string& col, const std::string& name) {
  PlotSeries s = series(rec, col, name);
  for (double& v : s.y) v = -v;
  return s;
}

// What charge control told the inverter against what the pack did; with an inverter in the
// world, also where the power came from.
std::string charge_plot(const std::string& title, const std::vector<double>& t,
                        const Recording& rec) {
  std::vector<PlotPanel> panels = {
      {"Pack voltage and charge voltage limit",
       "V",
       {series(rec, "pack_v", "pack"), series(rec, "cvl_v", "CVL")}},
      {"Current, + = charge, and the limits",
       "A",
       {series(rec, "current_a", "current"), series(rec, "ccl_a", "CCL"),
        negated(rec, "dcl_a", "-DCL")}},
      {"Highest and lowest cell",
       "mV",
       {series(rec, "max_cell_mv", "max"), series(rec, "min_cell_mv", "min")}},
      {"State of charge",
       "%",
       {series(rec, "soc_pct", "estimated"), series(rec, "true_soc_pct", "true")}}};
  if (rec.column("pv_w") >= 0) {
    panels.push_back({"Inverter: PV, house, grid (+ = import)",
                      "W",
                      {series(rec, "pv_w", "PV"), series(rec, "house_w", "house"),
                       series(rec, "grid_w", "grid")}});
  }
  panels.push_back({"Charge stage: 0 bulk, 1 absorption, 2 float",
                    "",
                    {series(rec, "charge_stage", "stage")},
                    false,
                    90});
  return svg_plot(title + ": charge control", t, panels);
}

PlotPanel state_panel(const Recording& rec, const std::string& col, const std::string& title) {
  return {title, "", {series(rec, col, col)}, true, 50};
}

}  // namespace

std::string timeseries_csv(const Recording& rec) {
  std::string out;
  for (std::size_t i = 0; i < rec.columns.size(); ++i) out += (i ? "," : "") + rec.columns[i];
  out += "\n";
  for (const auto& row : rec.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + cell_text(row[i]);
    out += "\n";
  }
  return out;
}

std::string events_csv(const std::vector<RunEvent>& events) {
  std::string out = "t_s,name,state,value\n";
  for (const auto& e : events)
    out += cell_text(e.t_s) + "," + e.name + "," + e.state + "," + std::to_string(e.value) + "\n";
  return out;
}

std::vector<PlotFile> plots(const std::string& title, const Recording& rec) {
  const auto t = column(rec, rec.column("t_s"));
  std::vector<PlotFile> out;
  out.push_back(
      {"pack.svg",
       svg_plot(title + ": pack", t,
                {{"Pack voltage", "V", {series(rec, "pack_v", "pack")}},
                 {"Current, + = charge", "A", {series(rec, "current_a", "current")}},
                 {"State of charge",
                  "%",
                  {series(rec, "soc_pct", "estimated"), series(rec, "true_soc_pct", "true")}}})});
  out.push_back({"cells.svg",
                 svg_plot(title + ": cells", t,
                          {{"Cell voltages", "mV", family(rec, "cell", "_mv", "cell "), false, 360},
                           {"Cell spread", "mV", {series(rec, "spread_mv", "max - min")}}})});
  auto temps = family(rec, "t", "_c", "T");
  temps.insert(temps.begin(), series(rec, "mos_c", "MOS"));
  temps.push_back(series(rec, "true_cell_min_c", "coldest cell"));
  temps.push_back(series(rec, "true_cell_max_c", "warmest cell"));
  temps.push_back(series(rec, "ambient_c", "ambient"));
  out.push_back(
      {"temperatures.svg", svg_plot(title + ": temperatures", t, {{"Temperatures", "°C", temps}})});
  out.push_back({"states.svg", svg_plot(title + ": states", t,
                                        {state_panel(rec, "charge_fet", "Charge FET"),
                                         state_panel(rec, "discharge_fet", "Discharge FET"),
                                         state_panel(rec, "balancing", "Balancer"),
                                         {"Balance current (- = from the high cell)",
                                          "A",
                                          {series(rec, "balance_current_a", "balancer")},
                                          false,
                                          120},
                                         state_panel(rec, "heater", "Heater"),
                                         state_panel(rec, "asleep", "Asleep")})});
  out.push_back({"charge.svg", charge_plot(title, t, rec)});
  return out;
}

std::string write_outputs(const std::string& dir, const std::string& title, const RunResult& run,
                          const nlohmann::json& summary) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create " + dir + ": " + ec.message();
  std::vector<PlotFile> files = plots(title, run.recording);
  files.push_back({"timeseries.csv", timeseries_csv(run.recording)});
  files.push_back({"events.csv", events_csv(run.events)});
  files.push_back({"summary.json", summary.dump(2) + "\n"});
  for (const auto& f : files) {
    const std::string path = dir + "/" + f.name;
    std::ofstream out(path, std::ios::binary);
    out << f.svg;
    if (!out) return "cannot write " + path;
  }
  return {};
}

}  // namespace softbms::sim
