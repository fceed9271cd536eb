#include "host/history/store.hpp"

#include <sqlite3.h>

#include <array>

#include "host/history/series.hpp"

namespace softbms::host::history {
namespace {

constexpr std::array<std::string_view, kResolutions> kNames = {"raw", "1m", "15m"};
constexpr std::array<std::string_view, kResolutions> kTables = {"samples_raw", "samples_1m",
                                                                "samples_15m"};
constexpr std::array<int64_t, kResolutions> kWidthMs = {0, 60'000, 900'000};
constexpr int64_t kMaintainEveryMs = 60'000;
constexpr int64_t kMinRawRetentionMs = 30 * 60'000;  // two 15 min buckets
constexpr std::string_view kSchemaVersion = "1";

std::string table(Resolution r) {
  return std::string(kTables[static_cast<std::size_t>(r)]);
}
int64_t width(Resolution r) {
  return kWidthMs[static_cast<std::size_t>(r)];
}
int64_t floor_to(int64_t t, int64_t w) {
  return t - ((t % w) + w) % w;
}

Milliseconds retention_of(const Retention& k, Resolution r) {
  const std::array<Milliseconds, kResolutions> all = {k.raw, k.minute, k.quarter_hour};
  return all[static_cast<std::size_t>(r)];
}

std::string create_sql(Resolution r) {
  std::string sql =
      "CREATE TABLE IF NOT EXISTS " + table(r) + "(pack TEXT NOT NULL, t_ms INTEGER NOT NULL";
  if (r != Resolution::raw) sql += ", n INTEGER NOT NULL";
  for (const auto& s : all_series()) {
    sql += ", " + s.name + " REAL";
    if (r != Resolution::raw) sql += ", " + s.name + "_min REAL, " + s.name + "_max REAL";
  }
  return sql + ", PRIMARY KEY(pack, t_ms)) WITHOUT ROWID";
}

// Finalises a statement when it goes out of scope.
struct Stmt {
  sqlite3_stmt* s = nullptr;
  ~Stmt() { sqlite3_finalize(s); }
};

}  // namespace

std::string_view resolution_name(Resolution r) {
  return kNames[static_cast<std::size_t>(r)];
}

std::optional<Resolution> resolution_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kResolutions; ++i) {
    if (kNames[i] == name) return static_cast<Resolution>(i);
  }
  return std::nullopt;
}

HistoryStore::~HistoryStore() {
  sqlite3_close(db_);
}

Status HistoryStore::fail(Errc code, std::string message) const {
  error_ = std::move(message);
  return Status(code);
}

Status HistoryStore::exec(const std::string& sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) == SQLITE_OK) return ok_status();
  const std::string text = msg != nullptr ? msg : "sqlite error";
  sqlite3_free(msg);
  return fail(Errc::corrupt, text);
}

Status HistoryStore::open(const HistoryOptions& options) {
  if (options.interval.count() <= 0)
    return fail(Errc::bad_value, "the history interval must be above 0");
  const int64_t raw_keep = options.retention.raw.count();
  if (raw_keep != 0 && raw_keep < kMinRawRetentionMs) {
    return fail(Errc::bad_value, "raw retention must be at least 30 minutes (or 0 = forever)");
  }
  options_ = options;
  const int flags =
      options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(options.path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    return fail(Errc::not_found, "cannot open " + options.path + ": " + sqlite3_errmsg(db_));
  }
  sqlite3_busy_timeout(db_, 2000);  // an export may run while `softbms run` writes
  if (options.read_only) return exec("SELECT value FROM meta WHERE key = 'schema'");
  // WAL and NORMAL sync: one fsync per checkpoint instead of per sample (SD cards).
  Status st = exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
      "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
      "INSERT OR IGNORE INTO meta VALUES('schema', '" +
      std::string(kSchemaVersion) + "')");
  for (std::size_t i = 0; st.ok() && i < kResolutions; ++i)
    st = exec(create_sql(static_cast<Resolution>(i)));
  for (std::size_t i = 1; st.ok() && i < kResolutions; ++i) {
    Stmt q;  // resume downsampling from the last bucket already written
    sqlite3_prepare_v2(
        db_, ("SELECT coalesce(max(t_ms), 0) FROM " + table(static_cast<Resolution>(i))).c_str(),
        -1, &q.s, nullptr);
    if (sqlite3_step(q.s) == SQLITE_ROW) done_ms_[i] = sqlite3_column_int64(q.s, 0);
  }
  return st;
}

