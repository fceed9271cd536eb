#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "host/history/csv.hpp"
#include "host/history/series.hpp"
#include "host/history/store.hpp"

namespace softbms::host::history {
namespace {

constexpr int64_t kT0 = 1'714'564'800'000;  // 2024-05-01T12:00:00Z
constexpr int64_t kMin = 60'000;

core::Snapshot pack(int32_t pack_mv, int32_t current_ma) {
  core::Snapshot s;
  s.pack_voltage = Millivolts(pack_mv);
  s.current = Milliamps(current_ma);
  s.cell_present_mask = 0b11;
  s.cell = {Millivolts(3300), Millivolts(3310)};
  s.temp = {DeciCelsius(250), DeciCelsius(-50), DeciCelsius(120)};
  s.temp_present_mask = 0b101;  // MOS and T2
  s.soc_permille = 805;
  return s;
}

HistoryOptions memory(Milliseconds interval = Milliseconds(10'000)) {
  HistoryOptions o;
  o.path = ":memory:";
  o.interval = interval;
  return o;
}

Query of(std::vector<std::string> series, Resolution r = Resolution::raw, std::string pack = "") {
  Query q;
  q.series = std::move(series);
  q.resolution = r;
  q.pack = std::move(pack);
  return q;
}

double value(const Table& t, std::size_t row, std::string_view column) {
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    if (t.columns[c] == column) return t.rows[row].values[c].value_or(NAN);
  }
  ADD_FAILURE() << "no column " << column;
  return NAN;
}

TEST(HistorySeries, values_follow_the_snapshot_in_display_units_and_skip_absent_inputs) {
  const auto v = series_values(pack(52'800, -12'500));
  EXPECT_DOUBLE_EQ(*v[*series_index("voltage")], 52.8);
  EXPECT_DOUBLE_EQ(*v[*series_index("current")], -12.5);
  EXPECT_DOUBLE_EQ(*v[*series_index("soc")], 80.5);
  EXPECT_DOUBLE_EQ(*v[*series_index("temp_mos")], 25.0);
  EXPECT_DOUBLE_EQ(*v[*series_index("temp_battery_min")], 12.0);  // T1 absent, T2 12.0 °C
  EXPECT_DOUBLE_EQ(*v[*series_index("cell_2")], 3.31);
  EXPECT_FALSE(v[*series_index("cell_3")].has_value());
  EXPECT_FALSE(series_index("bogus"));
}

TEST(HistoryStore, samples_closer_than_the_interval_are_not_stored) {
  HistoryStore h;
  ASSERT_TRUE(h.open(memory()).ok()) << h.last_error();
  EXPECT_TRUE(h.record(kT0, "p1", pack(52'800, 0)).value());
  EXPECT_FALSE(h.record(kT0 + 9'999, "p1", pack(52'900, 0)).value());
  EXPECT_TRUE(h.record(kT0 + 5'000, "p2", pack(53'000, 0)).value());  // per pack
  EXPECT_TRUE(h.record(kT0 + 10'000, "p1", pack(53'100, 0)).value());
  const auto t = h.query(of({"voltage"}, Resolution::raw, "p1"));
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t.value().rows.size(), 2u);
  EXPECT_DOUBLE_EQ(value(t.value(), 0, "voltage"), 52.8);
  EXPECT_DOUBLE_EQ(value(t.value(), 1, "voltage"), 53.1);
  EXPECT_EQ(t.value().rows[1].t_ms, kT0 + 10'000);
}

TEST(HistoryStore, one_minute_buckets_hold_average_minimum_and_maximum) {
  HistoryStore h;
  ASSERT_TRUE(h.open(memory(Milliseconds(1'000))).ok());
  // 12:00:00 .. 12:00:50, six samples: 10, 20 .. 60 A; then one sample in the next minute.
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(h.record(kT0 + i * 10'000, "p1", pack(52'000, (i + 1) * 10'000)).ok());
  ASSERT_TRUE(h.record(kT0 + kMin, "p1", pack(52'000, 5'000)).ok());
  ASSERT_TRUE(h.maintain(kT0 + kMin + 1).ok());
  const auto t = h.query(of({"current"}, Resolution::minute));
  ASSERT_TRUE(t.ok()) << h.last_error();
  ASSERT_EQ(t.value().rows.size(), 2u);
  EXPECT_EQ(t.value().columns, (std::vector<std::string>{"current", "current_min", "current_max"}));
  EXPECT_EQ(t.value().rows[0].t_ms, kT0);
  EXPECT_DOUBLE_EQ(value(t.value(), 0, "current"), 35.0);
  EXPECT_DOUBLE_EQ(value(t.value(), 0, "current_min"), 10.0);
  EXPECT_DOUBLE_EQ(value(t.value(), 0, "current_max"), 60.0);
  EXPECT_DOUBLE_EQ(value(t.value(), 1, "current"), 5.0);
}

TEST(HistoryStore, a_partial_bucket_is_completed_by_later_maintenance) {
  HistoryStore h;
  ASSERT_TRUE(h.open(memory(Milliseconds(1'000))).ok());
  ASSERT_TRUE(h.record(kT0, "p1", pack(52'000, 10'000)).ok());  // maintains at once
  ASSERT_TRUE(h.record(kT0 + 30'000, "p1", pack(52'000, 30'000)).ok());
  ASSERT_TRUE(h.maintain(kT0 + 20 * kMin).ok());
  const auto m1 = h.query(of({"current"}, Resolution::minute)).value();
  ASSERT_EQ(m1.rows.size(), 1u);
  EXPECT_DOUBLE_EQ(value(m1, 0, "current"), 20.0);
  const auto m15 = h.query(of({"current"}, Resolution::quarter_hour)).value();
  ASSERT_EQ(m15.rows.size(), 1u);
  EXPECT_EQ(m15.rows[0].t_ms, kT0);
  EXPECT_DOUBLE_EQ(value(m15, 0, "current_max"), 30.0);
}

TEST(HistoryStore, absent_sensors_do_not_pull_aggregates_to_zero) {
  HistoryStore h;
  ASSERT_TRUE(h.open(memory(Milliseconds(1'000))).ok());
  core::Snapshot without = pack(52'000, 0);
  without.temp_present_mask = 0;
  ASSERT_TRUE(h.record(kT0, "p1", without).ok());
  ASSERT_TRUE(h.record(kT0 + 1'000, "p1", pack(52'000, 0)).ok());
  ASSERT_TRUE(h.maintain(kT0 + kMin).ok());
  const auto t = h.query(of({"temp_mos"}, Resolution::minute)).value();
  EXPECT_DOUBLE_EQ(value(t, 0, "temp_mos"), 25.0);
  EXPECT_DOUBLE_EQ(value(t, 0, "temp_mos_min"), 25.0);
}

TEST(HistoryStore, retention_deletes_each_table_past_its_age_after_downsampling) {
  HistoryOptions o = memory(Milliseconds(1'000));
  o.retention.raw = Milliseconds(60 * kMin);
  o.retention.minute = Milliseconds(120 * kMin);
  o.retention.quarter_hour = Milliseconds(0);  // forever
  HistoryStore h;
  ASSERT_TRUE(h.open(o).ok());
  ASSERT_TRUE(h.record(kT0, "p1", pack(52'000, 1'000)).ok());
  ASSERT_TRUE(
      h.record(kT0 + 90 * kMin, "p1", pack(52'000, 2'000)).ok());  // raw of kT0 is now too old
  EXPECT_EQ(h.query(of({})).value().rows.size(), 1u);
  EXPECT_EQ(h.query(of({}, Resolution::minute)).value().rows.size(), 2u);
  ASSERT_TRUE(h.record(kT0 + 200 * kMin, "p1", pack(52'000, 3'000)).ok());
  const auto m1 = h.query(of({"current"}, Resolution::minute)).value();
  ASSERT_EQ(m1.rows.size(), 2u);  // the kT0 bucket is past 120 min
  EXPECT_EQ(m1.rows[0].t_ms, kT0 + 90 * kMin);
  EXPECT_EQ(h.query(of({}, Resolution::quarter_hour)).value().rows.size(), 3u);
}

TEST(HistoryStore, options_that_would_lose_data_are_refused) {
  HistoryOptions o = memory();
  o.retention.raw = Milliseconds(10 * kMin);
  HistoryStore h;
  EXPECT_EQ(h.open(o).code(), Errc::bad_value);
  o = memory(Milliseconds(0));
  HistoryStore h2;
  EXPECT_EQ(h2.open(o).code(), Errc::bad_value);
}

TEST(HistoryStore, unknown_series_is_named) {
  HistoryStore h;
  ASSERT_TRUE(h.open(memory()).ok());
  const auto t = h.query(of({"voltage", "volts"}));
  EXPECT_EQ(t.status().code(), Errc::unknown_field);
  EXPECT_EQ(h.last_error(), "no series 'volts'");
}

TEST(HistoryStore, a_file_database_survives_reopening_and_opens_read_only_for_export) {
  const std::string path = ::testing::TempDir() + "softbms_history_test.db";
  std::remove(path.c_str());
  {
    HistoryStore h;
    HistoryOptions o = memory(Milliseconds(1'000));
    o.path = path;
    ASSERT_TRUE(h.open(o).ok()) << h.last_error();
    ASSERT_TRUE(h.record(kT0, "p1", pack(52'000, 1'000)).ok());
  }
  HistoryStore r;
  HistoryOptions o = memory();
  o.path = path;
  o.read_only = true;
  ASSERT_TRUE(r.open(o).ok()) << r.last_error();
  EXPECT_EQ(r.query(of({})).value().rows.size(), 1u);
  EXPECT_EQ(r.record(kT0 + 60'000, "p1", pack(52'000, 1'000)).status().code(), Errc::bad_state);
  HistoryStore missing;
  o.path = path + ".absent";
  EXPECT_EQ(missing.open(o).code(), Errc::not_found);
}

TEST(HistoryCsv, export_writes_iso_time_pack_and_empty_fields_for_missing_values) {
  HistoryStore h;
  ASSERT_TRUE(h.open(memory()).ok());
  ASSERT_TRUE(h.record(kT0, "rack,1", pack(52'800, -12'500)).ok());
  const auto t = h.query(of({"voltage", "current", "cell_3"})).value();
  std::ostringstream out;
  write_csv(t, out);
  EXPECT_EQ(out.str(),
            "time,unix_ms,pack,voltage [V],current [A],cell_3 [V]\n"
            "2024-05-01T12:00:00Z,1714564800000,\"rack,1\",52.8,-12.5,\n");
}

TEST(HistoryCsv, all_series_keep_only_the_cells_the_pack_has_with_units_in_the_header) {
  HistoryStore h;
  ASSERT_TRUE(h.open(memory()).ok());
  ASSERT_TRUE(h.record(kT0, "p1", pack(52'800, -12'500)).ok());
  ASSERT_TRUE(h.record(kT0 + 60'000, "p1", pack(52'900, -12'000)).ok());
  ASSERT_TRUE(h.maintain(kT0 + 20 * 60'000).ok());
  for (const Resolution r : {Resolution::raw, Resolution::minute}) {
    const auto all = h.query(of({}, r)).value();
    const Table t = without_absent_cells(all);
    std::ostringstream out;
    write_csv(t, out);
    const std::string head = out.str().substr(0, out.str().find('\n'));
    SCOPED_TRACE(head);
    const std::string suffix = r == Resolution::raw ? "" : "_min";
    // pack() has 2 cells: cell_1 and cell_2 stay, cell_3 .. cell_32 go; the rest is untouched.
    EXPECT_NE(head.find(",cell_2" + suffix), std::string::npos);
    EXPECT_EQ(head.find(",cell_3"), std::string::npos);
    for (const char* column : {",voltage [V],", ",current [A],", ",power [W],", ",soc [%],"})
      EXPECT_NE(head.find(column), std::string::npos) << column;
    EXPECT_NE(head.find(",temp_mos [°C]"), std::string::npos);
    EXPECT_NE(head.find(",charge_fet,"), std::string::npos);  // 0/1: no unit
    const std::size_t fixed = all.columns.size() - 32 * (r == Resolution::raw ? 1 : 3);
    EXPECT_EQ(t.columns.size(), fixed + 2 * (r == Resolution::raw ? 1 : 3));
    EXPECT_EQ(t.units.size(), t.columns.size());
    for (const auto& row : t.rows) EXPECT_EQ(row.values.size(), t.columns.size());
  }
}

TEST(HistoryCsv, time_arguments_in_the_forms_people_type) {
  EXPECT_EQ(parse_time("2024-05-01", 0), 1'714'521'600'000);
  EXPECT_EQ(parse_time("2024-05-01T12:00:00Z", 0), kT0);
  EXPECT_EQ(parse_time("2024-05-01T12:00", 0), kT0);
  EXPECT_EQ(parse_time("1714564800", 0), kT0);
  EXPECT_EQ(parse_time("-2h", kT0), kT0 - 7'200'000);
  EXPECT_EQ(parse_time("-7d", kT0), kT0 - 7 * 86'400'000LL);
  EXPECT_EQ(parse_time("now", kT0), kT0);
  EXPECT_FALSE(parse_time("yesterday", kT0));
  EXPECT_FALSE(parse_time("2024-13-01", kT0));
  EXPECT_FALSE(parse_time("-5x", kT0));
  EXPECT_EQ(format_utc(kT0 + 250), "2024-05-01T12:00:00.250Z");
  EXPECT_EQ(format_utc(0), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace softbms::host::history
