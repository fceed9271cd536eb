#include <gtest/gtest.h>

#include <algorithm>

#include "core/io/alarm.hpp"

#include "sim/scenario/outputs.hpp"
#include "sim/scenario/plot_svg.hpp"
#include "sim/scenario/runner.hpp"
#include "sim/scenario/scenario_file.hpp"
#include "sim/scenario/summary.hpp"

namespace softbms::sim {
namespace {

LoadedScenario parse(const std::string& yaml) {
  return parse_scenario(yaml, ".");
}

TEST(ScenarioFile, durations_read_in_every_unit) {
  EXPECT_EQ(parse_duration_s("60s"), 60.0);
  EXPECT_EQ(parse_duration_s("1.5h"), 5400.0);
  EXPECT_EQ(parse_duration_s("30min"), 1800.0);
  EXPECT_EQ(parse_duration_s("100ms"), 0.1);
  EXPECT_EQ(parse_duration_s("2d"), 172800.0);
  EXPECT_EQ(parse_duration_s("10y"), 3650.0 * 86400.0);
  EXPECT_EQ(parse_duration_s("45"), 45.0);
  EXPECT_FALSE(parse_duration_s("1 hour"));
  EXPECT_FALSE(parse_duration_s("h"));
}

TEST(ScenarioFile, settings_use_display_units_and_reach_the_core_settings) {
  const auto s = parse(
      "name: t\npack: {model: JK-B2A8S20P, cells: 8, capacity_ah: 100}\n"
      "settings:\n  charge_ocp_current: 10000\n  charge_utpr: 2.5\nsteps:\n  - for: 1s\n");
  ASSERT_TRUE(s.scenario) << s.error.message;
  EXPECT_EQ(s.settings.raw(core::Param::charge_ocp_current), 10000);
  EXPECT_EQ(s.settings.raw(core::Param::charge_utpr), 25);  // 0.1 °C
  EXPECT_EQ(s.settings.raw(core::Param::design_capacity), 100000);
  EXPECT_EQ(s.settings.cells(), 8);
}

TEST(ScenarioFile, errors_name_the_line_and_the_field) {
  auto e = parse("name: t\nsteps:\n  - for: 10s\n    charger: {voltage_v: 55.2, current: 10}\n");
  ASSERT_FALSE(e.scenario);
  EXPECT_EQ(e.error.line, 4);
  EXPECT_EQ(e.error.field, "steps[1].charger.current");
  e = parse("name: t\nsettings:\n  cell_ovp: 9000\nsteps:\n  - for: 1s\n");
  EXPECT_EQ(e.error.line, 3);
  EXPECT_EQ(e.error.field, "settings.cell_ovp");
  e = parse(
      "name: t\nfaults:\n  - {kind: cell_leak, at: 1s, cell: 17, a: 1}\nsteps:\n  - for: 1s\n");
  EXPECT_EQ(e.error.field, "faults[1].cell");
  e = parse("name: t\nsteps:\n  - for: 1s\n    rest: 2s\n");
  EXPECT_EQ(e.error.line, 3);
  e = parse("name: t\nsteps:\n  - for: 1s\n    command: emergency maybe\n");
  EXPECT_EQ(e.error.field, "steps[1].command");
  e = parse("name: [t\n");
  EXPECT_GT(e.error.line, 0);
}

TEST(Condition, parses_comparisons_flags_alarms_and_events) {
  auto c = parse_condition("soc >= 100 and charge_fet == off");
  ASSERT_TRUE(c.error.empty()) << c.error;
  EXPECT_EQ(c.condition.all.size(), 2u);
  c = parse_condition("event: cell_ovp trip");
  ASSERT_TRUE(c.error.empty()) << c.error;
  EXPECT_TRUE(c.condition.all[0].is_event);
  EXPECT_EQ(c.condition.all[0].event_state, "trip");
  EXPECT_EQ(parse_condition("socc > 1").error, "unknown quantity 'socc'");
  EXPECT_EQ(parse_condition("charge_fet == 3").error, "'3' is not a flag (on/off)");
  EXPECT_EQ(parse_condition("event: nothing").error, "unknown event 'nothing'");
}

TEST(Condition, holds_reads_the_snapshot_and_the_events_of_the_step) {
  core::Snapshot snap;
  snap.cell_max = Millivolts(3651);
  snap.alarms = core::alarm_mask(core::AlarmBit::cell_ovp);
  std::vector<RunEvent> events = {{1.0, "cell_ovp", "trip", 3651}};
  Probe p;
  p.snapshot = &snap;
  p.events = &events;
  EXPECT_TRUE(holds(parse_condition("max_cell_mv >= 3650 and cell_ovp == on").condition, p));
  EXPECT_FALSE(holds(parse_condition("max_cell_mv < 3650").condition, p));
  EXPECT_TRUE(holds(parse_condition("event: cell_ovp trip").condition, p));
  p.step_first_event = 1;  // the trip belongs to an earlier step
  EXPECT_FALSE(holds(parse_condition("event: cell_ovp").condition, p));
}

constexpr const char* kDischargeExample = R"(
name: discharge
pack: {model: JK-B2A8S20P, cells: 8, capacity_ah: 100, soc: 80, seed: 4}
settings: {discharge_ocp_current: 100000, discharge_ocp_delay: 10, discharge_ocp_release: 50}
record: 5s
steps:
  - {label: load, for: 70s, current_a: -105}
  - {label: wait, until: discharge_fet == on, max: 10s}
expect:
  events:
    - {name: discharge_ocp, state: trip, within: [9.9, 10.3]}
    - {name: discharge_ocp, state: release, within: [59.9, 60.5]}
  values:
    final.discharge_fet: true
)";

TEST(Runner, the_manuals_discharge_ocp_trips_at_10_s_and_releases_at_60_s_on_the_pack) {
  const auto s = parse(kDischargeExample);
  ASSERT_TRUE(s.scenario) << s.error.message;
  const RunResult run = run_scenario(*s.scenario, s.settings);
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].name, "discharge_ocp");
  EXPECT_EQ(run.events[0].state, "trip");
  EXPECT_NEAR(run.events[0].t_s, 10.0, 0.2);
  EXPECT_GT(run.events[0].value, 100000);  // the measured current, mA
  EXPECT_NEAR(run.events[1].t_s - run.events[0].t_s, 50.0, 0.15);
  EXPECT_EQ(run.steps[1].ended, StepEnd::condition);
  const auto summary = summary_json(*s.scenario, run);
  EXPECT_TRUE(check_expectations(*s.scenario, summary).empty());
  EXPECT_EQ(run.recording.rows.size(), 15u);  // 0.1 s, then every 5 s to 70 s, and the end
}

