// softbms campaign [--runs N] [--seed S] [--jobs J] [--shard K/M] [--out DIR] [--json]
//                  [--max-duration T] [--no-shrink] [--list-invariants]
// softbms campaign --seed S --show-run I
// softbms campaign merge DIR... [--json]
// Random scenarios on the closed loop with the safety invariants checked after every tick
// (docs/reliability.md).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <thread>

#include "app/cli.hpp"
#include "sim/campaign/campaign.hpp"
#include "sim/scenario/scenario_file.hpp"

namespace softbms::app {
namespace {

namespace camp = sim::campaign;
using json = nlohmann::json;

bool parse_count(std::string_view text, uint64_t& out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

// Reads --NAME as a whole number into out; false (with a message) when it is not one.
bool count_option(const Args& args, std::string_view name, uint64_t& out, Io io) {
  const auto v = args.option(name);
  if (!v) return true;
  if (parse_count(*v, out)) return true;
  io.err << "softbms campaign: --" << name << " needs a whole number, got '" << *v << "'\n";
  return false;
}

bool shard_option(const Args& args, camp::Options& o, Io io) {
  const auto v = args.option("shard");
  if (!v) return true;
  const auto slash = v->find('/');
  if (slash == std::string_view::npos || !parse_count(v->substr(0, slash), o.shard) ||
      !parse_count(v->substr(slash + 1), o.shards) || o.shards == 0 || o.shard == 0 ||
      o.shard > o.shards) {
    io.err << "softbms campaign: --shard needs K/M with 1 <= K <= M (e.g. 3/8), got '" << *v
           << "'\n";
    return false;
  }
  return true;
}

void print_summary(const json& r, Io io) {
  io.out << "campaign seed " << r["seed"] << ": " << r["runs"] << " runs";
  if (r.contains("shard")) io.out << " (shard " << r["shard"] << "/" << r["shards"] << ")";
  if (r.contains("shards_merged"))
    io.out << " (" << r["shards_merged"] << " of " << r["shards"] << " shards)";
  io.out << ", " << r["simulated_h"] << " simulated hours, " << r["ticks"] << " ticks, "
         << r["power_cuts"] << " power cuts, " << r["faults"] << " faults, " << r["commands"]
         << " commands; " << r["wall_s"] << " s wall, " << r["cpu_s"] << " s CPU\n";
  io.out << "invariants: " << r["invariants"].size()
         << " checked after every tick; violations: " << r["violations"] << "\n";
  for (const auto& f : r["failures"]) {
    io.out << "  run " << f["run"] << ": " << f["invariant"].get<std::string>() << " at " << f["t"]
           << " s: " << f["detail"].get<std::string>();
    if (!f["file"].get<std::string>().empty())
      io.out << "\n    replay: softbms sim " << f["file"].get<std::string>();
    io.out << "\n";
  }
  if (r.contains("missing_shards") && !r["missing_shards"].empty()) {
    const json& listed = r["missing_shards"];
    const uint64_t count = r.value("missing_shard_count", uint64_t{listed.size()});
    io.out << "missing shards: " << listed.dump();
    if (count > listed.size()) io.out << " (the first " << listed.size() << " of " << count << ")";
    io.out << "\n";
  }
}

int list_invariants(Io io) {
  for (const auto& row : sim::kInvariants) io.out << row.name << "\t" << row.rule << "\n";
  return kOk;
}

}  // namespace

int cmd_campaign_merge(const Args& args, Io io) {
  const auto words = args.positional();
  if (words.empty()) {
    io.err << "softbms campaign merge: give the --out directories of the shards\n";
    return usage_hint(io, "campaign merge");
  }
  std::vector<json> shards;
  for (const std::string_view word : words) {
    const std::filesystem::path path = std::filesystem::path(word) / "campaign.json";
    std::ifstream in(path);
    if (!in) {
      io.err << "softbms campaign merge: cannot read " << path.string() << "\n";
      return kFailure;
    }
    json j = json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("shard") || !j.contains("failures")) {
      io.err << "softbms campaign merge: " << path.string()
             << " is not the campaign.json of a campaign shard\n";
      return kFailure;
    }
    if (const auto problem = camp::shard_result_problem(j)) {
      io.err << "softbms campaign merge: " << path.string() << ": " << *problem << "\n";
      return kFailure;
    }
    shards.push_back(std::move(j));
  }
  camp::Merged m;
  try {
    m = camp::merge(shards);
  } catch (const json::exception& e) {
    io.err << "softbms campaign merge: a campaign.json lacks a field: " << e.what() << "\n";
    return kFailure;
  }
  if (!m.error.empty()) {
    io.err << "softbms campaign merge: " << m.error << "\n";
    return kFailure;
  }
  if (args.flag("json")) {
    io.out << m.json.dump(2) << "\n";
  } else {
    print_summary(m.json, io);
  }
  return m.json["violations"].get<uint64_t>() == 0 ? kOk : kRejected;
}

int cmd_campaign(const Args& args, Io io) {
  if (args.flag("list-invariants")) return list_invariants(io);
  camp::Options o;
  uint64_t jobs = std::max(1U, std::thread::hardware_concurrency());  // every core by default
  uint64_t show = 0;
  if (!count_option(args, "runs", o.runs, io) || !count_option(args, "seed", o.seed, io) ||
      !count_option(args, "jobs", jobs, io) || !shard_option(args, o, io) ||
      !count_option(args, "show-run", show, io)) {
    return kUsage;
  }
  if (jobs == 0 || jobs > 1024) {
    io.err << "softbms campaign: --jobs is 1..1024\n";
    return kUsage;
  }
  o.jobs = static_cast<unsigned>(jobs);
  if (const auto t = args.option("max-duration")) {
    const auto d = sim::parse_duration_s(*t);
    if (!d || *d < 1.0 || *d > 30 * 86400.0) {
      io.err << "softbms campaign: --max-duration needs a duration of 1s .. 30d, got '" << *t
             << "'\n";
      return kUsage;
    }
    o.max_duration_s = *d;
  }
  o.shrink = !args.flag("no-shrink");
  if (args.option("show-run")) {
    io.out << camp::to_yaml(camp::draft_of(o.seed, show, o.max_duration_s));
    return kOk;
  }
  if (const auto out = args.option("out")) {
    o.out_dir = std::string(*out);
    std::error_code ec;
    std::filesystem::create_directories(o.out_dir, ec);
    if (ec) {
      io.err << "softbms campaign: cannot create " << o.out_dir << ": " << ec.message() << "\n";
      return kFailure;
    }
  }
  auto last = std::chrono::steady_clock::now();
  const auto progress = [&](uint64_t done) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::seconds(60)) return;
    last = now;
    io.err << "softbms campaign: " << done << " runs done\n" << std::flush;
  };
  const camp::Result r = camp::run(o, progress);
  const json j = camp::to_json(r);
  if (!o.out_dir.empty()) {
    const auto path = std::filesystem::path(o.out_dir) / "campaign.json";
    std::ofstream file(path);
    file << j.dump(2) << "\n";
    if (!file) {
      io.err << "softbms campaign: cannot write " << path.string() << "\n";
      return kFailure;
    }
  }
  if (args.flag("json")) {
    io.out << j.dump(2) << "\n";
  } else {
    print_summary(j, io);
  }
  return r.failures.empty() ? kOk : kRejected;
}

}  // namespace softbms::app
