// Offline SOC estimation: a logged pack (time, current, voltage, temperature) replayed through
// the core's estimators, the model-based filter and the coulomb counter, exactly as the board
// runs them. `softbms estimate` is its command line (docs/estimation.md).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/settings/param.hpp"

namespace softbms::host::estimate {

inline constexpr std::size_t kMaxLogCells = 32;

struct LogRow {
  double time_s = 0.0;
  double current_a = 0.0;         // + = charge
  std::vector<double> voltage_v;  // one per cell, or the pack's in [0]
  std::optional<double> temp_c;
};

struct Log {
  std::vector<LogRow> rows;
  bool per_cell = false;    // cell_1..cell_N columns: voltage_v holds one value per cell
  std::size_t skipped = 0;  // rows with an empty time, current or voltage (no sample)
};

struct LogError {
  std::size_t line = 0;    // 1-based
  std::size_t column = 0;  // 1-based; 0 = the whole line
  std::string message;
  [[nodiscard]] std::string text() const;
};

// CSV with a header naming the columns, in any order; other columns are ignored:
//   time_s (or unix_ms), current_a (or current), voltage_v (or voltage), temp_c (or
//   temp_battery_max), and cell_1 .. cell_N for per-cell voltages (softbms history export).
// Separators ',' or ';'; '#' lines and blank lines are skipped. Time must increase. At most
// max_rows data rows (the limit is enforced while reading).
struct ParseResult {
  std::optional<Log> log;
  LogError error;
};
ParseResult parse_log_csv(std::string_view text, std::size_t max_rows = 10'000'000);

enum class Method { model, coulomb };

struct ReplayOptions {
  core::Chemistry chemistry = core::Chemistry::lfp;
  double capacity_ah = 280.0;
  std::optional<double> initial_soc_pct;  // empty: from the first voltage and the OCV table
  int cells = 1;                          // series cells behind a pack voltage
  Method method = Method::model;
};

struct EstimateRow {
  double time_s;
  double soc_pct;  // the chosen method
  double soc_coulomb_pct;
};

struct ReplaySummary {
  std::size_t rows = 0;
  std::size_t gaps = 0;  // intervals longer than kGapS
  double duration_s = 0.0;
  double final_soc_pct = 0.0;
  double final_soc_model_pct = 0.0;
  double final_soc_coulomb_pct = 0.0;
  double r0_ohm = 0.0;  // learned series resistance per cell (mean, 25 °C)
  double current_offset_a = 0.0;
  double capacity_ah = 0.0;  // learned usable capacity
  double soh_pct = 100.0;
};

// An interval longer than this is a gap: the charge in it is a guess (the mean of the currents at
// both ends) and the filter is told how unsure it is.
inline constexpr double kGapS = 30.0;

struct ReplayResult {
  std::vector<EstimateRow> rows;
  ReplaySummary summary;
};
ReplayResult replay(const Log& log, const ReplayOptions& options);

}  // namespace softbms::host::estimate
