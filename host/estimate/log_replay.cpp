#include "host/estimate/log_replay.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/estimate/estimator.hpp"
#include "core/estimate/ocv_table.hpp"
#include "core/estimate/soc_filter.hpp"
#include "core/settings/settings.hpp"
#include "support/text.hpp"

namespace softbms::host::estimate {
namespace {

enum Column : std::size_t { kTime, kCurrent, kVoltage, kTemp, kColumns };

// What a pack can read; beyond it a value is a typo or garbage (and would overflow the integer
// units of the core's coulomb counter).
struct Limit {
  double lo, hi;
  std::string_view unit;
};
constexpr std::array<Limit, kColumns> kLimits = {
    {{0.0, 1e10, "s"}, {-1e4, 1e4, "A"}, {0.0, 1000.0, "V"}, {-100.0, 200.0, "°C"}}};
constexpr Limit kCellLimit{0.0, 10.0, "V"};

struct ColumnName {
  std::string_view name;
  Column column;
  double scale;  // value x scale = the unit the row holds
};
constexpr std::array<ColumnName, 8> kNames = {{
    {"time_s", kTime, 1.0},
    {"unix_ms", kTime, 1e-3},
    {"current_a", kCurrent, 1.0},
    {"current", kCurrent, 1.0},
    {"voltage_v", kVoltage, 1.0},
    {"voltage", kVoltage, 1.0},
    {"temp_c", kTemp, 1.0},
    {"temp_battery_max", kTemp, 1.0},
}};
constexpr std::array<std::string_view, kColumns> kRequiredName = {"time_s", "current_a",
                                                                  "voltage_v", "temp_c"};

using support::parse_number;
using support::trim;

// Calls f(index, field) for each separated field of a line; stops when f returns false.
template <typename F>
void for_each_field(std::string_view line, char sep, F f) {
  std::size_t index = 0;
  while (true) {
    const auto pos = line.find(sep);
    if (!f(index++, trim(line.substr(0, pos)))) return;
    if (pos == std::string_view::npos) return;
    line.remove_prefix(pos + 1);
  }
}

// Where each value sits in a data line.
struct Layout {
  char sep = ',';
  std::array<std::optional<std::size_t>, kColumns> at{};
  std::array<double, kColumns> scale{1.0, 1.0, 1.0, 1.0};
  std::vector<std::size_t> cells;  // field index of cell_1, cell_2, ...
};

std::optional<std::size_t> cell_number(std::string_view name) {
  if (!name.starts_with("cell_")) return std::nullopt;
  std::size_t n = 0;
  const auto digits = name.substr(5);
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || n < 1 || n > kMaxLogCells)
    return std::nullopt;
  return n;
}

std::optional<LogError> read_header(std::string_view line, std::size_t line_no, Layout& layout) {
  layout.sep = line.find(';') != std::string_view::npos && line.find(',') == std::string_view::npos
                   ? ';'
                   : ',';
  std::array<std::optional<std::size_t>, kMaxLogCells> cell_at{};
  std::optional<LogError> unit_error;
  for_each_field(line, layout.sep, [&](std::size_t i, std::string_view name) {
    // `softbms history export` writes "voltage [V]": the unit must be the one read here.
    std::string_view unit;
    if (const auto open = name.rfind(" ["); open != std::string_view::npos && name.ends_with(']')) {
      unit = name.substr(open + 2, name.size() - open - 3);
      name = name.substr(0, open);
    }
    const auto wrong_unit = [&](std::string_view want) {
      if (unit.empty() || unit == want) return false;
      unit_error = LogError{line_no, i + 1,
                            "column '" + std::string(name) + "' is in " + std::string(unit) +
                                "; it is read in " + std::string(want)};
      return true;
    };
    for (const auto& n : kNames) {
      if (n.name == name && !layout.at[n.column] && !wrong_unit(kLimits[n.column].unit)) {
        layout.at[n.column] = i;
        layout.scale[n.column] = n.scale;
      }
    }
    if (const auto k = cell_number(name); k && !wrong_unit(kCellLimit.unit)) cell_at[*k - 1] = i;
    return !unit_error;
  });
  if (unit_error) return unit_error;
  for (std::size_t k = 0; k < kMaxLogCells && cell_at[k]; ++k) layout.cells.push_back(*cell_at[k]);
  for (Column c : {kTime, kCurrent}) {
    if (!layout.at[c]) {
      return LogError{line_no, 0,
                      "the header has no '" + std::string(kRequiredName[c]) + "' column"};
    }
  }
  if (!layout.at[kVoltage] && layout.cells.empty()) {
    return LogError{line_no, 0, "the header has no 'voltage_v' column (nor cell_1 .. cell_N)"};
  }
  return std::nullopt;
}

}  // namespace

std::string LogError::text() const {
  std::string out = "line " + std::to_string(line);
  if (column > 0) out += ", column " + std::to_string(column);
  return out + ": " + message;
}