Result<bool> HistoryStore::record(int64_t unix_ms, std::string_view pack, const core::Snapshot& s) {
  if (db_ == nullptr || options_.read_only)
    return fail(Errc::bad_state, "history is not open for writing");
  const auto last = last_sample_.find(pack);
  if (last != last_sample_.end() && unix_ms - last->second < options_.interval.count())
    return false;
  const auto values = series_values(s);
  std::string sql = "INSERT OR REPLACE INTO samples_raw VALUES(?, ?";
  for (std::size_t i = 0; i < values.size(); ++i) sql += ", ?";
  sql += ")";
  Stmt st;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st.s, nullptr) != SQLITE_OK)
    return fail(Errc::corrupt, sqlite3_errmsg(db_));
  sqlite3_bind_text(st.s, 1, pack.data(), static_cast<int>(pack.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(st.s, 2, unix_ms);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const int at = static_cast<int>(i) + 3;
    if (values[i])
      sqlite3_bind_double(st.s, at, *values[i]);
    else
      sqlite3_bind_null(st.s, at);
  }
  if (sqlite3_step(st.s) != SQLITE_DONE) return fail(Errc::corrupt, sqlite3_errmsg(db_));
  last_sample_[std::string(pack)] = unix_ms;
  if (unix_ms - last_maintain_ms_ >= kMaintainEveryMs) {
    const Status m = maintain(unix_ms);
    if (!m.ok()) return m;
  }
  return true;
}

Status HistoryStore::maintain(int64_t now_ms) {
  last_maintain_ms_ = now_ms;
  // Downsample before expiring, so raw samples past retention still reach the aggregates.
  Status st = downsample(Resolution::minute, now_ms);
  if (st.ok()) st = downsample(Resolution::quarter_hour, now_ms);
  for (std::size_t i = 0; st.ok() && i < kResolutions; ++i)
    st = expire(static_cast<Resolution>(i), now_ms);
  return st;
}

// Recomputes every bucket from the last one written (it may have been partial) to now, from the
// raw samples, so the averages are exact and a restart resumes where it stopped.
Status HistoryStore::downsample(Resolution r, int64_t now_ms) {
  const std::size_t i = static_cast<std::size_t>(r);
  const std::string w = std::to_string(width(r));
  std::string cols = "pack, t_ms, n";
  std::string aggs = "pack, (t_ms / " + w + ") * " + w + " AS b, count(*)";
  for (const auto& s : all_series()) {
    cols += ", " + s.name + ", " + s.name + "_min, " + s.name + "_max";
    aggs += ", avg(" + s.name + "), min(" + s.name + "), max(" + s.name + ")";
  }
  const Status st =
      exec("INSERT OR REPLACE INTO " + table(r) + "(" + cols + ") SELECT " + aggs +
           " FROM samples_raw WHERE t_ms >= " + std::to_string(done_ms_[i]) + " GROUP BY pack, b");
  if (st.ok()) done_ms_[i] = floor_to(now_ms, width(r));
  return st;
}

Status HistoryStore::expire(Resolution r, int64_t now_ms) {
  const int64_t keep = retention_of(options_.retention, r).count();
  if (keep == 0) return ok_status();
  return exec("DELETE FROM " + table(r) + " WHERE t_ms < " + std::to_string(now_ms - keep));
}

Result<Table> HistoryStore::query(const Query& q) const {
  if (db_ == nullptr) return fail(Errc::bad_state, "history is not open");
  Table t;
  t.resolution = q.resolution;
  std::vector<std::string> names = q.series;
  if (names.empty()) {
    for (const auto& s : all_series()) names.push_back(s.name);
  }
  std::string select = "SELECT pack, t_ms";
  for (std::size_t k = 0; k < names.size(); ++k) {
    const auto at = series_index(names[k]);
    if (!at) return fail(Errc::unknown_field, "no series '" + names[k] + "'");
    const std::string& unit = all_series()[*at].unit;
    t.columns.push_back(names[k]);
    t.units.push_back(unit);
    select += ", " + names[k];
    if (q.resolution == Resolution::raw) continue;
    for (const char* suffix : {"_min", "_max"}) {
      t.columns.push_back(names[k] + suffix);
      t.units.push_back(unit);
      select += ", " + names[k] + suffix;
    }
  }
  select += " FROM " + table(q.resolution) + " WHERE t_ms >= ? AND t_ms <= ?";
  if (!q.pack.empty()) select += " AND pack = ?";
  select += " ORDER BY t_ms, pack";
  Stmt st;
  if (sqlite3_prepare_v2(db_, select.c_str(), -1, &st.s, nullptr) != SQLITE_OK)
    return fail(Errc::corrupt, sqlite3_errmsg(db_));
  sqlite3_bind_int64(st.s, 1, q.from_ms);
  sqlite3_bind_int64(st.s, 2, q.to_ms);
  if (!q.pack.empty()) sqlite3_bind_text(st.s, 3, q.pack.c_str(), -1, SQLITE_TRANSIENT);
  int rc = 0;
  while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) {
    Row row;
    row.pack = reinterpret_cast<const char*>(sqlite3_column_text(st.s, 0));
    row.t_ms = sqlite3_column_int64(st.s, 1);
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const int col = static_cast<int>(c) + 2;
      row.values.push_back(sqlite3_column_type(st.s, col) == SQLITE_NULL
                               ? std::nullopt
                               : std::optional<double>(sqlite3_column_double(st.s, col)));
    }
    t.rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return fail(Errc::corrupt, sqlite3_errmsg(db_));
  return t;
}

}  // namespace softbms::host::history
