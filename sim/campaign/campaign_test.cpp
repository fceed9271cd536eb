#include "sim/campaign/campaign.hpp"

#include <gtest/gtest.h>

#include "sim/scenario/runner.hpp"
#include "sim/scenario/scenario_file.hpp"

namespace softbms::sim::campaign {
namespace {

constexpr double kShort = 600.0;  // 10 simulated minutes per run keeps the test quick

TEST(Campaign, DraftsAreDeterministicAndLoad) {
  for (uint64_t i = 0; i < 40; ++i) {
    const std::string yaml = to_yaml(draft_of(5, i, kShort));
    EXPECT_EQ(yaml, to_yaml(draft_of(5, i, kShort)));
    const LoadedScenario loaded = parse_scenario(yaml, ".");
    ASSERT_TRUE(loaded.scenario) << loaded.error.text("run " + std::to_string(i)) << "\n" << yaml;
    EXPECT_TRUE(loaded.scenario->check_invariants);
    EXPECT_LE(draft_of(5, i, kShort).duration_s(), kShort + 6 * 120.0 + 1e-9);
  }
  EXPECT_NE(to_yaml(draft_of(5, 0, kShort)), to_yaml(draft_of(6, 0, kShort)));
}

TEST(Campaign, SameResultWhateverTheThreadsAndShards) {
  Options o;
  o.runs = 6;
  o.seed = 11;
  o.max_duration_s = kShort;
  const Result one = run(o);
  o.jobs = 2;
  const Result two = run(o);
  EXPECT_EQ(one.runs, 6u);
  EXPECT_EQ(one.ticks, two.ticks);
  EXPECT_EQ(one.simulated_s, two.simulated_s);
  EXPECT_EQ(one.failures.size(), two.failures.size());

  std::vector<nlohmann::json> parts;
  o.jobs = 1;
  o.shards = 3;
  for (uint64_t k = 1; k <= 3; ++k) {
    o.shard = k;
    parts.push_back(to_json(run(o)));
    EXPECT_EQ(parts.back()["runs"], 2);
  }
  const Merged m = merge(parts);
  ASSERT_TRUE(m.error.empty()) << m.error;
  EXPECT_EQ(m.json["runs"], 6);
  EXPECT_EQ(m.json["ticks"], one.ticks);
  EXPECT_TRUE(m.json["missing_shards"].empty());

  const Merged partial = merge({parts[0], parts[2]});
  EXPECT_EQ(partial.json["missing_shards"], nlohmann::json::array({2}));
  EXPECT_NE(merge({parts[0], parts[0]}).error.find("given twice"), std::string::npos);
  nlohmann::json other = parts[1];
  other["seed"] = 12;
  EXPECT_NE(merge({parts[0], other}).error.find("seed"), std::string::npos);
}

// campaign.json files come from outside (copied between machines, edited, truncated): merge
// names what does not fit and never throws, and a huge shard count is not walked number by
// number.
TEST(CampaignMerge, a_hostile_shard_result_is_refused_with_the_field_named) {
  Result r;
  r.options.shards = 1000;
  r.options.shard = 7;
  r.runs = 3;
  const nlohmann::json good = to_json(r);
  ASSERT_FALSE(shard_result_problem(good).has_value());
  const struct {
    const char* key;
    nlohmann::json value;
    const char* named;
  } cases[] = {
      {"runs", "3", "'runs'"},
      {"ticks", -1, "'ticks'"},
      {"cpu_s", nullptr, "'cpu_s'"},
      {"failures",
       {{{"run", 1}, {"t", 2.0}, {"invariant", 5}, {"detail", ""}, {"file", ""}}},
       "failure"},
      {"violations_by_invariant", {{"cell_ovp_trips", "many"}}, "cell_ovp_trips"},
      {"shard", 1001, "outside 1..1000"},
      {"shard", 0, "outside"},
  };
  for (const auto& c : cases) {
    nlohmann::json bad = good;
    bad[c.key] = c.value;
    const Merged m = merge({bad});
    EXPECT_NE(m.error.find(c.named), std::string::npos) << c.key << ": " << m.error;
  }
  nlohmann::json no_seed = good;
  no_seed.erase("seed");
  EXPECT_NE(merge({no_seed}).error.find("'seed'"), std::string::npos);
  EXPECT_NE(merge({nlohmann::json::array()}).error.find("not a JSON object"), std::string::npos);

  nlohmann::json huge = good;
  huge["shards"] = uint64_t{1} << 62;
  const Merged m = merge({huge});
  ASSERT_TRUE(m.error.empty()) << m.error;
  EXPECT_EQ(m.json["missing_shard_count"], (uint64_t{1} << 62) - 1);
  EXPECT_EQ(m.json["missing_shards"].size(), kListedMissing);
  EXPECT_EQ(m.json["missing_shards"][6], 8);  // 1..6, then 8..
}

// The shrinker on a failure it can be sure of: the first cell_uvp trip of a long run with a
// heavy discharge in the middle. The result still fails, and is shorter and smaller.
// A 16S 20 Ah LFP pack at 30 % on a 0.5 s period: the shrinker tests' start.
Draft small_lfp_pack(const char* name) {
  Draft d;
  d.name = name;
  d.model = "JK-PB2A16S20P";
  d.chemistry = "lfp";
  d.cells = 16;
  d.capacity_ah = 20;
  d.soc = 30;
  d.period_s = 0.5;
  return d;
}

// When the draft's run first trips cell UVP, if it does.
std::optional<double> uvp_trip(const Draft& x) {
  const LoadedScenario l = parse_scenario(to_yaml(x), ".");
  if (!l.scenario) return std::nullopt;
  for (const auto& e : run_scenario(*l.scenario, l.settings).events) {
    if (e.name == "cell_uvp" && e.state == "trip") return e.t_s;
  }
  return std::nullopt;
}

TEST(Campaign, ShrinkKeepsTheFailureAndDropsTheRest) {
  Draft d = small_lfp_pack("shrink");
  d.settings = {{"cell_ovp_delay", "3"}, {"balance_trigger_delta", "20"}};
  d.faults = {{50.0, 10.0, "kind: cell_leak, cell: 2, a: 0.1"}};
  d.steps = {{300.0, {"current_a: -2"}, {"emergency on"}, {}},
             {600.0, {"current_a: -60"}, {}, {}},
             {300.0, {"charger: {voltage_v: 54, current_a: 5}"}, {}, {}}};
  const auto before = uvp_trip(d);
  ASSERT_TRUE(before);
  const Draft small = shrink(d, uvp_trip);
  const auto after = uvp_trip(small);
  ASSERT_TRUE(after);
  EXPECT_LT(small.duration_s(), d.duration_s());
  EXPECT_LE(small.duration_s(), *after + 2.0);
  EXPECT_TRUE(small.faults.empty());
  EXPECT_TRUE(small.settings.empty());
  EXPECT_EQ(small.steps.size(), 1u);
  EXPECT_EQ(small.steps[0].world, std::vector<std::string>{"current_a: -60"});
}

// Campaign seed 1, run 84154: a power cut's off time runs inside its step, but the shrinker's cut
// counted it on top and ended the replay before its failure; the file written did not fail.
// The shrunk run must still fail, and run long enough to.
TEST(Campaign, ShrinkingAroundAPowerCutKeepsAReplayThatFails) {
  Draft d = small_lfp_pack("shrink_cut");
  d.faults = {{50.0, 10.0, "kind: cell_leak, cell: 2, a: 0.1"}};
  DraftStep cut_step{100.0, {"current_a: 0"}, {}, {}};
  cut_step.power_cut = PowerCutSpec{250.0, std::nullopt};  // the step lasts 250 s, not 350 s
  d.steps = {cut_step, {900.0, {"current_a: -60"}, {}, {}}};
  EXPECT_DOUBLE_EQ(d.duration_s(), 1150.0);
  // A failure that needs the power cut (as run 84154's did), so the shrinker must keep it.
  const auto uvp_trip_after_a_cut = [](const Draft& x) -> std::optional<double> {
    if (x.steps.empty() || !x.steps.front().power_cut) return std::nullopt;
    return uvp_trip(x);
  };
  const auto before = uvp_trip_after_a_cut(d);
  ASSERT_TRUE(before);
  const Draft small = shrink(d, uvp_trip_after_a_cut);
  const auto after = uvp_trip_after_a_cut(small);
  ASSERT_TRUE(after) << to_yaml(small);
  EXPECT_GE(small.duration_s(), *after);
  EXPECT_LT(small.duration_s(), d.duration_s());
  EXPECT_TRUE(small.faults.empty());
}

TEST(Campaign, NumbersWriteBackExactly) {
  EXPECT_EQ(number(12.5), "12.5");
  EXPECT_EQ(number(3.0), "3");
  EXPECT_EQ(number(-0.0001), "0");
  EXPECT_EQ(number(-61.168), "-61.168");
}

}  // namespace
}  // namespace softbms::sim::campaign