ParseResult parse_log_csv(std::string_view text, std::size_t max_rows) {
  ParseResult result;
  Log log;
  Layout layout;
  bool have_header = false;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    if (!have_header) {
      if (auto e = read_header(line, line_no, layout)) {
        result.error = *e;
        return result;
      }
      have_header = true;
      log.per_cell = !layout.cells.empty();
      continue;
    }
    if (log.rows.size() >= max_rows) {
      result.error = {line_no, 0, "more than " + std::to_string(max_rows) + " rows"};
      return result;
    }
    std::array<std::optional<double>, kColumns> value{};
    std::vector<std::optional<double>> cells(layout.cells.size());
    std::optional<LogError> bad;
    for_each_field(line, layout.sep, [&](std::size_t i, std::string_view field) {
      const auto store = [&](std::optional<double>& slot, double scale, std::string_view what,
                             const Limit& lim) {
        if (field.empty()) return;  // no sample
        const std::string shown(field.substr(0, 40));
        double v = 0.0;
        if (!parse_number(field, v)) {
          bad = LogError{line_no, i + 1, std::string(what) + " '" + shown + "' is not a number"};
          return;
        }
        v *= scale;
        if (v < lim.lo || v > lim.hi) {
          char range[96];
          std::snprintf(range, sizeof range, " is outside %g .. %g %s", lim.lo, lim.hi,
                        std::string(lim.unit).c_str());
          bad = LogError{line_no, i + 1, std::string(what) + " " + shown + range};
          return;
        }
        slot = v;
      };
      for (std::size_t c = 0; c < kColumns && !bad; ++c) {
        if (layout.at[c] == i) store(value[c], layout.scale[c], kRequiredName[c], kLimits[c]);
      }
      for (std::size_t k = 0; k < layout.cells.size() && !bad; ++k) {
        if (layout.cells[k] == i) store(cells[k], 1.0, "cell_" + std::to_string(k + 1), kCellLimit);
      }
      return !bad;
    });
    if (bad) {
      result.error = *bad;
      return result;
    }
    LogRow row;
    const bool cells_ok = !log.per_cell || std::all_of(cells.begin(), cells.end(),
                                                       [](const auto& c) { return c.has_value(); });
    if (!value[kTime] || !value[kCurrent] || (!log.per_cell && !value[kVoltage]) || !cells_ok) {
      ++log.skipped;
      continue;
    }
    row.time_s = *value[kTime];
    row.current_a = *value[kCurrent];
    row.temp_c = value[kTemp];
    if (log.per_cell) {
      for (const auto& c : cells) row.voltage_v.push_back(*c);
    } else {
      row.voltage_v.push_back(*value[kVoltage]);
    }
    if (!log.rows.empty() && row.time_s <= log.rows.back().time_s) {
      result.error = {line_no, *layout.at[kTime] + 1,
                      "time does not increase (" + std::to_string(row.time_s) + " after " +
                          std::to_string(log.rows.back().time_s) + ")"};
      return result;
    }
    log.rows.push_back(std::move(row));
  }
  if (!have_header) {
    result.error = {line_no, 0, "no header line (time_s,current_a,voltage_v[,temp_c])"};
    return result;
  }
  if (log.rows.empty()) {
    result.error = {line_no, 0, "no data rows"};
    return result;
  }
  result.log = std::move(log);
  return result;
}

namespace {

// The cells' voltages of a row: per-cell columns as they are, a pack voltage split evenly.
std::size_t cell_volts(const LogRow& row, bool per_cell, int cells,
                       std::array<float, kMaxLogCells>& out) {
  if (per_cell) {
    const std::size_t n = std::min(row.voltage_v.size(), kMaxLogCells);
    for (std::size_t k = 0; k < n; ++k) out[k] = static_cast<float>(row.voltage_v[k]);
    return n;
  }
  out[0] = static_cast<float>(row.voltage_v[0] / std::max(cells, 1));
  return 1;
}

core::Measured measured(const std::array<float, kMaxLogCells>& v, std::size_t n, double amps) {
  core::Measured m;
  m.cells_present = static_cast<uint8_t>(n);
  m.cells_expected = m.cells_present;
  int64_t sum = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const Millivolts mv(static_cast<int32_t>(std::lround(v[k] * 1000.0F)));
    m.cell[k] = mv;
    m.present_mask |= 1U << k;
    sum += mv.count();
    if (k == 0 || mv > m.max) m.max = mv;
    if (k == 0 || mv < m.min) m.min = mv;
  }
  m.avg = Millivolts(static_cast<int32_t>(sum / static_cast<int64_t>(std::max<std::size_t>(n, 1))));
  m.pack = Millivolts(static_cast<int32_t>(sum));
  m.current = Milliamps(static_cast<int32_t>(
      std::clamp(std::lround(amps * 1000.0), -2'000'000'000L, 2'000'000'000L)));
  return m;
}

}  // namespace

