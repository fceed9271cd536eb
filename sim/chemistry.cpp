#include "sim/chemistry.hpp"

#include <cmath>
#include <limits>

namespace softbms::sim {
namespace {

constexpr double kGasConstant = 8.314462618;  // J/(mol K)
constexpr double kKelvin = 273.15;
constexpr double kReferenceK = 298.15;

// clang-format off
// Order of the table: li_ion (NMC), lfp, lto, as core::Chemistry.
const std::array<CellModel, core::kChemistryCount> kModels = {{
  // NMC: PyBaMM Chen2020 (LG M50) full-cell OCV; resistances from the PyBaMM 100 Ah ECM example
  // (DCIR 1 mOhm, R0 40 %, R1 60 %, tau1 30 s, Ea 20 kJ/mol) plus a slow second RC (assumption).
  {{2.500, 3.109, 3.296, 3.434, 3.485, 3.529, 3.581, 3.629, 3.667, 3.705, 3.751,
    3.798, 3.841, 3.890, 3.948, 3.994, 4.042, 4.081, 4.097, 4.124, 4.200},
   2.000, 4.500, 0.0,
   40.0, 60.0, 30.0, 40.0, 400.0, 20000.0,
   0.0, 0.0, 0.0,
   0.999, 3.0, 14.0},
  // LFP: LibreSolar bms-firmware table; resistances of a 280 Ah prismatic scaled to 1 Ah
  // (R0 0.25, R1 0.30 tau 30 s, R2 0.35 mOhm tau 600 s); hysteresis M 12 mV, M0 1 mV, gamma 100
  // (inside the 5-25 mV gap the literature gives); 5.5 kJ/K per 280 Ah cell.
  {{2.833, 3.132, 3.177, 3.190, 3.213, 3.226, 3.240, 3.252, 3.262, 3.264, 3.265,
    3.268, 3.271, 3.275, 3.283, 3.296, 3.304, 3.308, 3.309, 3.314, 3.392},
   2.000, 4.000, 0.0,
   70.0, 84.0, 30.0, 98.0, 600.0, 25000.0,
   0.012, 0.001, 100.0,
   0.9995, 2.0, 19.6},
  // LTO: SYNTHETIC shape (Chen2020 NMC cathode minus a flat 1.55 V LTO anode), not measured.
  {{2.055, 2.079, 2.103, 2.127, 2.151, 2.176, 2.200, 2.227, 2.254, 2.294, 2.334,
    2.378, 2.422, 2.458, 2.494, 2.539, 2.584, 2.612, 2.639, 2.691, 2.742},
   1.500, 3.000, 0.0,
   30.0, 30.0, 20.0, 30.0, 300.0, 20000.0,
   0.0, 0.0, 0.0,
   0.9998, 1.0, 30.0},
}};
// clang-format on

}  // namespace

const CellModel& default_cell_model(Chemistry chemistry) {
  return kModels[static_cast<std::size_t>(chemistry)];
}

OcvCurve::OcvCurve(const CellModel& model) {
  // Knots: -5 %, 0 %, 5 %, ... 100 %, 105 %, i.e. 23 points 5 % apart.
  std::array<double, kOcvPoints + 2> knots{};
  knots[0] = model.ocv_below_v;
  for (std::size_t i = 0; i < kOcvPoints; ++i) knots[i + 1] = model.ocv_v[i];
  knots[kOcvPoints + 1] = model.ocv_above_v;
  const auto at_knot = [](std::size_t i) { return (static_cast<double>(i) - 1.0) / 20.0; };
  seg_.front() = {kMinSoc, knots.front(), 0.0};
  for (std::size_t i = 0; i + 1 < knots.size(); ++i) {
    seg_[i + 1] = {at_knot(i), knots[i], (knots[i + 1] - knots[i]) * 20.0};
  }
  seg_.back() = {kMaxSoc, knots.back(), 0.0};
}

double OcvCurve::begin(int j) const {
  return j > 0 ? seg_[j].z0 : -std::numeric_limits<double>::infinity();
}

double OcvCurve::end(int j) const {
  return j + 1 < kSegments ? seg_[j + 1].z0 : std::numeric_limits<double>::infinity();
}

double arrhenius_factor(double activation_j_per_mol, double celsius) {
  return std::exp(activation_j_per_mol / kGasConstant *
                  (1.0 / (celsius + kKelvin) - 1.0 / kReferenceK));
}

double self_discharge_factor(double celsius) {
  return std::exp2((celsius - 25.0) / 10.0);
}

}  // namespace softbms::sim
