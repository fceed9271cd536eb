// The simulator's random numbers: xoshiro256** seeded through splitmix64, and a normal sampler
// of our own. std::normal_distribution is not used because its output is not specified across
// standard-library versions, and the simulator promises the same result for the same seed.
#pragma once

#include <cmath>
#include <cstdint>

namespace softbms::sim {

class Rng {
 public:
  // stream separates independent sequences drawn from one user seed (spreads, noise, ...), so
  // that drawing more noise never changes the pack a seed builds.
  explicit Rng(uint64_t seed = 0, uint64_t stream = 0) {
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ULL);
    for (auto& word : s_) word = splitmix64(x);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  // Standard normal by Marsaglia's polar method; the second value of each pair is kept.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u = 0.0;
    double v = 0.0;
    double s = 0.0;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double k = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * k;
    has_spare_ = true;
    return u * k;
  }

  // Normal with the given sigma, cut at +-3 sigma: a spread of parts never produces a cell with
  // negative capacity because of one unlucky draw.
  double spread(double sigma) {
    const double x = normal();
    const double clipped = x > 3.0 ? 3.0 : (x < -3.0 ? -3.0 : x);
    return sigma * clipped;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  uint64_t s_[4]{};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace softbms::sim
