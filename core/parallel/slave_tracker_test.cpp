#include "core/parallel/slave_tracker.hpp"

#include <gtest/gtest.h>

#include <random>

namespace softbms::core {
namespace {
using namespace softbms::literals;

TEST(SlaveTracker, goes_offline_after_three_missed_polls_and_rejoins_on_the_next_answer) {
  SlaveTracker t(3);
  EXPECT_EQ(t.state(), SlaveState::waiting);
  EXPECT_TRUE(t.answered(1000_ms));
  EXPECT_TRUE(t.online());
  EXPECT_FALSE(t.missed());
  EXPECT_FALSE(t.missed());
  EXPECT_TRUE(t.online()) << "two misses: still online";
  EXPECT_TRUE(t.missed());
  EXPECT_EQ(t.state(), SlaveState::offline);
  EXPECT_TRUE(t.missing());
  EXPECT_EQ(t.drops(), 1u);
  EXPECT_FALSE(t.missed());
  EXPECT_TRUE(t.answered(9000_ms));
  EXPECT_TRUE(t.online());
  EXPECT_EQ(t.last_seen(), 9000_ms);
  EXPECT_EQ(t.misses_in_a_row(), 0);
}

TEST(SlaveTracker, a_slave_that_never_answers_becomes_missing_after_the_same_misses) {
  SlaveTracker t(2);
  EXPECT_FALSE(t.missed());
  EXPECT_FALSE(t.missing());
  EXPECT_TRUE(t.missed());
  EXPECT_TRUE(t.missing());
  EXPECT_EQ(t.drops(), 0u) << "it was never online";
}

// Model check: after any sequence of outcomes the state is a function of the history.
TEST(SlaveTracker, random_poll_outcomes_never_leave_the_state_inconsistent_with_the_history) {
  std::mt19937 rng(1234);
  for (int run = 0; run < 200; ++run) {
    const uint8_t n = static_cast<uint8_t>(1 + rng() % 5);
    SlaveTracker t(n);
    bool ever = false;
    int misses = 0;
    for (int i = 0; i < 300; ++i) {
      if (rng() % 3 == 0) {
        (void)t.answered(Milliseconds(i));
        ever = true;
        misses = 0;
      } else {
        (void)t.missed();
        ++misses;
      }
      const SlaveState expect = misses >= n          ? SlaveState::offline
                                : ever && misses < n ? SlaveState::online
                                                     : SlaveState::waiting;
      ASSERT_EQ(t.state(), expect) << "run " << run << " step " << i;
    }
  }
}

}  // namespace
}  // namespace softbms::core
