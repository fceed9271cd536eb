// The cell string: n cells in series, each an equivalent circuit (OCV with hysteresis, R0 and two
// RC pairs) with a lumped thermal mass coupled to its neighbours and to ambient. State is kept as
// struct-of-arrays so the step is one tight loop over cells.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sim/ageing.hpp"
#include "sim/chemistry.hpp"
#include "sim/pack_config.hpp"

namespace softbms::sim {

// Coefficients of the exact discretisation for one step length; computed once per dt.
struct StepCoeffs {
  double dt_s = -1.0;
  double a1 = 1.0;  // exp(-dt / tau1)
  double a2 = 1.0;
};

// What the string sees during one step besides its own state.
struct StringInput {
  double series_current_a = 0.0;  // + = charge, the same through every cell
  double ambient_c = 25.0;
  double heat_per_cell_w = 0.0;  // heater pad, spread evenly
};

// The string's Thevenin equivalent for the electrical solve: V = e_v + r_ohm * I_series.
struct Thevenin {
  double e_v = 0.0;
  double r_ohm = 0.0;
};

class Pack {
 public:
  explicit Pack(const PackConfig& config);

  // Advances every cell by dt with the inputs held constant (zero-order hold).
  void advance(const StringInput& in, double dt_s);

  // Extra current per cell on top of the series current (balancer, + = into the cell).
  void set_cell_extra_current(int cell, double amps);
  void clear_extra_currents();
  // An internal leak (soft short) of the given current, on top of self-discharge.
  void set_leak(int cell, double amps);
  // set_leak() for cells 0 .. min(cells(), size) - 1 at once (the plant applies the world's
  // leaks every sub-step; they change only when a fault starts or ends).
  void set_leaks(std::span<const double> amps);

  [[nodiscard]] Thevenin thevenin() const;

  // True values.
  [[nodiscard]] int cells() const { return n_; }
  [[nodiscard]] double soc(int cell) const { return z_[cell]; }
  [[nodiscard]] double temperature_c(int cell) const { return temp_pad_[cell + 1]; }
  [[nodiscard]] double capacity_ah(int cell) const { return capacity_ah_[cell]; }
  [[nodiscard]] double ocv_v(int cell) const;
  // Terminal voltage of the cell carrying the given series current plus its extra current.
  [[nodiscard]] double voltage_v(int cell, double series_current_a) const;
  // Same, without the extra (balancer) current in the R0 term: what an ADC sees while the
  // balancer pauses to measure.
  [[nodiscard]] double voltage_without_extra_v(int cell, double series_current_a) const;
  [[nodiscard]] double hysteresis_v(int cell) const;
  [[nodiscard]] double r0_ohm(int cell) const { return r0_[cell] * r_now_[cell]; }
  // R0 + R1 + R2 at 25 °C (the DC resistance a long pulse sees), aged.
  [[nodiscard]] double dc_resistance_25c_ohm(int cell) const {
    return r0_[cell] + r1_[cell] + r2_[cell];
  }
  // Ageing so far (all zero while PackConfig::ageing is off) and the capacity the cell had new.
  [[nodiscard]] const CellAge& age(int cell) const { return age_[cell]; }
  [[nodiscard]] double new_capacity_ah(int cell) const { return q_new_ah_[cell]; }
  [[nodiscard]] double new_dc_resistance_25c_ohm(int cell) const {
    return r_new_[cell] * (model_.r0_mohm_ah + model_.r1_mohm_ah + model_.r2_mohm_ah) /
           model_.r0_mohm_ah;
  }
  // Every cell's voltage in one pass (voltage_v, or voltage_without_extra_v when with_extra is
  // false): the sensors read all cells each step. out must hold cells() values (else untouched).
  void voltages_v(double series_current_a, bool with_extra, std::span<double> out) const;

  // Every cell's EMF (OCV + hysteresis + the RC pairs' voltages) is kept for the current state,
  // so that the voltage reads above are one multiply-add per cell until the state changes
  // again. advance() computes it with the state (one pass); the set_* calls leave it stale and
  // the reads then compute the EMF themselves (same values, more work) until this is called.
  void refresh_voltages();
  // Charge that entered the cell through its terminals (series + extra), Ah; and the charge its
  // own leakage (self-discharge and faults) took, Ah.
  [[nodiscard]] double terminal_charge_ah(int cell) const { return series_ah_ + extra_ah_[cell]; }
  [[nodiscard]] double leak_charge_ah(int cell) const {
    return leak_ah_[cell] + leak_now_a_[cell] * leak_pending_s_ / 3600.0;
  }
  [[nodiscard]] double heat_j(int cell) const { return heat_j_[cell]; }
  // Thermal network updates so far (PackConfig::thermal_step_s).
  [[nodiscard]] int64_t thermal_updates() const { return thermal_updates_; }
  [[nodiscard]] const CellModel& model() const { return model_; }
  [[nodiscard]] double nominal_voltage_v() const;  // sum of the 50 % OCV

  // Direct state access for scenarios and tests (start from a known state).
  void set_soc(int cell, double soc) {
    z_[cell] = soc;
    emf_fresh_ = false;
  }
  void set_temperature_c(int cell, double c);
  void set_hysteresis(int cell, double h) {
    h_[cell] = h;
    emf_fresh_ = false;
  }

