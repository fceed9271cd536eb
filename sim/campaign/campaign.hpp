// `softbms campaign`: many random scenarios (draft.hpp) on the closed loop with the safety
// invariants checked after every tick (sim/scenario/invariants.hpp). Deterministic: run i of
// seed S is the same scenario on every machine, whatever the thread count or the sharding.
// Shard K of M runs the indices i with i % M == K - 1; merge() adds the shards up.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/campaign/draft.hpp"
#include "sim/scenario/invariants.hpp"

namespace softbms::sim::campaign {

struct Options {
  uint64_t runs = 100;
  uint64_t seed = 1;
  unsigned jobs = 1;
  uint64_t shard = 1;  // K of M, 1-based
  uint64_t shards = 1;
  double max_duration_s = 4 * 3600.0;  // simulated time of one run at most
  bool shrink = true;
  std::string out_dir;  // failing runs' replay files go to out_dir/failures (none when empty)
};

// The outcome of one scenario file.
struct Outcome {
  bool loaded = false;
  std::string load_error;
  double simulated_s = 0.0;
  uint64_t ticks = 0;
  int power_cuts = 0;
  std::vector<Violation> violations;
};
Outcome run_yaml(const std::string& yaml);

struct Failure {
  uint64_t index = 0;
  Violation violation;  // the first violation of the original run
  std::string replay;   // the shrunk scenario (YAML)
  double replay_duration_s = 0.0;
  std::string file;  // where it was written (empty without out_dir)
};

struct Result {
  Options options;
  uint64_t runs = 0;
  double simulated_s = 0.0;
  uint64_t ticks = 0;
  uint64_t power_cuts = 0;
  uint64_t faults = 0;
  uint64_t commands = 0;
  double wall_s = 0.0;
  double cpu_s = 0.0;
  std::vector<Failure> failures;
};

// The runs of one shard on options.jobs threads. progress (if given) is called now and then
// with the number of runs done, from one thread at a time.
Result run(const Options& options, const std::function<void(uint64_t)>& progress = {});

// The draft of run `index` of a campaign seed.
Draft draft_of(uint64_t seed, uint64_t index, double max_duration_s);

// When a draft fails, and at what simulated time (nullopt: it passes).
using FailsAt = std::function<std::optional<double>(const Draft&)>;
// The shortest run that still fails: cut after the failure, then faults, steps, settings,
// commands, world lines and power cuts dropped one at a time (and steps halved) while it still
// fails, within a bounded number of re-runs.
Draft shrink(const Draft& failing, const FailsAt& fails);
// ... failing = violating `invariant`.
Draft shrink(const Draft& failing, const std::string& invariant);

nlohmann::json to_json(const Result& r);
// What makes a campaign.json unfit to merge (a field missing or of another type, a shard number
// outside 1..shards), or nothing. The file comes from outside: merge() takes no field on trust.
std::optional<std::string> shard_result_problem(const nlohmann::json& shard);
// Adds up shard results (to_json of each). Errors name what does not fit (a field that
// shard_result_problem refuses, different seeds or run counts, a shard twice); missing shards
// are counted in "missing_shard_count" and the first kListedMissing listed in "missing_shards".
inline constexpr std::size_t kListedMissing = 1000;
// NOLINTNEXTLINE(bugprone-exception-escape): nlohmann::json's move may assert, never throws here
struct Merged {
  nlohmann::json json;
  std::string error;
};
Merged merge(const std::vector<nlohmann::json>& shards);

}  // namespace softbms::sim::campaign
