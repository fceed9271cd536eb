// Open-circuit voltage against state of charge per chemistry, for the first SOC estimate before
// the coulomb counter has a starting point. Tables in 5 % steps (battery-models.md §1.2):
// LFP from LibreSolar bms-firmware's measured-shape table, NMC from PyBaMM Chen2020 (LG M50),
// LTO a synthetic shape (no public LTO table exists; docs/counters-and-functions.md says so).
#pragma once

#include <array>
#include <cstdint>

#include "core/base/units.hpp"
#include "core/settings/param.hpp"

namespace softbms::core {

inline constexpr std::size_t kOcvPoints = 21;  // 0 %, 5 %, ... 100 %

// clang-format off
inline constexpr std::array<std::array<int16_t, kOcvPoints>, kChemistryCount> kOcvMillivolts = {{
  // li-ion (NMC)
  {2500, 3109, 3296, 3434, 3485, 3529, 3581, 3629, 3667, 3705, 3751, 3798, 3841, 3890, 3948, 3994, 4042, 4081, 4097, 4124, 4200},
  // lfp
  {2833, 3132, 3177, 3190, 3213, 3226, 3240, 3252, 3262, 3264, 3265, 3268, 3271, 3275, 3283, 3296, 3304, 3308, 3309, 3314, 3392},
  // lto (synthetic)
  {2055, 2079, 2103, 2127, 2151, 2176, 2200, 2227, 2254, 2294, 2334, 2378, 2422, 2458, 2494, 2539, 2584, 2612, 2639, 2691, 2742},
}};
// clang-format on

// SOC in per mille for a cell at rest at voltage v (linear between table points, clamped).
constexpr int32_t soc_permille_at_rest(Chemistry c, Millivolts v) {
  const auto& t = kOcvMillivolts[static_cast<std::size_t>(c)];
  if (v.count() <= t.front()) return 0;
  if (v.count() >= t.back()) return 1000;
  std::size_t i = 1;
  while (t[i] < v.count()) ++i;  // t[i-1] < v <= t[i]
  const int32_t span = t[i] - t[i - 1];
  const int32_t into = v.count() - t[i - 1];
  return static_cast<int32_t>((i - 1) * 50) + (span > 0 ? into * 50 / span : 0);
}

static_assert(soc_permille_at_rest(Chemistry::lfp, Millivolts(3265)) == 500);
static_assert(soc_permille_at_rest(Chemistry::li_ion, Millivolts(4200)) == 1000);

}  // namespace softbms::core
