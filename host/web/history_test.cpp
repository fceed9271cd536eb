#include "host/web/history.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace softbms::host::web {
namespace {

HistorySample at(int64_t t_ms, float volts) {
  HistorySample s;
  s.t_ms = t_ms;
  s.voltage = volts;
  return s;
}

TEST(History, sample_takes_display_units_from_the_snapshot) {
  core::Snapshot snap;
  snap.pack_voltage = Millivolts(53'250);
  snap.current = Milliamps(-1500);
  snap.soc_permille = 655;
  snap.cell_delta = Millivolts(12);
  snap.temp_present_mask = 0b101;  // MOS and T2, no T1
  snap.temp = {DeciCelsius(401), DeciCelsius(999), DeciCelsius(-55)};
  const HistorySample h = sample_of(5000, snap);
  EXPECT_FLOAT_EQ(h.voltage, 53.25F);
  EXPECT_FLOAT_EQ(h.current, -1.5F);
  EXPECT_FLOAT_EQ(h.soc, 65.5F);
  EXPECT_FLOAT_EQ(h.cell_delta, 0.012F);
  EXPECT_FLOAT_EQ(h.temp_mos, 40.1F);
  EXPECT_FLOAT_EQ(h.temp_battery_min, -5.5F);
  EXPECT_FLOAT_EQ(h.temp_battery_max, -5.5F);
}

TEST(History, ring_keeps_the_newest_samples_and_filters_by_time) {
  HistoryRing ring(3);
  for (int i = 0; i < 5; ++i) ring.record(at(i * 1000, static_cast<float>(i)));
  EXPECT_EQ(ring.size(), 3U);
  const auto all = ring.between(0, 10'000);
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all.front().t_ms, 2000);
  EXPECT_EQ(all.back().t_ms, 4000);
  EXPECT_EQ(ring.between(3000, 3000).size(), 1U);
}

TEST(History, downsampling_averages_buckets_and_skips_missing_values) {
  std::vector<HistorySample> in;
  for (int i = 0; i < 6; ++i) in.push_back(at(i * 1000, static_cast<float>(i)));
  in[1].temp_mos = std::nanf("");
  const auto out = downsample(in, 3);
  ASSERT_EQ(out.size(), 3U);
  EXPECT_FLOAT_EQ(out[0].voltage, 0.5F);
  EXPECT_FLOAT_EQ(out[2].voltage, 4.5F);
  EXPECT_EQ(out[2].t_ms, 5000);
  EXPECT_FLOAT_EQ(out[0].temp_mos, 0.0F);  // the one present value (0 °C)
  EXPECT_EQ(downsample(in, 10).size(), 6U);
}

TEST(History, json_has_uplot_columns_and_null_for_missing_values) {
  std::vector<HistorySample> in = {at(1000, 52.5F), at(2000, 52.75F)};
  in[0].temp_mos = std::nanf("");
  const std::string_view names[] = {"voltage", "temp_mos"};
  const auto j = history_json(in, names);
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["t"], nlohmann::json::array({1.0, 2.0}));
  EXPECT_EQ((*j)["voltage"], nlohmann::json::array({52.5, 52.75}));
  EXPECT_TRUE((*j)["temp_mos"][0].is_null());
  const std::string_view bad[] = {"volume"};
  EXPECT_FALSE(history_json(in, bad));
}

TEST(History, cell_json_has_the_cells_with_values_averaged_into_buckets) {
  const float none = std::nanf("");
  CellHistory h;
  h.t_ms = {1000, 2000, 3000, 4000};
  h.cells = {{3.30F, 3.32F, 3.34F, 3.36F}, {3.31F, none, 3.35F, 3.35F}, {none, none, none, none}};
  const auto all = cell_history_json(h, 10);
  EXPECT_EQ(all["t"], nlohmann::json::array({1.0, 2.0, 3.0, 4.0}));
  EXPECT_TRUE(all["cell_2"][1].is_null());
  EXPECT_FALSE(all.contains("cell_3"));  // a cell the pack does not have
  EXPECT_EQ(all["units"], nlohmann::json({{"cell_1", "V"}, {"cell_2", "V"}}));
  const auto two = cell_history_json(h, 2);
  EXPECT_EQ(two["t"], nlohmann::json::array({2.0, 4.0}));  // stamped with the newest time
  EXPECT_EQ(two["cell_1"], nlohmann::json::array({3.31, 3.35}));
  EXPECT_EQ(two["cell_2"], nlohmann::json::array({3.31, 3.35}));  // the gap is left out
  EXPECT_EQ(cell_history_json({}, 10)["t"], nlohmann::json::array());
}

}  // namespace
}  // namespace softbms::host::web