 private:
  // State of a cell with an extra current before the common loop, to redo its step exactly.
  struct Saved {
    int cell;
    double z, i1, i2, h, s, heat_j;
  };

  const StepCoeffs& coeffs(double dt_s);
  void fill_coeffs(StepCoeffs& c, double dt_s) const;
  double hysteresis_decay(double amps, double dt_s);
  void advance_common(const StepCoeffs& c, const StringInput& in, double dt_s);
  void advance_extra(const Saved& saved, const StepCoeffs& c, const StringInput& in, double dt_s);
  [[nodiscard]] bool thermal_due(double ambient_c) const;
  void advance_thermal(double ambient_c);
  void update_emf();
  void relocate_ocv(int k);
  void flush_leaks();
  void sample_ageing();
  void end_half_cycle(int k, double depth);
  void apply_age(int k);
  void refresh_temperature_factors(int k);
  [[nodiscard]] double emf_now_v(int k) const;  // computed from the state
  [[nodiscard]] double emf_v(int k) const { return emf_fresh_ ? emf_cache_v_[k] : emf_now_v(k); }
  // f(cell, emf) for every cell, from the cache when it is fresh.
  template <typename F>
  void for_each_emf(F f) const;

  int n_ = 0;
  CellModel model_;
  OcvCurve ocv_;
  TemperatureTable r_factor_;
  TemperatureTable sd_factor_;
  double hyst_rate_per_as_ = 0.0;  // gamma / (3600 Q_nominal)
  double link_ohm_ = 0.0;

  // Per-cell parameters.
  std::vector<double> capacity_ah_, inv_q_as_, r0_, r1_, r2_, self_leak_a_;
  std::vector<double> heat_cap_, g_left_, g_right_, g_amb_, g_total_, inv_g_total_;
  // Per-cell state.
  std::vector<double> z_, i1_, i2_, h_, s_;
  // Cell k at k + 1, zero sentinels at both ends: now, the thermal update's guess and its result.
  std::vector<double> temp_pad_, temp_guess_, temp_next_;
  std::vector<double> extra_a_, fault_leak_a_;
  // Thermal step: heat_j_ at the last thermal update, G / C per cell, time since the update.
  // Scratch of the update: each cell's own drive (ambient and heat, W) and decay over the step.
  std::vector<double> heat_mark_j_, thermal_rate_, thermal_own_w_, thermal_decay_;
  double thermal_step_s_ = 1.0;
  double thermal_max_step_s_ = 1.0;
  double thermal_pending_s_ = 0.0;
  // What the last update saw, to tell when the next one is due (thermal_due()): the steepest
  // temperature slope it left, the ambient, cell 0's mean heat, and how many kelvins a joule
  // more or less in any cell can move it (twice 1 / the smallest heat capacity: the cells' heat
  // differs by their resistance spread and balancing).
  double thermal_slope_k_per_s_ = 0.0;
  double thermal_ambient_c_ = 0.0;
  double thermal_heat_w0_ = 0.0;
  double thermal_k_per_j_ = 0.0;
  int64_t thermal_updates_ = 0;
  double leak_pending_s_ = 0.0;  // time since leak_ah_ was last brought up to date
  // Ageing: the model, each cell's rate, its age, its new capacity and R0; the stresses since
  // the last calendar step (sums of samples) and since the last turning point of its SOC.
  AgeingModelKind ageing_model_ = AgeingModelKind::none;
  double ageing_sample_pending_s_ = 0.0;
  double calendar_pending_s_ = 0.0;
  int calendar_samples_ = 0;
  double abs_ah_ = 0.0;    // |series current| integrated
  double active_s_ = 0.0;  // time with current flowing
  std::vector<double> ageing_rate_, q_new_ah_, r_new_;
  std::vector<CellAge> age_;
  std::vector<double> sum_temp_, sum_soc_, sum_ocv_;
  std::vector<double> turn_soc_, extreme_soc_, turn_ah_, turn_active_s_, turn_v2_, turn_temp_;
  std::vector<int> direction_, turn_samples_;
  // The OCV segment each cell's SOC is in: [begin, end), OCV = v0 + slope * (z - z0).
  std::vector<double> seg_begin_, seg_end_, seg_z0_, seg_v0_, seg_slope_;
  // Functions of each cell's temperature, refreshed after every thermal update.
  std::vector<double> r_now_, leak_now_a_;
  // emf_v(k) of every cell, valid while emf_fresh_ (see refresh_voltages()).
  std::vector<double> emf_cache_v_;
  bool emf_fresh_ = false;
  std::vector<int> extra_cells_;  // cells with a non-zero extra current
  // Accounting: the series part is common to all cells, the extra part per cell.
  double series_ah_ = 0.0;
  std::vector<double> extra_ah_, leak_ah_, heat_j_;
  double last_hyst_amps_ = 0.0, last_hyst_dt_ = -1.0, last_hyst_decay_ = 1.0;

  StepCoeffs main_;
  StepCoeffs fast_;
  StepCoeffs other_;
};

}  // namespace softbms::sim
