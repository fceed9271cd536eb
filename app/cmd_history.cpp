// softbms history: the SQLite history that `softbms run` keeps (host/history).
//   softbms history export --db PATH [--pack ID] [--from T] [--to T] [--series a,b]
//                          [--resolution raw|1m|15m]      CSV on stdout
//   softbms history series                               the series and their units
#include <chrono>
#include <ostream>
#include <string>

#include "app/cli.hpp"
#include "app/options.hpp"
#include "host/history/csv.hpp"
#include "host/history/series.hpp"
#include "host/history/store.hpp"

namespace softbms::app {
namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::vector<std::string> split(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto word = list.substr(0, comma);
    if (!word.empty()) out.emplace_back(word);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

int list_series(Io io) {
  for (const auto& s : host::history::all_series()) {
    io.out << pad(s.name, 22) << (s.unit.empty() ? "0/1" : s.unit) << "\n";
  }
  return kOk;
}

// The query the options ask for, or a message on io.err and nothing.
std::optional<host::history::Query> query_from(const Args& args, Io io) {
  host::history::Query q;
  const int64_t now = now_ms();
  for (const auto& [name, target] : {std::pair{"from", &q.from_ms}, std::pair{"to", &q.to_ms}}) {
    const auto text = args.option(name);
    if (!text) continue;
    const auto t = host::history::parse_time(*text, now);
    if (!t) {
      io.err << "softbms history: --" << name << " '" << *text
             << "' is not a time (2024-05-01, 2024-05-01T12:00:00Z, Unix seconds, now, or "
                "-90s/-15m/-2h/-7d "
                "before now)\n";
      return std::nullopt;
    }
    *target = *t;
  }
  if (const auto r = args.option("resolution")) {
    const auto res = host::history::resolution_from_name(*r);
    if (!res) {
      io.err << "softbms history: --resolution must be raw, 1m or 15m\n";
      return std::nullopt;
    }
    q.resolution = *res;
  }
  if (const auto p = args.option("pack")) q.pack = std::string(*p);
  if (const auto s = args.option("series")) q.series = split(*s);
  return q;
}

int export_csv(const Args& args, Io io) {
  const auto db = args.option("db");
  if (!db) {
    io.err << "softbms history: --db PATH is required\n";
    return usage_hint(io, "history export");
  }
  const auto q = query_from(args, io);
  if (!q) return kUsage;
  host::history::HistoryStore store;
  host::history::HistoryOptions options;
  options.path = std::string(*db);
  options.read_only = true;
  if (!store.open(options).ok()) {
    io.err << "softbms history: " << std::string(*db) << " is not a softbms history ("
           << store.last_error() << ")\n";
    return kFailure;
  }
  const auto table = store.query(*q);
  if (!table.ok()) {
    io.err << "softbms history: " << store.last_error() << " (softbms history series lists them)\n";
    return table.status().code() == Errc::unknown_field ? kUsage : kFailure;
  }
  // Every series asked for by name is written; "all" means the cells this pack has.
  host::history::write_csv(
      q->series.empty() ? host::history::without_absent_cells(table.value()) : table.value(),
      io.out);
  return kOk;
}

}  // namespace

int cmd_history_export(const Args& args, Io io) {
  return export_csv(args, io);
}

int cmd_history_series(const Args& /*args*/, Io io) {
  return list_series(io);
}

}  // namespace softbms::app
