// The estimator's own picture of a cell: the chemistry's open-circuit voltage against state of
// charge (the 5 % tables of ocv_table.hpp) and datasheet-class equivalent-circuit values per Ah,
// in single precision. Everything the model gets wrong about a real cell (resistance, capacity,
// an OCV shifted by a few mV, the size of the hysteresis) the filter learns or absorbs; see
// docs/estimation.md for the values and their sources.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "core/estimate/ocv_table.hpp"
#include "core/settings/param.hpp"

namespace softbms::core {

// Resistances are per Ah (mOhm x Ah): a cell of Q Ah has R / Q, so the same C-rate gives the same
// drop whatever the cell's size. The filter works in C-rate units for the same reason.
struct CellModelParams {
  float r0_mohm_ah;  // ohmic (series) resistance
  float r1_mohm_ah;  // fast polarisation branch
  float tau1_s;
  float r2_mohm_ah;  // slow polarisation (diffusion) branch
  float tau2_s;
  float activation_j_per_mol;  // Arrhenius energy of every resistance
  float hyst_v;                // half-gap of the OCV hysteresis (0 = none)
  float hyst_gamma;  // how fast the hysteresis follows the current, per unit SOC of throughput
  float charge_efficiency;  // coulombic, on charge
};

// clang-format off
inline constexpr std::array<CellModelParams, kChemistryCount> kCellModels = {{
  // li-ion (NMC): DCIR 100 mOhm x Ah split 40/60 into R0 and a 30 s branch (PyBaMM's ECM example
  // set), plus a slow branch; no hysteresis.
  {40.0F, 60.0F, 30.0F, 30.0F, 300.0F, 20000.0F, 0.0F, 0.0F, 0.999F},
  // lfp: a large prismatic cell scaled to 1 Ah (R0 0.2-0.3 mOhm at 280 Ah, branches of 10-60 s
  // and 300-1000 s), one-state hysteresis of 10 mV half-gap inside the 5-25 mV measured range.
  {60.0F, 80.0F, 20.0F, 100.0F, 400.0F, 20000.0F, 0.010F, 100.0F, 0.9995F},
  // lto: no public parameter set; values of the same order as NMC.
  {30.0F, 30.0F, 20.0F, 30.0F, 300.0F, 20000.0F, 0.0F, 0.0F, 0.9998F},
}};
// clang-format on

// The OCV's temperature coefficient (entropic term) of the full cell at 0, 5, ... 100 % SOC, µV/K:
// OCV(z, T) = OCV(z, 25 °C) + coefficient(z) * (T - 25 °C). Computed from published electrode
// entropic coefficients over each electrode's stoichiometry window (docs/estimation.md):
// NMC from the LG M50 cell of the OCV table (O'Regan et al. 2021/2022 fits, Chen2020 windows),
// LFP from About:Energy's 2 Ah LFP|graphite cell (Gerver and Meyers 2011 for LFP, O'Regan 2022
// for graphite). LTO: no public data, none modelled.
// clang-format off
inline constexpr std::array<std::array<int16_t, kOcvPoints>, kChemistryCount> kOcvTempCoeffMicrovoltsPerK = {{
  {-250, -419, -362, -180, -88, -61, -44, -27, 46, 182, 194, 203, 210, 184, 45, 47, 52, 57, 64, 94, 105},
  {-224, -386, -488, -370, -196, -115, -88, -74, -61, -50, -39, -27, -14, -1, 12, 25, 38, 51, 67, 85, 102},
  {},
}};
// clang-format on
inline constexpr float kReferenceC = 25.0F;

// The coefficient at SOC z (V/K), linear between the 5 % points, held at the ends.
constexpr float ocv_temp_coeff_v_per_k(Chemistry c, float z) {
  const auto& t = kOcvTempCoeffMicrovoltsPerK[static_cast<std::size_t>(c)];
  constexpr float kStep = 0.05F;
  const float x = !(z > 0.0F) ? 0.0F : (z < 1.0F ? z / kStep : static_cast<float>(kOcvPoints - 1));
  const auto i = std::min(static_cast<std::size_t>(x), kOcvPoints - 2);
  const float f = x - static_cast<float>(i);
  return (static_cast<float>(t[i]) + (static_cast<float>(t[i + 1] - t[i])) * f) * 1e-6F;
}

constexpr const CellModelParams& cell_model(Chemistry c) {
  return kCellModels[static_cast<std::size_t>(c)];
}

// OCV and its slope at SOC z (0..1) for the chemistry, linear between the 5 % points. Outside
// 0..1 the end segments continue, so an over-charged or over-discharged estimate still sees a
// voltage that moves with it.
struct OcvPoint {
  float v;      // volts
  float dv_dz;  // volts per unit SOC
};

constexpr OcvPoint ocv_at(Chemistry c, float z) {
  const auto& t = kOcvMillivolts[static_cast<std::size_t>(c)];
  constexpr float kStep = 0.05F;
  // Far outside 0..1 (or not a number) the end segments are followed no further.
  if (!(z > -1.0F)) z = -1.0F;
  if (!(z < 2.0F)) z = 2.0F;
  const float x = z / kStep;
  int i = static_cast<int>(x);
  if (x < 0.0F) i = 0;
  if (i > static_cast<int>(kOcvPoints) - 2) i = static_cast<int>(kOcvPoints) - 2;
  const auto k = static_cast<std::size_t>(i);
  const float v0 = static_cast<float>(t[k]) * 1e-3F;
  const float v1 = static_cast<float>(t[k + 1]) * 1e-3F;
  const float slope = (v1 - v0) / kStep;
  return {v0 + slope * (z - static_cast<float>(i) * kStep), slope};
}

}  // namespace softbms::core