TEST(Runner, same_seed_same_summary_and_another_seed_another_pack) {
  const auto s = parse(kDischargeExample);
  ASSERT_TRUE(s.scenario);
  const auto a = summary_json(*s.scenario, run_scenario(*s.scenario, s.settings)).dump();
  const auto b = summary_json(*s.scenario, run_scenario(*s.scenario, s.settings)).dump();
  EXPECT_EQ(a, b);
  Scenario other = *s.scenario;
  other.pack.seed = 5;
  EXPECT_NE(a, summary_json(other, run_scenario(other, s.settings)).dump());
}

TEST(Runner, spread_mv_sets_the_initial_cell_voltages_100_mv_apart) {
  auto s = parse(
      "name: t\npack: {cells: 16, capacity_ah: 100, soc: 99.5, spread_mv: 100}\nsteps:\n  - rest: "
      "2s\n");
  ASSERT_TRUE(s.scenario) << s.error.message;
  const RunResult run = run_scenario(*s.scenario, s.settings);
  EXPECT_NEAR(run.stats.spread_initial_mv, 100, 12);  // ADC noise, offsets and hysteresis
  EXPECT_EQ(run.final_snapshot.cell_min_index, 0);
  EXPECT_EQ(run.final_snapshot.cell_max_index, 15);
}

