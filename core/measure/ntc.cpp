#include "core/measure/ntc.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace softbms::core {
namespace {

// R(T) = 10000 * exp(3950 * (1/T - 1/298.15)), T in kelvin, one row per °C from -40 °C,
// rounded to whole ohms. One-degree steps keep linear interpolation within 0.05 °C of the
// curve; five-degree steps would be 0.25 °C off, more than the display resolution.
constexpr int32_t kFirstDegree = -40;
// clang-format off
constexpr std::array<uint32_t, 166> kOhmsPerDegree = {
    401860, 373810, 347933, 324043, 301975, 281577, 262710, 245249,  // -40 °C
    229079, 214096, 200204, 187316, 175354, 164243, 153918, 144317,  // -32 °C
    135385, 127071, 119328, 112112, 105385, 99109, 93252, 87783,  // -24 °C
    82674, 77898, 73432, 69253, 65341, 61678, 58246, 55028,  // -16 °C
    52011, 49179, 46522, 44026, 41681, 39477, 37405, 35455,  // -8 °C
    33621, 31893, 30266, 28733, 27288, 25925, 24639, 23425,  // 0 °C
    22279, 21197, 20175, 19208, 18294, 17430, 16612, 15837,  // 8 °C
    15104, 14409, 13751, 13127, 12535, 11974, 11441, 10936,  // 16 °C
    10456, 10000, 9567, 9155, 8764, 8391, 8037, 7700,  // 24 °C
    7379, 7074, 6783, 6506, 6241, 5989, 5749, 5520,  // 32 °C
    5301, 5093, 4894, 4703, 4522, 4348, 4182, 4024,  // 40 °C
    3872, 3727, 3588, 3455, 3328, 3207, 3090, 2978,  // 48 °C
    2871, 2769, 2671, 2577, 2486, 2399, 2316, 2237,  // 56 °C
    2160, 2086, 2016, 1948, 1883, 1820, 1760, 1702,  // 64 °C
    1646, 1593, 1541, 1492, 1444, 1398, 1354, 1311,  // 72 °C
    1270, 1231, 1193, 1156, 1121, 1087, 1054, 1022,  // 80 °C
    992, 962, 934, 906, 880, 854, 829, 805,  // 88 °C
    782, 760, 738, 718, 698, 678, 659, 641,  // 96 °C
    623, 606, 590, 574, 559, 544, 529, 515,  // 104 °C
    502, 488, 476, 463, 451, 440, 429, 418,  // 112 °C
    407, 397, 387, 377, 368, 359,  // 120 °C
};
// clang-format on
static_assert(kOhmsPerDegree[25 - kFirstDegree] == 10000, "the table must pass 10 kOhm at 25 °C");

constexpr std::size_t kLast = kOhmsPerDegree.size() - 1;

// Integer division rounded to the nearest, for positive divisors.
constexpr int64_t div_round(int64_t num, int64_t den) {
  return num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
}

}  // namespace

std::optional<DeciCelsius> ntc_temperature(Ohms r) {
  const int64_t ohms = r.count();
  if (ohms <= 0 || ohms > kOhmsPerDegree[0] || ohms < kOhmsPerDegree[kLast]) return std::nullopt;
  // The table falls with temperature: find the first row at or below the reading. Bisection
  // (8 probes) instead of a walk from -40 °C (65 probes at room temperature, per sensor and tick).
  std::size_t i = 0;
  std::size_t n = kOhmsPerDegree.size();
  while (n > 0) {
    const std::size_t half = n / 2;
    if (kOhmsPerDegree[i + half] > ohms) {
      i += half + 1;
      n -= half + 1;
    } else {
      n = half;
    }
  }
  const int64_t deci = (int64_t{kFirstDegree} + static_cast<int64_t>(i)) * 10;
  if (i == 0) return DeciCelsius(static_cast<int32_t>(deci));
  const int64_t upper = kOhmsPerDegree[i - 1];  // one degree colder
  const int64_t lower = kOhmsPerDegree[i];
  const int64_t back = div_round((ohms - lower) * 10, upper - lower);  // tenths above row i
  return DeciCelsius(static_cast<int32_t>(deci - back));
}

Ohms ntc_resistance_at(DeciCelsius t) {
  const int64_t deci = t.count() < kNtcMinTemp.count()   ? kNtcMinTemp.count()
                       : t.count() > kNtcMaxTemp.count() ? kNtcMaxTemp.count()
                                                         : t.count();
  const int64_t from_first = deci - int64_t{kFirstDegree} * 10;
  const auto i = static_cast<std::size_t>(from_first / 10);
  const int64_t tenths = from_first % 10;
  if (i >= kLast) return Ohms(static_cast<int32_t>(kOhmsPerDegree[kLast]));
  const int64_t colder = kOhmsPerDegree[i];
  const int64_t warmer = kOhmsPerDegree[i + 1];
  return Ohms(static_cast<int32_t>(colder - div_round((colder - warmer) * tenths, 10)));
}

}  // namespace softbms::core
