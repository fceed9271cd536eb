// The state dir's history.db as a hostile file: the input is the database file's bytes (a
// damaged or crafted SQLite file, or a softbms history whose tables have other columns or types).
// It is opened as `softbms history export` opens it (read-only, then a query of every series and
// the CSV), and as `softbms run` opens it (read-write, a sample recorded, maintenance, a query).
// Nothing may crash, and every row a query returns must have one value per column.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "host/history/csv.hpp"
#include "host/history/store.hpp"

using namespace softbms;
using namespace softbms::host::history;

namespace {

void remove_files();

// The database file every input is written to: in /dev/shm where there is one (the read-write
// open syncs, and a disk makes that slow), else in /tmp.
const std::string& db_path() {
  // Never destroyed: remove_files runs at exit, after the statics' destructors would have.
  static const std::string& path = *new std::string([] {
    for (const char* dir : {"/dev/shm", "/tmp"}) {
      std::string name = std::string(dir) + "/softbms-history-fuzz-XXXXXX";
      const int fd = ::mkstemp(name.data());
      if (fd < 0) continue;
      ::close(fd);
      std::atexit(remove_files);
      return name;
    }
    std::abort();
  }());
  return path;
}

// A -wal or -shm file left by the last input would be read with the next one.
void remove_side_files(const std::string& path) {
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
}

void remove_files() {
  remove_side_files(db_path());
  std::remove(db_path().c_str());
}

void write_file(const std::string& path, const uint8_t* data, std::size_t size) {
  remove_side_files(path);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
}

void check(const Result<Table>& r) {
  if (!r.ok()) return;
  const Table& t = r.value();
  for (const Row& row : t.rows) {
    if (row.values.size() != t.columns.size()) std::abort();
  }
  std::ostringstream csv;
  write_csv(without_absent_cells(t), csv);
}

core::Snapshot sample() {
  core::Snapshot s;
  s.pack_voltage = Millivolts(52'800);
  s.current = Milliamps(-12'000);
  s.cell_present_mask = 0b11;
  s.cell = {Millivolts(3300), Millivolts(3310)};
  s.temp_present_mask = 0b1;
  s.soc_permille = 640;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string& path = db_path();
  write_file(path, data, size);
  {
    HistoryStore export_side;
    HistoryOptions o;
    o.path = path;
    o.read_only = true;
    if (export_side.open(o).ok()) {
      check(export_side.query(Query{}));
      Query minute;
      minute.resolution = Resolution::minute;
      check(export_side.query(minute));
    }
  }
  {
    HistoryStore run_side;
    HistoryOptions o;
    o.path = path;
    if (run_side.open(o).ok()) {
      static_cast<void>(run_side.record(1'800'000'000'000, "1", sample()));
      static_cast<void>(run_side.maintain(1'800'000'900'000));
      Query q;
      q.pack = "1";
      q.resolution = Resolution::quarter_hour;
      check(run_side.query(q));
    }
  }
  return 0;
}