TEST(ScenarioFile, an_inverter_step_reads_pv_house_limits_and_its_own_settings) {
  const auto s = parse(
      "name: t\nsteps:\n  - for: 1h\n    inverter: {pv_peak_w: 9000, base_w: 500, peak_w: 4000, "
      "start_h: 12, max_charge_a: 120, link_period: 2s}\n");
  ASSERT_TRUE(s.scenario) << s.error.message;
  const InverterSpec& v = *s.scenario->steps[0].inverter;
  EXPECT_EQ(v.pv_peak_w, 9000.0);
  EXPECT_EQ(v.start_h, 12.0);
  EXPECT_EQ(v.max_charge_a, 120.0);
  EXPECT_EQ(v.max_discharge_a, 100.0);
  EXPECT_TRUE(v.follow_limits);
  EXPECT_EQ(v.link_period_s, 2.0);
  auto e = parse(
      "name: t\nsteps:\n  - for: 1h\n    inverter:\n      pv_peak_w: 9000\n      base_w: 500\n"
      "      follow_limits: off\n");
  ASSERT_FALSE(e.scenario);
  EXPECT_EQ(e.error.field, "steps[1].inverter.charge_voltage_v");
  EXPECT_EQ(e.error.line, 5);
  e = parse("name: t\nsteps:\n  - rest: 1h\n    inverter: {pv_peak_w: 1, base_w: 1}\n");
  EXPECT_EQ(e.error.field, "steps[1].rest");
  e = parse("name: t\nsteps:\n  - for: 1h\n    inverter: {pv_peak_w: 1, base_w: 1, start_h: 25}\n");
  EXPECT_EQ(e.error.field, "steps[1].inverter.start_h");
}

TEST(Runner, inverter_limits_of_turns_the_core_result_into_volts_amps_and_flags) {
  core::ChargeResult r;
  r.limits = {Millivolts(55200), Milliamps(72000), Milliamps(64500), Millivolts(44800)};
  r.request.charge_enable = true;
  const InverterLimits l = inverter_limits_of(r);
  EXPECT_DOUBLE_EQ(l.cvl_v, 55.2);
  EXPECT_DOUBLE_EQ(l.ccl_a, 72.0);
  EXPECT_DOUBLE_EQ(l.dcl_a, 64.5);
  EXPECT_TRUE(l.charge_enable);
  EXPECT_FALSE(l.discharge_enable);
}

// A nearly full 16S 100 Ah pack at noon under 6 kW of PV; the pack's
// charge OCP is 80 A and the inverter could push 100 A.
std::string noon_top_up(bool follow) {
  return std::string(
             "name: noon\npack: {cells: 16, capacity_ah: 100, soc: 90, seed: 3}\n"
             "settings: {charge_ocp_current: 80000}\nperiod: 1s\nrecord: 30s\nsteps:\n"
             "  - for: 40min\n    inverter: {pv_peak_w: 6000, base_w: 300, start_h: 12, "
             "max_charge_a: 100, ") +
         (follow ? "follow_limits: on}\n" : "follow_limits: off, charge_voltage_v: 57.6}\n");
}

TEST(Runner, an_inverter_following_the_limits_tops_up_the_pack_without_a_protection_trip) {
  const auto s = parse(noon_top_up(true));
  ASSERT_TRUE(s.scenario) << s.error.message;
  const RunResult run = run_scenario(*s.scenario, s.settings);
  EXPECT_EQ(run.stats.protection_trips, 0);
  EXPECT_LT(run.stats.max_cell_mv, 3600);  // cell_ovp
  EXPECT_GT(run.stats.max_cell_mv, 3450);  // it did reach the top
  EXPECT_GE(run.stats.true_soc_max, 98.0);
  EXPECT_LE(run.stats.max_charge_a, 72.5);  // CCL ceiling: 90 % of the 80 A OCP, plus noise
  EXPECT_GT(run.stats.max_charge_a, 60.0);
  EXPECT_GT(run.stats.absorption_s, 0.0);
  EXPECT_TRUE(run.inverter.present);
  EXPECT_GT(run.inverter.grid_export_wh, 0.0);  // the surplus the pack could not take
  const Recording& rec = run.recording;
  ASSERT_GE(rec.column("cvl_v"), 0);
  ASSERT_GE(rec.column("pv_w"), 0);
  // While current flows in, the pack is never pushed above the CVL it was given (5 mV per
  // cell of noise allowed). At rest after a full charge it may sit above a float CVL.
  int charging_rows = 0;
  for (const auto& row : rec.rows) {
    if (row[rec.column("current_a")] < 1.0) continue;
    ++charging_rows;
    EXPECT_LE(row[rec.column("pack_v")], row[rec.column("cvl_v")] + 0.08) << "at " << row[0];
  }
  EXPECT_GT(charging_rows, 10);
}

