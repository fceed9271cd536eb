#include "sim/campaign/campaign.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "sim/rng.hpp"
#include "sim/scenario/runner.hpp"
#include "sim/scenario/scenario_file.hpp"

namespace softbms::sim::campaign {
namespace {

using json = nlohmann::json;

// At most this many re-runs while shrinking one failure.
constexpr int kShrinkAttempts = 150;

double cpu_seconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

const Violation* find(const Outcome& o, const std::string& invariant) {
  for (const auto& v : o.violations) {
    if (v.invariant == invariant) return &v;
  }
  return nullptr;
}

// The draft cut just after time t: later steps and faults go, the step holding t ends one
// second after it (whole control periods later the same ticks run).
Draft cut_after(const Draft& d, double t) {
  Draft out = d;
  out.steps.clear();
  const double end = t + 1.0;
  double at = 0.0;
  for (const auto& s : d.steps) {
    if (at >= end) break;
    DraftStep step = s;
    step.for_s = std::max(1.0, std::min(step.for_s, std::ceil(end - at)));
    at += step.span_s();
    out.steps.push_back(std::move(step));
  }
  out.faults.clear();
  for (const auto& f : d.faults) {
    if (f.at_s < end) out.faults.push_back(f);
  }
  return out;
}

struct Shrinker {
  const FailsAt& test;
  int attempts = 0;

  std::optional<double> fails(const Draft& d) {
    ++attempts;
    return test(d);
  }

