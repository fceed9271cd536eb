#include "core/functions/power_state.hpp"

#include <gtest/gtest.h>

namespace softbms::core {
namespace {

TEST(PowerState, shut_down_outranks_sleep_and_both_power_the_board_down) {
  EXPECT_EQ(power_state(false, false), PowerState::on);
  EXPECT_EQ(power_state(false, true), PowerState::sleeping);
  EXPECT_EQ(power_state(true, true), PowerState::shut_down);
  EXPECT_EQ(power_state(true, false), PowerState::shut_down);

  Outputs out;
  apply_power(PowerState::sleeping, out);
  EXPECT_TRUE(out.sleep);
  EXPECT_FALSE(out.shutdown);
  apply_power(PowerState::shut_down, out);
  EXPECT_TRUE(out.sleep);
  EXPECT_TRUE(out.shutdown);
  apply_power(PowerState::on, out);
  EXPECT_FALSE(out.sleep);
  EXPECT_FALSE(out.shutdown);
}

}  // namespace
}  // namespace softbms::core
