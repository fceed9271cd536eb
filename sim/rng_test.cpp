#include "sim/rng.hpp"

#include <gtest/gtest.h>

namespace softbms::sim {
namespace {

TEST(Rng, same_seed_and_stream_give_the_same_sequence_other_streams_differ) {
  Rng a(42, 1);
  Rng b(42, 1);
  Rng c(42, 2);
  Rng d(43, 1);
  int same_as_c = 0;
  int same_as_d = 0;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    same_as_c += x == c.next();
    same_as_d += x == d.next();
  }
  EXPECT_EQ(same_as_c, 0);
  EXPECT_EQ(same_as_d, 0);
}

TEST(Rng, normal_sampler_has_zero_mean_and_unit_variance) {
  Rng rng(7);
  constexpr int kN = 200000;
  double sum = 0.0;
  double sum_sq = 0.0;
  int beyond_two_sigma = 0;
  for (int i = 0; i < kN; ++i) {
    const double x = rng.normal();
    sum += x;
    sum_sq += x * x;
    beyond_two_sigma += std::fabs(x) > 2.0;
  }
  const double mean = sum / kN;
  EXPECT_NEAR(mean, 0.0, 0.01);
  EXPECT_NEAR(sum_sq / kN - mean * mean, 1.0, 0.02);
  // 4.55 % of a normal lies beyond 2 sigma.
  EXPECT_NEAR(static_cast<double>(beyond_two_sigma) / kN, 0.0455, 0.003);
}

TEST(Rng, spread_is_cut_at_three_sigma_and_uniform_stays_in_range) {
  Rng rng(3);
  for (int i = 0; i < 100000; ++i) {
    const double s = rng.spread(0.01);
    ASSERT_LE(std::fabs(s), 0.03 + 1e-15);
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

}  // namespace
}  // namespace softbms::sim
