#include "host/history/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace softbms::host::history {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil algorithm).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t y, m, d;
};
Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp + (mp < 10 ? 3 : -9);
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

std::optional<int64_t> number(std::string_view s) {
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Fixed-width field at pos, or nothing.
std::optional<int64_t> field(std::string_view s, std::size_t pos, std::size_t len) {
  if (s.size() < pos + len) return std::nullopt;
  return number(s.substr(pos, len));
}

std::optional<int64_t> relative(std::string_view text, int64_t now_ms) {
  struct Unit {
    char suffix;
    int64_t ms;
  };
  constexpr Unit kUnits[] = {{'s', 1000}, {'m', 60'000}, {'h', 3'600'000}, {'d', 86'400'000}};
  for (const auto& u : kUnits) {
    if (text.back() != u.suffix) continue;
    const auto n = number(text.substr(1, text.size() - 2));
    if (!n || *n < 0) return std::nullopt;
    return now_ms - *n * u.ms;
  }
  return std::nullopt;
}

std::optional<int64_t> iso(std::string_view text) {
  if (text.ends_with('Z')) text.remove_suffix(1);
  const auto y = field(text, 0, 4), mo = field(text, 5, 2), d = field(text, 8, 2);
  if (!y || !mo || !d || text[4] != '-' || text[7] != '-' || *mo < 1 || *mo > 12 || *d < 1 ||
      *d > 31) {
    return std::nullopt;
  }
  int64_t seconds = days_from_civil(*y, *mo, *d) * 86400;
  if (text.size() == 10) return seconds * 1000;
  const auto h = field(text, 11, 2), mi = field(text, 14, 2);
  if ((text[10] != 'T' && text[10] != ' ') || !h || !mi || text[13] != ':' || *h > 23 || *mi > 59) {
    return std::nullopt;
  }
  seconds += *h * 3600 + *mi * 60;
  if (text.size() == 16) return seconds * 1000;
  const auto sec = field(text, 17, 2);
  if (text.size() != 19 || text[16] != ':' || !sec || *sec > 60) return std::nullopt;
  return (seconds + *sec) * 1000;
}

void write_value(std::ostream& out, const std::optional<double>& v) {
  if (!v) return;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", *v);
  out << buf;
}

// A pack id may hold anything a user typed: quote it when CSV needs that.
void write_text(std::ostream& out, std::string_view s) {
  if (s.find_first_of(",\"\n") == std::string_view::npos) {
    out << s;
    return;
  }
  out << '"';
  for (char c : s) out << (c == '"' ? "\"\"" : std::string(1, c));
  out << '"';
}

// "cell_7", "cell_7_min", "cell_7_max": a per-cell column.
bool cell_column(std::string_view name) {
  if (!name.starts_with("cell_")) return false;
  name.remove_prefix(5);
  for (const std::string_view suffix : {"_min", "_max"}) {
    if (name.ends_with(suffix)) name.remove_suffix(suffix.size());
  }
  return number(name).has_value();
}

}  // namespace

std::string format_utc(int64_t unix_ms) {
  const int64_t ms = ((unix_ms % 1000) + 1000) % 1000;
  const int64_t secs = (unix_ms - ms) / 1000;
  const int64_t days = (secs >= 0 ? secs : secs - 86399) / 86400;
  const int64_t rest = secs - days * 86400;
  const Civil c = civil_from_days(days);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld",
                static_cast<long long>(c.y), static_cast<long long>(c.m),
                static_cast<long long>(c.d), static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  std::string out = buf;
  if (ms != 0) {
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(ms));
    out += buf;
  }
  return out + "Z";
}

std::optional<int64_t> parse_time(std::string_view text, int64_t now_ms) {
  if (text.empty()) return std::nullopt;
  if (text == "now") return now_ms;
  if (text.front() == '-') return relative(text, now_ms);
  if (const auto unix_s = number(text)) return *unix_s * 1000;
  return iso(text);
}

void write_csv(const Table& t, std::ostream& out) {
  out << "time,unix_ms,pack";
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    out << ',' << t.columns[c];
    if (c < t.units.size() && !t.units[c].empty()) out << " [" << t.units[c] << ']';
  }
  out << '\n';
  for (const auto& row : t.rows) {
    out << format_utc(row.t_ms) << ',' << row.t_ms << ',';
    write_text(out, row.pack);
    for (const auto& v : row.values) {
      out << ',';
      write_value(out, v);
    }
    out << '\n';
  }
}

Table without_absent_cells(Table t) {
  std::vector<bool> keep(t.columns.size(), true);
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    if (!cell_column(t.columns[c])) continue;
    keep[c] = std::any_of(t.rows.begin(), t.rows.end(),
                          [c](const Row& r) { return c < r.values.size() && r.values[c]; });
  }
  const auto filter = [&keep](auto& list) {
    std::size_t out = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (i < keep.size() && !keep[i]) continue;
      if (out != i) list[out] = std::move(list[i]);  // never a self-move: it empties a string
      ++out;
    }
    list.resize(out);
  };
  filter(t.columns);
  filter(t.units);
  for (auto& row : t.rows) filter(row.values);
  return t;
}

}  // namespace softbms::host::history
