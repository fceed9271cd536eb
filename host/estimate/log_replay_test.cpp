#include "host/estimate/log_replay.hpp"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "core/estimate/ocv_table.hpp"

namespace softbms::host::estimate {
namespace {

TEST(LogCsv, reads_the_columns_by_name_in_any_order_and_skips_comments) {
  const auto r =
      parse_log_csv("# a log\nvoltage_v,time_s,extra,current_a\n3.3,0,x,-1.5\n3.29,1.5,y,-1.5\n");
  ASSERT_TRUE(r.log) << r.error.text();
  ASSERT_EQ(r.log->rows.size(), 2U);
  EXPECT_DOUBLE_EQ(r.log->rows[1].time_s, 1.5);
  EXPECT_DOUBLE_EQ(r.log->rows[1].current_a, -1.5);
  EXPECT_DOUBLE_EQ(r.log->rows[1].voltage_v[0], 3.29);
  EXPECT_FALSE(r.log->rows[0].temp_c);
}

TEST(LogCsv, a_bad_number_names_its_line_and_column) {
  const auto r = parse_log_csv("time_s,current_a,voltage_v\n0,1,3.3\n1,abc,3.3\n");
  ASSERT_FALSE(r.log);
  EXPECT_EQ(r.error.line, 3U);
  EXPECT_EQ(r.error.column, 2U);
  EXPECT_EQ(r.error.text(), "line 3, column 2: current_a 'abc' is not a number");
}

TEST(LogCsv, time_that_does_not_increase_is_refused) {
  const auto r = parse_log_csv("time_s,current_a,voltage_v\n0,1,3.3\n0,1,3.3\n");
  ASSERT_FALSE(r.log);
  EXPECT_EQ(r.error.line, 3U);
  EXPECT_NE(r.error.message.find("time does not increase"), std::string::npos);
}

TEST(LogCsv, a_missing_column_is_named) {
  const auto r = parse_log_csv("time_s,voltage_v\n0,3.3\n");
  ASSERT_FALSE(r.log);
  EXPECT_EQ(r.error.text(), "line 1: the header has no 'current_a' column");
  EXPECT_FALSE(parse_log_csv("").log);
  EXPECT_FALSE(parse_log_csv("time_s,current_a,voltage_v\n").log);
}

TEST(LogCsv, a_history_export_with_units_in_its_header_is_read_and_a_wrong_unit_refused) {
  const auto r = parse_log_csv(
      "time,unix_ms,pack,voltage [V],current [A],cell_1 [V],cell_2 [V],temp_battery_max "
      "[°C],charge_fet\n"
      "2026-01-01T00:00:00Z,1000,p,6.6,-2,3.3,3.31,21.5,1\n");
  ASSERT_TRUE(r.log) << r.error.text();
  EXPECT_TRUE(r.log->per_cell);
  ASSERT_EQ(r.log->rows.size(), 1U);
  EXPECT_EQ(r.log->rows[0].voltage_v.size(), 2U);
  EXPECT_EQ(r.log->rows[0].temp_c, 21.5);
  const auto mv = parse_log_csv("time_s,current_a,voltage [mV]\n0,1,3300\n");
  ASSERT_FALSE(mv.log);
  EXPECT_EQ(mv.error.text(), "line 1, column 3: column 'voltage' is in mV; it is read in V");
}

TEST(LogCsv, a_history_export_is_read_with_its_cells_and_empty_fields_skip_the_row) {
  const auto r = parse_log_csv(
      "time,unix_ms,pack,voltage,current,cell_1,cell_2,temp_battery_max\n"
      "2026-01-01T00:00:00Z,1000,p,6.6,-2,3.3,3.31,21.5\n"
      "2026-01-01T00:00:01Z,2000,p,6.6,,3.3,3.31,21.5\n"
      "2026-01-01T00:00:02Z,3000,p,6.6,-2,3.29,3.3,\n");
  ASSERT_TRUE(r.log) << r.error.text();
  EXPECT_TRUE(r.log->per_cell);
  ASSERT_EQ(r.log->rows.size(), 2U);
  EXPECT_EQ(r.log->skipped, 1U);
  EXPECT_DOUBLE_EQ(r.log->rows[1].time_s, 3.0);
  EXPECT_EQ(r.log->rows[1].voltage_v.size(), 2U);
  EXPECT_EQ(r.log->rows[0].temp_c, 21.5);
  EXPECT_FALSE(r.log->rows[1].temp_c);
}

TEST(LogCsv, a_value_no_pack_can_read_is_refused) {
  const auto r = parse_log_csv("time_s,current_a,voltage_v\n0,1e300,3.3\n");
  ASSERT_FALSE(r.log);
  EXPECT_EQ(r.error.text(), "line 2, column 2: current_a 1e300 is outside -10000 .. 10000 A");
}

TEST(LogCsv, the_row_limit_is_enforced_while_reading) {
  std::string text = "time_s,current_a,voltage_v\n";
  for (int i = 0; i < 20; ++i) text += std::to_string(i) + ",0,3.3\n";
  const auto r = parse_log_csv(text, 10);
  ASSERT_FALSE(r.log);
  EXPECT_EQ(r.error.line, 12U);
}

// A 16S NMC pack at rest at the 70 % OCV, logged at irregular intervals with a 10-minute gap,
// replayed from a start 30 % wrong: the model finds 70 %, the coulomb counter stays at 40 %.
TEST(Replay, irregular_sampling_and_a_gap_recover_the_soc_a_rested_pack_shows) {
  const double cell_v = core::kOcvMillivolts[0][14] / 1000.0;  // 70 %
  std::string text = "time_s,current_a,voltage_v\n";
  double t = 0.0;
  for (int i = 0; i < 400; ++i) {
    text += std::to_string(t) + ",0," + std::to_string(16 * cell_v) + "\n";
    t += i == 200 ? 600.0 : 0.1 + (i % 7) * 1.4;
  }
  const auto parsed = parse_log_csv(text);
  ASSERT_TRUE(parsed.log) << parsed.error.text();
  ReplayOptions o;
  o.chemistry = core::Chemistry::li_ion;
  o.capacity_ah = 50.0;
  o.cells = 16;
  o.initial_soc_pct = 40.0;
  const auto r = replay(*parsed.log, o);
  ASSERT_EQ(r.rows.size(), 400U);
  EXPECT_EQ(r.summary.gaps, 1U);
  EXPECT_NEAR(r.rows.back().soc_pct, 70.0, 2.0);
  EXPECT_NEAR(r.rows.back().soc_coulomb_pct, 40.0, 0.5);
  o.method = Method::coulomb;
  EXPECT_NEAR(replay(*parsed.log, o).rows.back().soc_pct, 40.0, 0.5);
}

}  // namespace
}  // namespace softbms::host::estimate
