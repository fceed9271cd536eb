// softbms estimate --input LOG.csv [--chemistry lfp] [--capacity-ah AH] [--initial-soc PCT]
//   [--cells N] [--method model|coulomb] [--out EST.csv] [--json]
// Replays a logged pack through the core's estimators offline (docs/estimation.md).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "app/cli.hpp"
#include "host/estimate/log_replay.hpp"
#include "support/text.hpp"

namespace softbms::app {
namespace {

// The largest log read (bytes); a day at 10 Hz with 32 cells is about 100 MB.
constexpr std::size_t kMiB = std::size_t{1024} * 1024;
constexpr std::size_t kMaxLogBytes = 512 * kMiB;

bool number(std::string_view s, double& out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

using support::fixed;

// Reads the options; on a bad one writes why and returns nothing.
std::optional<host::estimate::ReplayOptions> read_options(const Args& args, Io io) {
  host::estimate::ReplayOptions o;
  if (const auto c = args.option("chemistry")) {
    const auto id = core::chemistry_from_name(*c);
    if (!id) {
      io.err << "softbms estimate: unknown chemistry '" << *c << "' (li-ion, lfp or lto)\n";
      return std::nullopt;
    }
    o.chemistry = *id;
  }
  struct NumberOption {
    std::string_view name;
    double lo, hi;
    std::string_view range;
  };
  constexpr NumberOption kNumbers[] = {{"capacity-ah", 0.001, 100000.0, "a capacity above 0 (Ah)"},
                                       {"initial-soc", 0.0, 100.0, "0..100 (%)"},
                                       {"cells", 1.0, 32.0, "a whole number 1..32"}};
  for (const auto& n : kNumbers) {
    const auto text = args.option(n.name);
    if (!text) continue;
    double v = 0.0;
    if (!number(*text, v) || v < n.lo || v > n.hi || (n.name == "cells" && std::floor(v) != v)) {
      io.err << "softbms estimate: --" << n.name << " must be " << n.range << ", got '" << *text
             << "'\n";
      return std::nullopt;
    }
    if (n.name == "capacity-ah") o.capacity_ah = v;
    if (n.name == "initial-soc") o.initial_soc_pct = v;
    if (n.name == "cells") o.cells = static_cast<int>(v);
  }
  if (const auto m = args.option("method")) {
    if (*m != "model" && *m != "coulomb") {
      io.err << "softbms estimate: --method must be model or coulomb, got '" << *m << "'\n";
      return std::nullopt;
    }
    o.method = *m == "model" ? host::estimate::Method::model : host::estimate::Method::coulomb;
  }
  return o;
}

void write_rows(const host::estimate::ReplayResult& r, std::ostream& os) {
  os << "time_s,soc,soc_coulomb\n";
  for (const auto& row : r.rows) {
    os << fixed(row.time_s, 3) << ',' << fixed(row.soc_pct, 2) << ','
       << fixed(row.soc_coulomb_pct, 2) << '\n';
  }
}

nlohmann::json summary_json(const host::estimate::ReplayResult& r,
                            const host::estimate::ReplayOptions& o, std::size_t skipped) {
  const auto& s = r.summary;
  return {{"method", o.method == host::estimate::Method::model ? "model" : "coulomb"},
          {"chemistry", std::string(core::kChemistryNames[static_cast<std::size_t>(o.chemistry)])},
          {"rows", s.rows},
          {"skipped_rows", skipped},
          {"gaps", s.gaps},
          {"duration_s", s.duration_s},
          {"final_soc", s.final_soc_pct},
          {"final_soc_model", s.final_soc_model_pct},
          {"final_soc_coulomb", s.final_soc_coulomb_pct},
          {"resistance_ohm", s.r0_ohm},
          {"current_offset_a", s.current_offset_a},
          {"capacity_ah", s.capacity_ah},
          {"soh_percent", s.soh_pct}};
}

}  // namespace

int cmd_estimate(const Args& args, Io io) {
  const auto input = args.option("input");
  if (!input || input->empty()) {
    io.err << "softbms estimate: --input LOG.csv is required\n";
    return usage_hint(io, "estimate");
  }
  const auto options = read_options(args, io);
  if (!options) return kUsage;
  const std::string path(*input);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    io.err << "softbms estimate: cannot read '" << path << "'\n";
    return kFailure;
  }
  std::string text;
  text.reserve(4096);
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxLogBytes) {
      io.err << "softbms estimate: " << path << " is larger than " << kMaxLogBytes / kMiB
             << " MiB\n";
      return kFailure;
    }
  }
  const auto parsed = host::estimate::parse_log_csv(text);
  if (!parsed.log) {
    io.err << "softbms estimate: " << path << ": " << parsed.error.text() << "\n";
    return kFailure;
  }
  const auto result = host::estimate::replay(*parsed.log, *options);
  if (const auto out = args.option("out")) {
    std::ostringstream csv;
    write_rows(result, csv);
    std::ofstream f{std::string(*out), std::ios::binary | std::ios::trunc};
    f << csv.str();
    f.flush();
    if (!f) {
      io.err << "softbms estimate: cannot write '" << *out << "'\n";
      return kFailure;
    }
  }
  if (args.flag("json")) {
    io.out << summary_json(result, *options, parsed.log->skipped).dump(2) << "\n";
  } else if (!args.option("out")) {
    write_rows(result, io.out);
  } else {
    const auto& s = result.summary;
    io.out << "estimated " << s.rows << " rows over " << fixed(s.duration_s, 0) << " s: SOC "
           << fixed(s.final_soc_pct, 1) << " % (model " << fixed(s.final_soc_model_pct, 1)
           << " %, coulomb " << fixed(s.final_soc_coulomb_pct, 1) << " %), R0 "
           << fixed(s.r0_ohm * 1000.0, 3) << " mOhm per cell, current offset "
           << fixed(s.current_offset_a, 3) << " A, capacity " << fixed(s.capacity_ah, 2) << " Ah\n";
  }
  return kOk;
}

}  // namespace softbms::app