  // Tries each candidate (made by `without(best, k)`); keeps those that still fail, cut after
  // the failure when the cut run fails too. Nothing is kept unproven: a cut once took a power
  // cut's off time for extra time, ended the run before its failure, and the replay file
  // written did not fail (campaign seed 1, run 84154).
  template <class Count, class Without>
  void drop_each(Draft& best, double& t, Count count, Without without) {
    for (std::size_t k = count(best); k-- > 0 && attempts < kShrinkAttempts;) {
      Draft candidate = without(best, k);
      const auto at = fails(candidate);
      if (!at) continue;
      Draft cut = cut_after(candidate, *at);
      if (const auto cut_at = fails(cut)) {
        best = std::move(cut);
        t = *cut_at;
      } else {
        best = std::move(candidate);
        t = *at;
      }
    }
  }
};

}  // namespace

Outcome run_yaml(const std::string& yaml) {
  Outcome out;
  const LoadedScenario loaded = parse_scenario(yaml, ".");
  if (!loaded.scenario) {
    out.load_error = loaded.error.text("scenario");
    return out;
  }
  out.loaded = true;
  const RunResult r = run_scenario(*loaded.scenario, loaded.settings);
  out.simulated_s = r.duration_s;
  out.ticks = r.ticks;
  out.power_cuts = r.power_cuts;
  out.violations = r.violations;
  return out;
}

Draft draft_of(uint64_t seed, uint64_t index, double max_duration_s) {
  Rng rng(seed, index + 1);
  Draft d = random_draft(rng.next(), max_duration_s);
  d.name = "campaign_" + std::to_string(seed) + "_" + std::to_string(index);
  return d;
}

Draft shrink(const Draft& failing, const std::string& invariant) {
  return shrink(failing, [&invariant](const Draft& d) -> std::optional<double> {
    const Outcome o = run_yaml(to_yaml(d));
    if (const Violation* v = find(o, invariant)) return v->t_s;
    return std::nullopt;
  });
}

Draft shrink(const Draft& failing, const FailsAt& fails) {
  Shrinker s{fails};
  const auto first = s.fails(failing);
  if (!first) return failing;
  double t = *first;
  Draft best = cut_after(failing, t);
  if (const auto again = s.fails(best)) {
    t = *again;
  } else {
    best = failing;  // cutting changed the outcome (it should not): keep the whole run
  }
  for (int pass = 0; pass < 2 && s.attempts < kShrinkAttempts; ++pass) {
    s.drop_each(
        best, t, [](const Draft& d) { return d.faults.size(); },
        [](Draft d, std::size_t k) {
          d.faults.erase(d.faults.begin() + static_cast<std::ptrdiff_t>(k));
          return d;
        });
    s.drop_each(
        best, t, [](const Draft& d) { return d.steps.size() > 1 ? d.steps.size() : 0; },
        [](Draft d, std::size_t k) {
          // The time goes to a neighbour, so what the failure needed still fits.
          const double t_k = d.steps[k].for_s;
          d.steps.erase(d.steps.begin() + static_cast<std::ptrdiff_t>(k));
          d.steps[std::min(k, d.steps.size() - 1)].for_s += t_k;
          return d;
        });
    s.drop_each(
        best, t, [](const Draft& d) { return d.settings.size(); },
        [](Draft d, std::size_t k) {
          d.settings.erase(d.settings.begin() + static_cast<std::ptrdiff_t>(k));
          return d;
        });
    // Commands, world lines and power cuts: numbered across the steps.
    s.drop_each(
        best, t,
        [](const Draft& d) {
          std::size_t n = 0;
          for (const auto& st : d.steps)
            n += st.commands.size() + st.world.size() + (st.power_cut ? 1 : 0);
          return n;
        },
        [](Draft d, std::size_t k) {
          for (auto& st : d.steps) {
            if (k < st.commands.size()) {
              st.commands.erase(st.commands.begin() + static_cast<std::ptrdiff_t>(k));
              return d;
            }
            k -= st.commands.size();
            if (k < st.world.size()) {
              st.world.erase(st.world.begin() + static_cast<std::ptrdiff_t>(k));
              if (st.world.empty()) st.world.push_back("current_a: 0");
              return d;
            }
            k -= st.world.size();
            if (st.power_cut) {
              if (k == 0) {
                st.power_cut.reset();
                return d;
              }
              --k;
            }
          }
          return d;
        });
    // Shorter steps before the violation.
    s.drop_each(
        best, t, [](const Draft& d) { return d.steps.size(); },
        [](Draft d, std::size_t k) {
          if (k + 1 == d.steps.size()) return d;
          const double half = std::floor(d.steps[k].for_s / 2.0);
          d.steps[k].for_s -= half;
          d.steps[k + 1].for_s += half;
          return d;
        });
  }
  return best;
}

Result run(const Options& options, const std::function<void(uint64_t)>& progress) {
  Result result;
  result.options = options;
  std::vector<uint64_t> indices;
  for (uint64_t i = options.shard - 1; i < options.runs; i += options.shards) indices.push_back(i);

  struct PerRun {
    double simulated_s = 0.0;
    uint64_t ticks = 0;
    uint64_t power_cuts = 0, faults = 0, commands = 0;
    std::optional<Failure> failure;
  };
  std::vector<PerRun> per(indices.size());
  std::atomic<std::size_t> next{0};
  std::atomic<uint64_t> done{0};
  std::mutex progress_mutex;
  const auto wall0 = std::chrono::steady_clock::now();
  const double cpu0 = cpu_seconds();

  const auto worker = [&] {
    for (std::size_t k = next++; k < indices.size(); k = next++) {
      const uint64_t index = indices[k];
      const Draft draft = draft_of(options.seed, index, options.max_duration_s);
      const Outcome o = run_yaml(to_yaml(draft));
      PerRun& p = per[k];
      p.simulated_s = o.simulated_s;
      p.ticks = o.ticks;
      p.power_cuts = static_cast<uint64_t>(o.power_cuts);
      p.faults = draft.faults.size();
      for (const auto& st : draft.steps) p.commands += st.commands.size();
      if (!o.loaded) {
        // A draft the parser refuses is a bug of the generator: report it as a failure.
        p.failure = Failure{index, {"scenario_loads", 0.0, o.load_error}, to_yaml(draft), 0.0, {}};
      } else if (!o.violations.empty()) {
        Failure f;
        f.index = index;
        f.violation = o.violations.front();
        Draft small = options.shrink ? shrink(draft, f.violation.invariant) : draft;
        small.comment = "softbms campaign --seed " + std::to_string(options.seed) + ": run " +
                        std::to_string(index) + "\ninvariant " + f.violation.invariant +
                        " violated at " + number(f.violation.t_s) + " s: " + f.violation.detail +
                        "\nreplay: softbms sim THIS_FILE (exit 3 while the violation is there)";
        f.replay = to_yaml(small);
        f.replay_duration_s = small.duration_s();
        p.failure = std::move(f);
      }
      const uint64_t n = ++done;
      if (progress) {
        const std::lock_guard lock(progress_mutex);
        progress(n);
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < std::max(1u, options.jobs); ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();

  for (auto& p : per) {
    result.simulated_s += p.simulated_s;
    result.ticks += p.ticks;
    result.power_cuts += p.power_cuts;
    result.faults += p.faults;
    result.commands += p.commands;
    if (p.failure) result.failures.push_back(std::move(*p.failure));
  }
  result.runs = indices.size();
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  result.cpu_s = cpu_seconds() - cpu0;

  if (!options.out_dir.empty()) {
    const std::filesystem::path dir = std::filesystem::path(options.out_dir) / "failures";
    if (!result.failures.empty()) std::filesystem::create_directories(dir);
    for (auto& f : result.failures) {
      const auto path =
          dir / ("run" + std::to_string(f.index) + "_" + f.violation.invariant + ".yaml");
      std::ofstream(path) << f.replay;
      f.file = path.string();
    }
  }
  return result;
}

json to_json(const Result& r) {
  std::map<std::string, uint64_t> by_invariant;
  json failures = json::array();
  for (const auto& f : r.failures) {
    ++by_invariant[f.violation.invariant];
    failures.push_back({{"run", f.index},
                        {"invariant", f.violation.invariant},
                        {"t", f.violation.t_s},
                        {"detail", f.violation.detail},
                        {"replay_duration_s", f.replay_duration_s},
                        {"file", f.file}});
  }
  json invariants = json::array();
  for (const auto& row : kInvariants) invariants.push_back(row.name);
  return {{"seed", r.options.seed},
          {"runs_total", r.options.runs},
          {"shard", r.options.shard},
          {"shards", r.options.shards},
          {"max_duration_s", r.options.max_duration_s},
          {"runs", r.runs},
          {"simulated_s", std::round(r.simulated_s * 10.0) / 10.0},
          {"simulated_h", std::round(r.simulated_s / 360.0) / 10.0},
          {"ticks", r.ticks},
          {"power_cuts", r.power_cuts},
          {"faults", r.faults},
          {"commands", r.commands},
          {"wall_s", std::round(r.wall_s * 10.0) / 10.0},
          {"cpu_s", std::round(r.cpu_s * 10.0) / 10.0},
          {"invariants", invariants},
          {"violations", r.failures.size()},
          {"violations_by_invariant", by_invariant},
          {"failures", failures}};
}

// The fields of a shard result that merge() adds up, and those every shard must share: one list
// for the check and the sum.
constexpr std::array<const char*, 6> kSummedCounts = {"runs",   "ticks",    "power_cuts",
                                                      "faults", "commands", "violations"};
constexpr std::array<const char*, 3> kSummedSeconds = {"simulated_s", "wall_s", "cpu_s"};
constexpr std::array<const char*, 4> kShared = {"seed", "runs_total", "shards", "max_duration_s"};

std::optional<std::string> shard_result_problem(const json& shard) {
  if (!shard.is_object()) return "it is not a JSON object";
  using Is = bool (*)(const json&);
  const Is count = [](const json& j) {  // a whole number >= 0, however the JSON spelled it
    return j.is_number_unsigned() || (j.is_number_integer() && j.get<int64_t>() >= 0);
  };
  const Is number = [](const json& j) { return j.is_number(); };
  const Is text = [](const json& j) { return j.is_string(); };
  const auto missing = [&shard](const char* key, Is is,
                                const char* what) -> std::optional<std::string> {
    const auto it = shard.find(key);
    if (it == shard.end() || !is(*it)) return std::string("'") + key + "' is not " + what;
    return std::nullopt;
  };
  for (const char* key : kSummedCounts) {
    if (auto p = missing(key, count, "a whole number >= 0")) return p;
  }
  for (const char* key : {"seed", "runs_total", "shards", "shard"}) {
    if (auto p = missing(key, count, "a whole number >= 0")) return p;
  }
  for (const char* key : kSummedSeconds) {
    if (auto p = missing(key, number, "a number")) return p;
  }
  if (auto p = missing("max_duration_s", number, "a number")) return p;
  if (auto p = missing(
          "invariants", [](const json& j) { return j.is_array(); }, "a list"))
    return p;
  if (auto p = missing(
          "failures", [](const json& j) { return j.is_array(); }, "a list"))
    return p;
  if (auto p = missing(
          "violations_by_invariant", [](const json& j) { return j.is_object(); }, "an object"))
    return p;
  for (const auto& [name, n] : shard["violations_by_invariant"].items()) {
    if (!count(n)) return "violations_by_invariant '" + name + "' is not a whole number >= 0";
  }
  const auto has = [](const json& f, const char* key, Is is) {
    const auto it = f.find(key);
    return it != f.end() && is(*it);
  };
  for (const json& f : shard["failures"]) {
    const bool fits = f.is_object() && has(f, "run", count) && has(f, "t", number) &&
                      has(f, "invariant", text) && has(f, "detail", text) && has(f, "file", text);
    if (!fits) return "a failure lacks run, t, invariant, detail or file (or has another type)";
  }
  const auto k = shard["shard"].get<uint64_t>();
  const auto m = shard["shards"].get<uint64_t>();
  if (k < 1 || k > m) return "shard " + std::to_string(k) + " is outside 1.." + std::to_string(m);
  return std::nullopt;
}

Merged merge(const std::vector<json>& shards) {
  Merged m;
  if (shards.empty()) {
    m.error = "nothing to merge";
    return m;
  }
  for (std::size_t i = 0; i < shards.size(); ++i) {
    if (auto problem = shard_result_problem(shards[i])) {
      m.error = "shard result " + std::to_string(i + 1) + ": " + *problem;
      return m;
    }
  }
  const json& first = shards.front();
  std::set<uint64_t> seen;
  json out = json::object();
  for (const char* key : kShared) out[key] = first[key];
  std::map<std::string, uint64_t> counts;
  std::map<std::string, double> seconds;
  std::map<std::string, uint64_t> by_invariant;
  json failures = json::array();
  for (const json& s : shards) {
    for (const char* key : kShared) {
      if (s[key] != first[key]) {
        m.error = std::string("the shards differ in ") + key + " (" + s[key].dump() + " vs " +
                  first[key].dump() + ")";
        return m;
      }
    }
    const auto k = s["shard"].get<uint64_t>();
    if (!seen.insert(k).second) {
      m.error = "shard " + std::to_string(k) + " is given twice";
      return m;
    }
    for (const char* key : kSummedCounts) counts[key] += s[key].get<uint64_t>();
    for (const char* key : kSummedSeconds) seconds[key] += s[key].get<double>();
    for (const auto& [name, n] : s["violations_by_invariant"].items())
      by_invariant[name] += n.get<uint64_t>();
    for (const auto& f : s["failures"]) failures.push_back(f);
  }
  // The gaps between the shards seen, walked rather than every number up to "shards" (which
  // may be huge); the first kListedMissing are listed.
  json missing = json::array();
  uint64_t missing_count = 0;
  const auto gap = [&](uint64_t from, uint64_t to) {  // shards from..to are missing, if from <= to
    if (from > to) return;
    missing_count += to - from + 1;
    for (uint64_t k = from; missing.size() < kListedMissing; ++k) {
      missing.push_back(k);
      if (k == to) break;
    }
  };
  uint64_t next = 1;  // the lowest shard not yet accounted for
  for (const uint64_t k : seen) {
    gap(next, k - 1);
    next = k + 1;
  }
  const uint64_t total = first["shards"].get<uint64_t>();
  if (seen.empty() || *seen.rbegin() < total) gap(next, total);
  out["shards_merged"] = seen.size();
  out["missing_shard_count"] = missing_count;
  out["missing_shards"] = missing;
  for (const char* key : kSummedCounts) out[key] = counts[key];
  for (const char* key : kSummedSeconds) out[key] = std::round(seconds[key] * 10.0) / 10.0;
  out["simulated_h"] = std::round(seconds["simulated_s"] / 360.0) / 10.0;
  out["invariants"] = first["invariants"];
  out["violations_by_invariant"] = by_invariant;
  out["failures"] = failures;
  m.json = std::move(out);
  return m;
}

}  // namespace softbms::sim::campaign