ReplayResult replay(const Log& log, const ReplayOptions& o) {
  ReplayResult out;
  if (log.rows.empty()) return out;
  std::array<float, kMaxLogCells> volts{};
  const std::size_t n = cell_volts(log.rows.front(), log.per_cell, o.cells, volts);
  const auto design = MilliampHours(static_cast<int64_t>(std::llround(o.capacity_ah * 1000.0)));

  // Where to start: the given SOC, or the first voltage read against the chemistry's OCV table.
  double start = 0.0;
  if (o.initial_soc_pct) {
    start = std::clamp(*o.initial_soc_pct, 0.0, 100.0) / 100.0;
  } else {
    float sum = 0.0F;
    for (std::size_t k = 0; k < n; ++k) sum += volts[k];
    start = core::soc_at_rest_v(o.chemistry, sum / static_cast<float>(n));
  }

  core::SocFilter filter;
  filter.start(o.chemistry, static_cast<float>(o.capacity_ah), static_cast<uint8_t>(n),
               static_cast<float>(start), core::FilterTuning{}.initial_soc_sigma);

  // The board's coulomb counter with JK's voltage rules, from the same start.
  core::Settings settings = core::Settings::preset(o.chemistry, core::ModelId::jk_pb2a16s20p, 16);
  settings.set_raw(core::Param::design_capacity,
                   static_cast<int32_t>(std::min<int64_t>(design.count(), INT32_MAX)));
  core::Estimator coulomb;
  core::Counters c;
  c.design_capacity = design;
  c.full_capacity = design;
  c.remaining = MilliampMilliseconds(
      static_cast<int64_t>(std::llround(start * static_cast<double>(to_charge(design).count()))));
  c.seeded = 1;
  (void)coulomb.restore(c);

  const float full_v =
      static_cast<float>(settings.mv(core::Param::soc_100_voltage).count()) / 1000.0F;
  const float empty_v =
      static_cast<float>(settings.mv(core::Param::soc_0_voltage).count()) / 1000.0F;
  const double t0 = log.rows.front().time_s;
  double pending_s = 0.0;
  double pending_as = 0.0;
  double pending_sigma_as = 0.0;
  out.rows.reserve(log.rows.size());
  for (std::size_t r = 0; r < log.rows.size(); ++r) {
    const LogRow& row = log.rows[r];
    const std::size_t cells = cell_volts(row, log.per_cell, o.cells, volts);
    if (r > 0) {
      const LogRow& prev = log.rows[r - 1];
      const double dt = row.time_s - prev.time_s;
      pending_s += dt;
      pending_as += 0.5 * (prev.current_a + row.current_a) * dt;
      if (dt > kGapS) {
        ++out.summary.gaps;
        pending_sigma_as +=
            0.5 * std::fabs(prev.current_a - row.current_a) * dt + 0.01 * o.capacity_ah * dt;
      }
    }
    const core::Measured m = measured(volts, cells, row.current_a);
    coulomb.update(Milliseconds(std::llround((row.time_s - t0) * 1000.0)), m, settings,
                   core::FetState{true, true});
    if (r == 0 || pending_s >= 1.0) {
      core::FilterStep step;
      step.dt_s = static_cast<float>(pending_s);
      step.charge_as = static_cast<float>(pending_as);
      step.charge_sigma_as = static_cast<float>(pending_sigma_as);
      step.current_a = static_cast<float>(row.current_a);
      step.temp_c = static_cast<float>(row.temp_c.value_or(25.0));
      step.cell_v = std::span<const float>(volts.data(), std::min(cells, n));
      step.full_v = full_v;
      step.empty_v = empty_v;
      filter.update(step);
      pending_s = 0.0;
      pending_as = 0.0;
      pending_sigma_as = 0.0;
    }
    const double model_pct = std::clamp(static_cast<double>(filter.pack_soc()), 0.0, 1.0) * 100.0;
    const double coulomb_pct = coulomb.soc_permille() / 10.0;
    out.rows.push_back(
        {row.time_s, o.method == Method::model ? model_pct : coulomb_pct, coulomb_pct});
  }
  const core::FilterSummary f = filter.summary();
  ReplaySummary& s = out.summary;
  s.rows = out.rows.size();
  s.duration_s = log.rows.back().time_s - t0;
  s.final_soc_pct = out.rows.back().soc_pct;
  s.final_soc_model_pct = std::clamp(static_cast<double>(f.soc), 0.0, 1.0) * 100.0;
  s.final_soc_coulomb_pct = out.rows.back().soc_coulomb_pct;
  s.r0_ohm = f.r0_ohm;  // per cell (a pack voltage is read as its average cell)
  s.current_offset_a = f.bias_a;
  s.capacity_ah = f.capacity_ah;
  s.soh_pct = f.soh * 100.0;
  return out;
}

}  // namespace softbms::host::estimate
