// The simulator's random numbers: xoshiro256** seeded through splitmix64, and normal samplers
// of our own. std::normal_distribution is not used because its output is not specified across
// standard-library versions, and the simulator promises the same result for the same seed.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <span>

namespace softbms::sim {

// Layers of Marsaglia and Tsang's ziggurat for the standard normal (256 layers of equal area
// under exp(-x^2 / 2)). Built once, on first use, from the two published constants.
struct ZigguratTables {
  static constexpr int kLayers = 256;
  static constexpr double kR = 3.6541528853610088;  // where the tail starts
  static constexpr double kV = 4.92867323399e-3;    // area of each layer
  std::array<double, kLayers + 1> x{};              // right edge of layer i, falling with i
  std::array<double, kLayers + 1> y{};              // exp(-x^2 / 2) at x[i]

  ZigguratTables() {
    const auto f = [](double v) { return std::exp(-0.5 * v * v); };
    x[0] = kV / f(kR);  // the base layer: a box of width kV / f(r) standing for box + tail
    x[1] = kR;
    for (int i = 1; i < kLayers - 1; ++i)
      x[i + 1] = std::sqrt(-2.0 * std::log(kV / x[i] + f(x[i])));
    x[kLayers] = 0.0;
    for (int i = 0; i <= kLayers; ++i) y[i] = f(x[i]);
    y[0] = 0.0;
  }

  static const ZigguratTables& get() {
    static const ZigguratTables tables;
    return tables;
  }
};

class Rng {
 public:
  // stream separates independent sequences drawn from one user seed (spreads, noise, ...), so
  // that drawing more noise never changes the pack a seed builds.
  explicit Rng(uint64_t seed = 0, uint64_t stream = 0) {
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ULL);
    for (uint64_t& word : s_) word = splitmix64(x);
  }

  uint64_t next() { return step(s_); }

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

  // Standard normal by the ziggurat: one 64-bit draw and two compares for 99 % of the samples,
  // no log or sqrt. For per-step sensor noise, where the polar method's log and sqrt dominated
  // the plant's step. A different sequence from normal() for the same seed.
  double fast_normal() {
    const ZigguratTables& z = ZigguratTables::get();
    const uint64_t bits = next();
    double x = 0.0;
    return inside_layer(z, bits, x) ? x : ziggurat_edge(z, bits);
  }

  // fast_normal() for every element, in order. The state lives in locals for the whole batch
  // (in registers), and goes back to the object only for the rare draw outside a layer's core.
  void fill_fast_normal(std::span<double> out) {
    const ZigguratTables& z = ZigguratTables::get();
    State s = s_;
    for (double& x : out) {
      const uint64_t bits = step(s);
      if (inside_layer(z, bits, x)) continue;
      s_ = s;
      x = ziggurat_edge(z, bits);
      s = s_;
    }
    s_ = s;
  }

  // Normal with the given sigma, cut at +-3 sigma: a spread of parts never produces a cell with
  // negative capacity because of one unlucky draw.
  double spread(double sigma) {
    const double x = normal();
    const double clipped = x > 3.0 ? 3.0 : (x < -3.0 ? -3.0 : x);
    return sigma * clipped;
  }

 private:
  using State = std::array<uint64_t, 4>;

  static uint64_t step(State& s) {
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }

  // The ziggurat's fast path. Low 8 bits of a draw pick the layer, bit 8 the sign, the top 53
  // bits the position in the layer; a point left of the next layer's edge is under the curve.
  static bool inside_layer(const ZigguratTables& z, uint64_t bits, double& out) {
    const auto i = static_cast<std::size_t>(bits & 0xFFU);
    const double x = static_cast<double>(bits >> 11) * 0x1.0p-53 * z.x[i];
    out = (bits & 0x100U) != 0 ? -x : x;
    return x < z.x[i + 1];
  }

  // The slow path for a draw that fell outside its layer's core: the wedge test against the
  // curve, or the tail beyond r for the base layer; redraws until a sample is accepted.
  double ziggurat_edge(const ZigguratTables& z, uint64_t bits) {
    for (;;) {
      const auto i = static_cast<std::size_t>(bits & 0xFFU);
      const double sign = (bits & 0x100U) != 0 ? -1.0 : 1.0;
      const double x = static_cast<double>(bits >> 11) * 0x1.0p-53 * z.x[i];
      if (x < z.x[i + 1]) return sign * x;
      if (i == 0) return sign * normal_tail(ZigguratTables::kR);
      const double y = z.y[i] + uniform() * (z.y[i + 1] - z.y[i]);
      if (y < std::exp(-0.5 * x * x)) return sign * x;
      bits = next();
    }
  }

  // Marsaglia's tail sampler: x > r with density proportional to exp(-x^2 / 2).
  double normal_tail(double r) {
    for (;;) {
      const double a = -std::log(1.0 - uniform()) / r;  // 1 - u is in (0, 1]: log stays finite
      const double b = -std::log(1.0 - uniform());
      if (b + b >= a * a) return r + a;
    }
  }
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  State s_{};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace softbms::sim
