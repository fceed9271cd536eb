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

}  // namespace
}  // namespace softbms::host::web
