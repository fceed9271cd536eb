#include "sim/loop/closed_loop.hpp"

#include <gtest/gtest.h>

#include "core/settings/validate.hpp"

namespace softbms::sim {
namespace {
using core::Param;

core::Settings manual_discharge_example() {
  core::Settings s = core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
  EXPECT_TRUE(core::apply_change(s, Param::discharge_ocp_current, 100000).ok());
  EXPECT_TRUE(core::apply_change(s, Param::discharge_ocp_delay, 10).ok());
  EXPECT_TRUE(core::apply_change(s, Param::discharge_ocp_release, 50).ok());
  return s;
}

TEST(ClosedLoop, the_manuals_discharge_example_trips_after_10_s_and_releases_50_s_later_on_the_pack) {
  const core::Settings s = manual_discharge_example();
  World world;
  world.add_load(Load{5.0, kForever, LoadKind::current, 105.0, {}});
  ClosedLoop loop(pack_for(s, 0.8, 7), std::move(world), s);
  loop.run_until(Milliseconds(14'900));
  EXPECT_TRUE(loop.bms().snapshot().discharge_fet) << "9.9 s after the load started";
  EXPECT_LT(loop.plant().pack_current_a(), -100.0);
  loop.run_until(Milliseconds(15'300));
  EXPECT_FALSE(loop.bms().snapshot().discharge_fet);
  EXPECT_NE(loop.bms().snapshot().alarms & core::alarm_mask(core::AlarmBit::discharge_ocp), 0u);
  loop.run_until(Milliseconds(15'500));
  EXPECT_NEAR(loop.plant().pack_current_a(), 0.0, 0.5) << "the pack current follows the FET";
  loop.run_until(Milliseconds(64'900));
  EXPECT_FALSE(loop.bms().snapshot().discharge_fet) << "49.6 s after the trip";
  loop.run_until(Milliseconds(65'500));
  EXPECT_TRUE(loop.bms().snapshot().discharge_fet) << "released 50 s after the trip";
}

TEST(ClosedLoop, same_seed_same_result) {
  const core::Settings s = manual_discharge_example();
  auto run = [&] {
    World world;
    world.add_load(Load{1.0, kForever, LoadKind::current, 40.0, {}});
    ClosedLoop loop(pack_for(s, 0.5, 42), std::move(world), s);
    loop.run_until(Milliseconds(120'000));
    return loop.bms().snapshot();
  };
  const core::Snapshot a = run();
  const core::Snapshot b = run();
  EXPECT_EQ(a.cell, b.cell);
  EXPECT_EQ(a.current, b.current);
  EXPECT_EQ(a.remaining, b.remaining);
}

}  // namespace
}  // namespace softbms::sim
