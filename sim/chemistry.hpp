// Cell chemistries of the plant: the OCV table and the equivalent-circuit parameters of one
// cell, per chemistry. Sources and assumptions are in docs/simulator.md and
// the cell-model sources of docs/references.md ([PYBAMM], [PLETT], [LIBRESOLAR]).
#pragma once

#include <array>
#include <vector>

#include "core/settings/param.hpp"

namespace softbms::sim {

using core::Chemistry;

inline constexpr std::size_t kOcvPoints = 21;  // 0 %, 5 %, ... 100 % SOC

struct CellModel {
  std::array<double, kOcvPoints> ocv_v{};  // open-circuit voltage at 0, 5, ... 100 % SOC, 25 °C
  double ocv_below_v = 0;                  // OCV reached at -5 % SOC (over-discharged); flat beyond
  double ocv_above_v = 0;                  // OCV reached at 105 % SOC (over-charged); flat beyond
  double dudt_v_per_k = 0;  // entropic coefficient: OCV(T) = OCV(25 °C) + dudt * (T - 25)
  // Resistances of a 1 Ah cell at 25 °C; a cell of Q Ah has R / Q (same C-rate, same drop).
  double r0_mohm_ah = 0;
  double r1_mohm_ah = 0;
  double tau1_s = 0;
  double r2_mohm_ah = 0;
  double tau2_s = 0;
  double activation_j_per_mol = 0;  // Arrhenius energy of all three resistances
  // One-state hysteresis (Plett): half-gap M, instantaneous M0, rate gamma per unit SOC.
  double hyst_m_v = 0;
  double hyst_m0_v = 0;
  double hyst_gamma = 0;
  double coulombic_efficiency = 1;      // on charge; discharge is 1
  double self_discharge_pct_month = 0;  // at 25 °C, doubling every 10 K
  double heat_capacity_j_per_k_ah = 0;  // lumped thermal mass per Ah
};

const CellModel& default_cell_model(Chemistry chemistry);

// OCV(SOC), linear between the table's points: 22 segments 5 % apart from -5 % to 105 % SOC and a
// flat segment on each side. A lookup is one multiply for the segment's index and one
// multiply-add in it; at a table point it returns the table value exactly. The segment a SOC
// falls in is decided by comparing with the segments' starts, so every caller (the pack keeps
// each cell's segment between steps) finds the same segment and the same bits.
class OcvCurve {
 public:
  static constexpr double kMinSoc = -0.05;
  static constexpr double kMaxSoc = 1.05;
  static constexpr int kSegments = kOcvPoints + 3;  // flat, 22 linear, flat

  struct Segment {
    double z0 = 0.0;     // where it starts
    double v0 = 0.0;     // OCV there
    double slope = 0.0;  // V per unit SOC
  };

  OcvCurve() = default;
  explicit OcvCurve(const CellModel& model);
  [[nodiscard]] int locate(double soc) const {
    const double x = (soc - kMinSoc) * 20.0;
    int j = 0;
    if (x >= kSegments - 2) {
      j = kSegments - 1;
    } else if (x >= 0.0) {
      j = static_cast<int>(x) + 1;
    }
    if (j > 0 && soc < seg_[j].z0) return j - 1;
    if (j + 1 < kSegments && soc >= seg_[j + 1].z0) return j + 1;
    return j;
  }
  [[nodiscard]] const Segment& segment(int j) const { return seg_[j]; }
  // Where segment j begins and ends (the first one has no beginning, the last one no end).
  [[nodiscard]] double begin(int j) const;
  [[nodiscard]] double end(int j) const;
  [[nodiscard]] double at(double soc) const {
    const Segment& s = seg_[locate(soc)];
    return s.v0 + s.slope * (soc - s.z0);
  }

 private:
  std::array<Segment, kSegments> seg_{};
};

// A function of cell temperature tabulated on a 0.5 K grid from -50 °C to 150 °C, clamped at the
// ends: the inner loop looks the factor up instead of calling exp() per cell and step.
class TemperatureTable {
 public:
  static constexpr double kMinC = -50.0;
  static constexpr double kMaxC = 150.0;
  static constexpr double kStepsPerK = 2.0;
  static constexpr int kSteps = 400;

  TemperatureTable() = default;
  template <typename F>
  explicit TemperatureTable(F f) {
    for (int i = 0; i <= kSteps; ++i) v_[i] = f(kMinC + i / kStepsPerK);
  }
  // Where a temperature falls on the grid; tables on the same grid share one lookup.
  struct Point {
    int i;
    double f;
  };
  [[nodiscard]] static Point locate(double celsius) {
    double x = (celsius - kMinC) * kStepsPerK;
    x = x < 0.0 ? 0.0 : (x > kSteps - 1e-9 ? kSteps - 1e-9 : x);
    const int i = static_cast<int>(x);
    return {i, x - i};
  }
  [[nodiscard]] double at(Point p) const { return v_[p.i] + p.f * (v_[p.i + 1] - v_[p.i]); }
  [[nodiscard]] double at(double celsius) const { return at(locate(celsius)); }

 private:
  std::array<double, kSteps + 1> v_{};
};

// Arrhenius factor R(T) / R(25 °C) for the given activation energy.
double arrhenius_factor(double activation_j_per_mol, double celsius);
// Self-discharge rate factor relative to 25 °C (doubles every 10 K).
double self_discharge_factor(double celsius);

}  // namespace softbms::sim
