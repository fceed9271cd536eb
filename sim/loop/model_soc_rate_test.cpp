// The model SOC filter runs every kFilterPeriod only while something happens and every
// kFilterRestPeriod otherwise (core/estimate/model_soc.hpp). The charge in between is counted
// every tick, so the slower rate must give the same SOC as running the filter every tick: two
// closed loops with the same seed, one at each rate, side by side, both against the true SOC.
// Before the filter has settled (its first SOC rule) the two may differ by more: there the
// every-tick filter follows the model's error on the flat of the LFP curve faster (it counts ten
// times as many correlated readings as independent), so the slower rate is the closer to the
// truth; the test requires it to be no worse.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/settings/settings.hpp"
#include "sim/loop/closed_loop.hpp"

namespace softbms::sim {
namespace {

core::Settings lfp16() {
  return core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
}

// The pack's true SOC as the filter defines it (SocFilter::pack_soc): the charge the weakest
// cell can still give against the room the fullest cell still has.
double true_soc(const Pack& p) {
  double give = 1e30;
  double room = 1e30;
  for (int k = 0; k < p.cells(); ++k) {
    give = std::min(give, p.soc(k) * p.capacity_ah(k));
    room = std::min(room, (1.0 - p.soc(k)) * p.capacity_ah(k));
  }
  return give / (give + room);
}

struct Compared {
  int max_diff_permille = 0;  // the two model SOCs, the largest difference seen (from `from`)
  int min_permille = 1000;    // the range the SOC went through
  int max_permille = 0;
  double rms_every = 0.0;  // each against the true SOC over the whole run, %
  double rms_decimated = 0.0;
  uint64_t ticks = 0;
  uint64_t updates_every_tick = 0;
  uint64_t updates_decimated = 0;
};

Compared compare(const World& world, double soc, Milliseconds from, Milliseconds duration) {
  const core::Settings s = lfp16();
  const Milliseconds period(1000);
  ClosedLoop every(pack_for(s, soc, 11), world, s, period);
  ClosedLoop decimated(pack_for(s, soc, 11), world, s, period);
  every.bms().set_model_rest_period(core::kFilterPeriod);
  Compared c;
  double sum_every = 0.0;
  double sum_decimated = 0.0;
  while (every.now() < duration) {
    every.tick();
    decimated.tick();
    const int a = every.bms().snapshot().soc_model_permille;
    const int b = decimated.bms().snapshot().soc_model_permille;
    const double truth = true_soc(every.plant().pack()) * 1000.0;
    sum_every += (a - truth) * (a - truth);
    sum_decimated += (b - truth) * (b - truth);
    if (every.now() >= from) {
      c.max_diff_permille = std::max(c.max_diff_permille, std::abs(a - b));
    }
    c.min_permille = std::min(c.min_permille, a);
    c.max_permille = std::max(c.max_permille, a);
    ++c.ticks;
  }
  const auto n = static_cast<double>(c.ticks);
  c.rms_every = std::sqrt(sum_every / n) / 10.0;
  c.rms_decimated = std::sqrt(sum_decimated / n) / 10.0;
  c.updates_every_tick = every.bms().model_soc().filter_updates();
  c.updates_decimated = decimated.bms().model_soc().filter_updates();
  return c;
}

TEST(ModelSocRate, a_dst_drive_cycle_gives_the_same_soc_within_half_a_percent) {
  World w;
  w.add_load({0.0, kForever, LoadKind::power, 0.0, dst_cycle(6000.0)});
  // Settled from the start: the coulomb SOC it starts from is right.
  const Compared c = compare(w, 0.9, Milliseconds(600'000), Milliseconds(4 * 3'600'000));
  EXPECT_LE(c.max_diff_permille, 5);
  EXPECT_LE(c.rms_decimated, c.rms_every + 0.5);
  EXPECT_GT(c.max_permille - c.min_permille, 100) << "the cycle moved the SOC";
  EXPECT_EQ(c.updates_every_tick, c.ticks);
  EXPECT_LT(c.updates_decimated, c.ticks);
}

TEST(ModelSocRate, a_home_battery_day_gives_the_same_soc_with_a_fraction_of_the_updates) {
  World w;
  w.add_solar_day(140.0, 55.2, 300.0, 2500.0);
  w.set_ambient(daily_ambient(22.0, 6.0));
  // From 06:00 the PV fills the pack; at about 10:00 the SOC-100 % rule has settled both. Then
  // the evening and night discharge.
  const Compared c = compare(w, 0.5, Milliseconds(11 * 3'600'000), Milliseconds(22 * 3'600'000));
  EXPECT_LE(c.max_diff_permille, 5);
  EXPECT_LE(c.rms_decimated, c.rms_every + 0.5) << "over the whole day, against the truth";
  EXPECT_GT(c.max_permille - c.min_permille, 200) << "the day moved the SOC";
  EXPECT_EQ(c.updates_every_tick, c.ticks);
  EXPECT_LT(c.updates_decimated * 4, c.ticks) << "most of the day the filter runs every 10 s";
}

}  // namespace
}  // namespace softbms::sim
