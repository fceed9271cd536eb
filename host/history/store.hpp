// History in an embedded SQLite database: a raw table of samples at an interval, and 1-minute
// and 15-minute tables of averages, minima and maxima, each with its own retention. Time is
// always passed in (Unix ms), so tests and replays control it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.hpp"
#include "core/base/units.hpp"
#include "core/io/snapshot.hpp"

struct sqlite3;

namespace softbms::host::history {

enum class Resolution : uint8_t { raw, minute, quarter_hour };
inline constexpr std::size_t kResolutions = 3;
std::string_view resolution_name(Resolution r);  // "raw", "1m", "15m"
std::optional<Resolution> resolution_from_name(std::string_view name);

struct Retention {  // 0 = keep forever
  Milliseconds raw{7LL * 24 * 3600 * 1000};
  Milliseconds minute{90LL * 24 * 3600 * 1000};
  Milliseconds quarter_hour{3LL * 366 * 24 * 3600 * 1000};
};

struct HistoryOptions {
  std::string path;               // the database file (":memory:" for tests)
  Milliseconds interval{10'000};  // one raw sample per pack per interval
  Retention retention{};
  bool read_only = false;  // `softbms history export`: never creates or changes
};

struct Row {
  std::string pack;
  int64_t t_ms = 0;                           // sample time, or the start of the bucket
  std::vector<std::optional<double>> values;  // one per Table::columns
};

struct Table {
  Resolution resolution = Resolution::raw;
  std::vector<std::string> columns;  // series; downsampled: s (average), s_min, s_max
  std::vector<std::string> units;
  std::vector<Row> rows;  // by time, then pack
};

struct Query {
  std::string pack;  // empty = every pack
  int64_t from_ms = 0;
  int64_t to_ms = INT64_MAX;
  std::vector<std::string> series;  // empty = every series
  Resolution resolution = Resolution::raw;
};

class HistoryStore {
 public:
  HistoryStore() = default;
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // Errc::bad_value: options that would lose data (raw retention under 30 min, interval <= 0);
  // Errc::not_found: read_only and no database there; Errc::corrupt: not a softbms history.
  Status open(const HistoryOptions& options);
  // Stores the snapshot when the pack's last sample is at least an interval old; true if stored.
  // Downsamples and applies retention once per minute of sample time.
  Result<bool> record(int64_t unix_ms, std::string_view pack, const core::Snapshot& s);
  // Brings the 1 m and 15 m tables up to now and deletes what is past retention.
  Status maintain(int64_t now_ms);
  // Errc::unknown_field (detail = position in q.series) for a series that does not exist.
  Result<Table> query(const Query& q) const;
  [[nodiscard]] const std::string& last_error() const { return error_; }

 private:
  Status exec(const std::string& sql);
  Status fail(Errc code, std::string message) const;
  Status downsample(Resolution r, int64_t now_ms);
  Status expire(Resolution r, int64_t now_ms);

  sqlite3* db_ = nullptr;
  HistoryOptions options_{};
  std::map<std::string, int64_t, std::less<>> last_sample_;
  std::array<int64_t, kResolutions> done_ms_{};  // buckets before this are final
  int64_t last_maintain_ms_ = 0;
  mutable std::string error_;
};

}  // namespace softbms::host::history
