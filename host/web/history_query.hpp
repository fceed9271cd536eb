// The query of GET /api/packs/{id}/history (?series=a,b&from=&to=&points=) read into checked
// values: whole Unix seconds within kMaxUnixSeconds, 1 to kMaxHistoryPoints points, known
// series. Anything else is a RequestError naming the parameter and the accepted range, so no
// product of a query can overflow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "host/web/request_body.hpp"

namespace softbms::host::web {

inline constexpr int64_t kMaxUnixSeconds = 4'102'444'800;  // 2100-01-01
inline constexpr std::size_t kMaxHistoryPoints = 5000;
inline constexpr std::size_t kDefaultHistoryPoints = 1000;
inline constexpr int64_t kDefaultHistorySpanS = 3600;

struct HistoryQuery {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  std::size_t points = kDefaultHistoryPoints;
  std::vector<std::string_view> series;  // names from kSeries (history.hpp)
};

// httplib::Params: each query parameter, decoded.
using QueryParams = std::multimap<std::string, std::string>;

// Defaults: to = now, from = to - 1 h, every series.
Parsed<HistoryQuery> parse_history_query(const QueryParams& params, int64_t now_ms);

}  // namespace softbms::host::web
