#include "host/web/history_query.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "host/web/history.hpp"

namespace softbms::host::web {
namespace {

const std::string* param(const QueryParams& params, const char* name) {
  const auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}

// A whole number within [min, max], or nullopt.
std::optional<int64_t> whole(const std::string& text, int64_t min, int64_t max) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || v < min || v > max) return std::nullopt;
  return v;
}

RequestError out_of_range(const char* name, int64_t min, int64_t max, std::string_view what) {
  return {name, std::string(name) + ": " + std::string(what) + " from " + std::to_string(min) +
                    " to " + std::to_string(max)};
}

Parsed<int64_t> seconds(const QueryParams& params, const char* name, int64_t fallback) {
  const std::string* text = param(params, name);
  if (text == nullptr) return fallback;
  const auto v = whole(*text, 0, kMaxUnixSeconds);
  if (!v) return out_of_range(name, 0, kMaxUnixSeconds, "whole Unix seconds");
  return *v;
}

Parsed<std::vector<std::string_view>> series_names(const QueryParams& params) {
  std::vector<std::string_view> names;
  const std::string* text = param(params, "series");
  if (text == nullptr || text->empty()) {
    for (const auto& s : kSeries) names.push_back(s.name);
    return names;
  }
  std::string_view rest = *text;
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find(','), rest.size());
    const std::string_view name = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (name.empty()) continue;
    const SeriesInfo* s = find_series(name);
    if (s == nullptr)
      return RequestError{"series",
                          "series: unknown; known: voltage, current, power, soc, cell_min, "
                          "cell_max, cell_delta, temp_mos, temp_battery_min, temp_battery_max"};
    names.push_back(s->name);
  }
  return names;
}

}  // namespace

Parsed<HistoryQuery> parse_history_query(const QueryParams& params, int64_t now_ms) {
  const int64_t now_s = std::clamp<int64_t>(now_ms / 1000, 0, kMaxUnixSeconds);
  const auto to = seconds(params, "to", now_s);
  if (const auto* e = failed(to)) return *e;
  const int64_t to_s = std::get<int64_t>(to);
  const auto from = seconds(params, "from", std::max<int64_t>(0, to_s - kDefaultHistorySpanS));
  if (const auto* e = failed(from)) return *e;
  const int64_t from_s = std::get<int64_t>(from);
  if (from_s > to_s) return RequestError{"from", "from: must not be after to"};
  HistoryQuery q;
  q.from_ms = from_s * 1000;
  q.to_ms = to_s * 1000;
  if (const std::string* text = param(params, "points")) {
    const auto points = whole(*text, 1, static_cast<int64_t>(kMaxHistoryPoints));
    if (!points)
      return out_of_range("points", 1, static_cast<int64_t>(kMaxHistoryPoints), "a whole number");
    q.points = static_cast<std::size_t>(*points);
  }
  auto names = series_names(params);
  if (const auto* e = failed(names)) return *e;
  q.series = std::move(std::get<std::vector<std::string_view>>(names));
  return q;
}

}  // namespace softbms::host::web
