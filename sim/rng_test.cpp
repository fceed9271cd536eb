#include "sim/rng.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>

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

TEST(Rng, ziggurat_normal_has_zero_mean_unit_variance_and_normal_tails) {
  Rng rng(11, 3);
  constexpr int kN = 1000000;
  double sum = 0.0;
  double sum_sq = 0.0;
  int beyond_two_sigma = 0;
  int beyond_three_sigma = 0;
  int above_tail_start = 0;  // x > 3.654, drawn by the tail sampler
  int negative = 0;
  for (int i = 0; i < kN; ++i) {
    const double x = rng.fast_normal();
    sum += x;
    sum_sq += x * x;
    beyond_two_sigma += std::fabs(x) > 2.0;
    beyond_three_sigma += std::fabs(x) > 3.0;
    above_tail_start += x > 3.6541528853610088;
    negative += x < 0.0;
  }
  const double mean = sum / kN;
  EXPECT_NEAR(mean, 0.0, 0.005);
  EXPECT_NEAR(sum_sq / kN - mean * mean, 1.0, 0.005);
  EXPECT_NEAR(static_cast<double>(negative) / kN, 0.5, 0.002);
  // Normal: 4.550 % beyond 2 sigma, 0.270 % beyond 3 sigma, 0.0129 % above 3.654.
  EXPECT_NEAR(static_cast<double>(beyond_two_sigma) / kN, 0.04550, 0.0008);
  EXPECT_NEAR(static_cast<double>(beyond_three_sigma) / kN, 0.00270, 0.0002);
  EXPECT_NEAR(static_cast<double>(above_tail_start) / kN, 0.000129, 0.00004);
}

TEST(Rng, a_batch_of_ziggurat_draws_is_the_same_sequence_as_single_draws) {
  Rng single(5, 3);
  Rng batch(5, 3);
  std::array<double, 1000> xs{};
  for (int round = 0; round < 20; ++round) {
    batch.fill_fast_normal(xs);
    for (const double x : xs) ASSERT_EQ(x, single.fast_normal());
  }
  EXPECT_EQ(batch.next(), single.next());  // and both end in the same state
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