TEST(Runner, the_same_inverter_ignoring_the_limits_trips_the_charge_over_current_protection) {
  const auto s = parse(noon_top_up(false));
  ASSERT_TRUE(s.scenario) << s.error.message;
  const RunResult run = run_scenario(*s.scenario, s.settings);
  EXPECT_GE(run.stats.protection_trips, 1);
  const auto trip = std::find_if(run.events.begin(), run.events.end(), [](const RunEvent& e) {
    return e.name == "charge_ocp" && e.state == "trip";
  });
  ASSERT_NE(trip, run.events.end());
  EXPECT_NEAR(trip->t_s, 31.0, 2.0);  // 30 s charge_ocp_delay after the first frame
  EXPECT_GT(trip->value, 80000);      // mA
}

TEST(Outputs, charge_svg_draws_the_limits_and_the_inverter_power) {
  const auto s = parse(noon_top_up(true));
  ASSERT_TRUE(s.scenario) << s.error.message;
  Scenario short_run = *s.scenario;
  short_run.steps[0].duration_s = 120.0;
  const RunResult run = run_scenario(short_run, s.settings);
  const auto files = plots("noon", run.recording);
  const auto charge = std::find_if(files.begin(), files.end(),
                                   [](const PlotFile& f) { return f.name == "charge.svg"; });
  ASSERT_NE(charge, files.end());
  for (const char* name : {">CVL<", ">CCL<", ">-DCL<", ">PV<", ">house<", ">grid<"})
    EXPECT_NE(charge->svg.find(name), std::string::npos) << name;
}

TEST(Expectations, a_missing_event_and_a_value_out_of_range_are_reported_with_their_line) {
  auto s = parse(
      "name: t\npack: {cells: 16, soc: 50}\nsteps:\n  - rest: 1s\nexpect:\n  events:\n"
      "    - {name: cell_ovp, state: trip}\n  values:\n    max_cell_mv: [4000, null]\n");
  ASSERT_TRUE(s.scenario) << s.error.message;
  const auto failed = check_expectations(
      *s.scenario, summary_json(*s.scenario, run_scenario(*s.scenario, s.settings)));
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0], "line 7: event cell_ovp trip: never seen");
  EXPECT_TRUE(failed[1].starts_with("line 9: max_cell_mv = 3")) << failed[1];
}

TEST(Summary, value_at_follows_dotted_paths_into_objects_and_arrays) {
  const nlohmann::json j = {{"final", {{"soc", 97}}}, {"events", {{{"t", 1.5}}}}};
  EXPECT_EQ(value_at(j, "final.soc"), 97);
  EXPECT_EQ(value_at(j, "events.0.t"), 1.5);
  EXPECT_TRUE(value_at(j, "final.nothing").is_null());
}

TEST(PlotSvg, ticks_are_round_numbers_and_every_series_is_a_polyline) {
  EXPECT_EQ(nice_ticks(0.0, 10.0, 5), (std::vector<double>{0, 2, 4, 6, 8, 10}));
  const auto volts = nice_ticks(3.1, 3.55, 8);
  const std::vector<double> want = {3.1, 3.2, 3.3, 3.4, 3.5};
  ASSERT_EQ(volts.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(volts[i], want[i], 1e-9);
  const std::string svg =
      svg_plot("t & t", {0, 1, 2}, {{"V", "V", {{"a", {1, 2, 3}}, {"b", {3, 2, 1}}}}});
  EXPECT_EQ(svg.find("<svg"), 0u);
  EXPECT_NE(svg.find("t &amp; t"), std::string::npos);
  std::size_t lines = 0;
  for (std::size_t at = svg.find("<polyline"); at != std::string::npos;
       at = svg.find("<polyline", at + 1))
    ++lines;
  EXPECT_EQ(lines, 2u);
}

}  // namespace
}  // namespace softbms::sim
