// The history query: values that used to overflow a signed multiply (to=1e18,
// from=-9223372036854775) are refused with the accepted range.
#include "host/web/history_query.hpp"

#include <gtest/gtest.h>

#include "host/web/history.hpp"

namespace softbms::host::web {
namespace {

constexpr int64_t kNow = 1'750'000'000'500;

Parsed<HistoryQuery> query(QueryParams p) {
  return parse_history_query(p, kNow);
}

TEST(HistoryQuery, defaults_to_the_last_hour_of_every_series) {
  const auto q = query({});
  ASSERT_EQ(failed(q), nullptr);
  const HistoryQuery& h = std::get<HistoryQuery>(q);
  EXPECT_EQ(h.to_ms, 1'750'000'000'000);
  EXPECT_EQ(h.from_ms, 1'750'000'000'000 - 3'600'000);
  EXPECT_EQ(h.points, 1000U);
  EXPECT_EQ(h.series.size(), std::size(kSeries));
}

TEST(HistoryQuery, reads_the_window_points_and_series) {
  const auto q =
      query({{"from", "100"}, {"to", "200"}, {"points", "5"}, {"series", "soc,voltage"}});
  ASSERT_EQ(failed(q), nullptr);
  const HistoryQuery& h = std::get<HistoryQuery>(q);
  EXPECT_EQ(h.from_ms, 100'000);
  EXPECT_EQ(h.to_ms, 200'000);
  EXPECT_EQ(h.points, 5U);
  EXPECT_EQ(h.series, (std::vector<std::string_view>{"soc", "voltage"}));
}

TEST(HistoryQuery, values_that_would_overflow_are_refused_with_the_range) {
  for (const char* bad : {"1e18", "-9223372036854775", "9223372036854775807", "4102444801", "-1",
                          "1.5", "", "12abc"}) {
    const auto q = query({{"to", bad}});
    ASSERT_NE(failed(q), nullptr) << bad;
    EXPECT_EQ(failed(q)->field, "to");
    EXPECT_EQ(failed(q)->message, "to: whole Unix seconds from 0 to 4102444800") << bad;
    EXPECT_EQ(failed(query({{"from", bad}}))->field, "from") << bad;
  }
}

TEST(HistoryQuery, refuses_points_out_of_range_a_reversed_window_and_unknown_series) {
  EXPECT_EQ(failed(query({{"points", "0"}}))->message, "points: a whole number from 1 to 5000");
  EXPECT_EQ(failed(query({{"points", "5001"}}))->field, "points");
  EXPECT_EQ(failed(query({{"from", "200"}, {"to", "100"}}))->field, "from");
  EXPECT_EQ(failed(query({{"series", "voltage,volume"}}))->field, "series");
}

TEST(HistoryQuery, the_largest_accepted_times_fit_in_milliseconds) {
  const auto q = query({{"from", "0"}, {"to", "4102444800"}});
  ASSERT_EQ(failed(q), nullptr);
  EXPECT_EQ(std::get<HistoryQuery>(q).to_ms, 4'102'444'800'000);
}

}  // namespace
}  // namespace softbms::host::web
