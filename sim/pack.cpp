#include "sim/pack.hpp"

#include <algorithm>
#include <cmath>

#include "sim/rng.hpp"

namespace softbms::sim {
namespace {

constexpr double kKelvin = 273.15;
constexpr double kHoursPerMonth = 30.0 * 24.0;
constexpr double kCurrentEpsilonA = 1e-6;  // below this a cell is at rest for the hysteresis sign
// Thermal network of a 280 Ah prismatic cell in a pack (assumption, see docs): faces shared with
// neighbours conduct better than the free surface convects. Scaled by area, i.e. Q^(2/3).
constexpr double kRefCapacityAh = 280.0;
constexpr double kRefAmbientWPerK = 0.5;
constexpr double kRefNeighbourWPerK = 2.0;

enum RngStream : uint64_t { kStreamCells = 1, kStreamAgeing = 4 };

// Ageing bookkeeping: the cells are sampled once a minute, calendar ageing is applied once an
// hour with the hour's mean temperature and SOC; a half cycle ends where the SOC turns by more
// than 2 % (or after one full equivalent cycle without a turn).
constexpr double kAgeingSampleS = 60.0;
constexpr double kCalendarStepS = 3600.0;
constexpr double kTurnHysteresis = 0.02;
constexpr double kActiveCurrentC = 0.01;  // below C/100 a cell is at rest for its C-rate

double sign_of(double i) {
  return static_cast<double>((i > kCurrentEpsilonA) - (i < -kCurrentEpsilonA));
}

}  // namespace

Pack::Pack(const PackConfig& config)
    : n_(std::clamp(config.cells, 1, kMaxSimCells)),
      model_(config.cell_model.value_or(default_cell_model(config.chemistry))),
      ocv_(model_),
      r_factor_([a = model_.activation_j_per_mol](double c) { return arrhenius_factor(a, c); }),
      sd_factor_(self_discharge_factor) {
  const double q_nom = std::max(config.capacity_ah, 1e-3);
  hyst_rate_per_as_ = model_.hyst_gamma / (3600.0 * q_nom);
  link_ohm_ = config.link_resistance_mohm * 1e-3;
  thermal_step_s_ = std::max(config.thermal_step_s, 0.0);
  thermal_max_step_s_ =
      thermal_step_s_ > 0.0 ? std::max(config.thermal_max_step_s, thermal_step_s_) : 0.0;
  thermal_ambient_c_ = config.initial_temp_c;
  const auto size = static_cast<std::size_t>(n_);
  for (auto* v : {&capacity_ah_, &inv_q_as_,    &r0_,           &r1_,
                  &r2_,          &self_leak_a_, &heat_cap_,     &g_left_,
                  &g_right_,     &g_amb_,       &g_total_,      &inv_g_total_,
                  &z_,           &i1_,          &i2_,           &h_,
                  &s_,           &extra_a_,     &fault_leak_a_, &heat_mark_j_,
                  &r_now_,       &leak_now_a_,  &emf_cache_v_,  &extra_ah_,
                  &leak_ah_,     &heat_j_,      &thermal_rate_, &seg_begin_,
                  &seg_end_,     &seg_z0_,      &seg_v0_,       &seg_slope_}) {
    v->assign(size, 0.0);
  }
  thermal_own_w_.assign(size, 0.0);
  thermal_decay_.assign(size, 0.0);

  const double area_scale = std::cbrt((q_nom / kRefCapacityAh) * (q_nom / kRefCapacityAh));
  const double g_amb = config.cell_to_ambient_w_per_k > 0 ? config.cell_to_ambient_w_per_k
                                                          : kRefAmbientWPerK * area_scale;
  const double g_nb = config.cell_to_neighbour_w_per_k > 0 ? config.cell_to_neighbour_w_per_k
                                                           : kRefNeighbourWPerK * area_scale;

  Rng rng(config.seed, kStreamCells);
  for (std::size_t k = 0; k < size; ++k) {
    // Draw order is fixed: a seed always builds the same cells.
    const double q = q_nom * std::max(0.5, 1.0 + rng.spread(config.capacity_spread));
    const double r = std::max(0.2, 1.0 + rng.spread(config.resistance_spread));
    const double soc = std::clamp(config.initial_soc + rng.spread(config.soc_spread), 0.0, 1.0);
    const double sd = std::max(0.0, 1.0 + rng.spread(config.self_discharge_spread));
    capacity_ah_[k] = q;
    inv_q_as_[k] = 1.0 / (3600.0 * q);
    r0_[k] = model_.r0_mohm_ah * 1e-3 / q * r;
    r1_[k] = model_.r1_mohm_ah * 1e-3 / q * r;
    r2_[k] = model_.r2_mohm_ah * 1e-3 / q * r;
    self_leak_a_[k] = model_.self_discharge_pct_month / 100.0 * q / kHoursPerMonth * sd;
    z_[k] = soc;
    heat_cap_[k] = config.cell_heat_capacity_j_per_k > 0 ? config.cell_heat_capacity_j_per_k
                                                         : model_.heat_capacity_j_per_k_ah * q;
    g_left_[k] = k > 0 ? g_nb : 0.0;
    g_right_[k] = k + 1 < size ? g_nb : 0.0;
    g_amb_[k] = g_amb;
    g_total_[k] = g_amb + g_left_[k] + g_right_[k];
    inv_g_total_[k] = 1.0 / g_total_[k];
    thermal_rate_[k] = g_total_[k] / heat_cap_[k];
    thermal_k_per_j_ = std::max(thermal_k_per_j_, 2.0 / heat_cap_[k]);
  }
  temp_pad_.assign(size + 2, config.initial_temp_c);
  temp_pad_.front() = temp_pad_.back() = 0.0;
  temp_next_ = temp_pad_;
  temp_guess_ = temp_pad_;
  for (int k = 0; k < n_; ++k) {
    refresh_temperature_factors(k);
    relocate_ocv(k);
  }

  if (config.ageing) ageing_model_ = ageing_model_for(config.chemistry);
  age_.assign(size, CellAge{});
  q_new_ah_ = capacity_ah_;
  r_new_ = r0_;
  for (auto* v : {&ageing_rate_, &sum_temp_, &sum_soc_, &sum_ocv_, &turn_soc_, &extreme_soc_,
                  &turn_ah_, &turn_active_s_, &turn_v2_, &turn_temp_}) {
    v->assign(size, 0.0);
  }
  direction_.assign(size, 0);
  turn_samples_.assign(size, 0);
  Rng ageing_rng(config.seed, kStreamAgeing);
  for (std::size_t k = 0; k < size; ++k) {
    ageing_rate_[k] =
        config.ageing_speed * std::max(0.0, 1.0 + ageing_rng.spread(config.ageing_spread));
    turn_soc_[k] = extreme_soc_[k] = z_[k];
  }
}

// Once a minute: each cell's temperature, SOC and OCV for the calendar step, and its SOC for the
// turning points of the cycles.
void Pack::sample_ageing() {
  ++calendar_samples_;
  for (int k = 0; k < n_; ++k) {
    const double z = z_[k];
    const double ocv = ocv_.at(z);
    sum_temp_[k] += temp_pad_[k + 1];
    sum_soc_[k] += z;
    sum_ocv_[k] += ocv;
    turn_v2_[k] += ocv * ocv;
    turn_temp_[k] += temp_pad_[k + 1];
    ++turn_samples_[k];
    int& dir = direction_[k];
    double& ext = extreme_soc_[k];
    if (dir == 0) {
      if (std::fabs(z - turn_soc_[k]) > kTurnHysteresis) {
        dir = z > turn_soc_[k] ? 1 : -1;
        ext = z;
      }
    } else if ((z - ext) * dir > 0.0) {
      ext = z;
    } else if ((ext - z) * dir > kTurnHysteresis) {
      end_half_cycle(k, std::fabs(ext - turn_soc_[k]));
      turn_soc_[k] = ext;
      dir = -dir;
      ext = z;
    }
    if (abs_ah_ - turn_ah_[k] > 2.0 * q_new_ah_[k]) {  // a full cycle's throughput, no turn
      end_half_cycle(k, std::fabs(ext - turn_soc_[k]));
      turn_soc_[k] = ext = z;
      dir = 0;
    }
  }
  if (calendar_pending_s_ < kCalendarStepS) return;
  const double inv = 1.0 / calendar_samples_;
  for (int k = 0; k < n_; ++k) {
    const CalendarStress stress{calendar_pending_s_, sum_temp_[k] * inv, sum_soc_[k] * inv,
                                sum_ocv_[k] * inv};
    age_calendar(ageing_model_, stress, ageing_rate_[k], age_[k]);
    sum_temp_[k] = sum_soc_[k] = sum_ocv_[k] = 0.0;
    apply_age(k);
  }
  calendar_pending_s_ = 0.0;
  calendar_samples_ = 0;
}

void Pack::end_half_cycle(int k, double depth) {
  const double ah = abs_ah_ - turn_ah_[k];
  const double active_h = (active_s_ - turn_active_s_[k]) / 3600.0;
  const double n = std::max(turn_samples_[k], 1);
  CycleStress stress;
  stress.depth = depth;
  stress.throughput_ah = ah;
  stress.c_rate = active_h > 0.0 ? ah / active_h / q_new_ah_[k] : 0.0;
  stress.mean_v = std::sqrt(turn_v2_[k] / n);
  stress.temp_c = turn_temp_[k] / n;
  age_cycle(ageing_model_, stress, q_new_ah_[k], ageing_rate_[k], age_[k]);
  turn_ah_[k] = abs_ah_;
  turn_active_s_[k] = active_s_;
  turn_v2_[k] = turn_temp_[k] = 0.0;
  turn_samples_[k] = 0;
  apply_age(k);
}

// The cell's capacity and resistances follow its age; its SOC stays (the charge in it shrinks
// with the capacity it can hold).
void Pack::apply_age(int k) {
  const double q = q_new_ah_[k] * std::max(age_[k].capacity_factor(), 0.05);
  const double r = r_new_[k] / r0_[k] * age_[k].resistance_factor();
  capacity_ah_[k] = q;
  inv_q_as_[k] = 1.0 / (3600.0 * q);
  r1_[k] *= r;
  r2_[k] *= r;
  r0_[k] *= r;
  emf_fresh_ = false;
}

void Pack::relocate_ocv(int k) {
  const int j = ocv_.locate(z_[k]);
  const OcvCurve::Segment& seg = ocv_.segment(j);
  seg_begin_[k] = ocv_.begin(j);
  seg_end_[k] = ocv_.end(j);
  seg_z0_[k] = seg.z0;
  seg_v0_[k] = seg.v0;
  seg_slope_[k] = seg.slope;
}

void Pack::set_cell_extra_current(int cell, double amps) {
  if (extra_a_[cell] == 0.0 && amps != 0.0) extra_cells_.push_back(cell);
  extra_a_[cell] = amps;
}

void Pack::clear_extra_currents() {
  for (int k : extra_cells_) extra_a_[k] = 0.0;
  extra_cells_.clear();
}

void Pack::set_leak(int cell, double amps) {
  if (fault_leak_a_[cell] == amps) return;
  flush_leaks();
  fault_leak_a_[cell] = amps;
  refresh_temperature_factors(cell);
}

void Pack::set_temperature_c(int cell, double c) {
  flush_leaks();
  temp_pad_[cell + 1] = c;
  refresh_temperature_factors(cell);
  emf_fresh_ = false;
}

// The leak currents change only with temperature and faults: the charge they took is booked
// when they change, not every step.
void Pack::flush_leaks() {
  if (leak_pending_s_ == 0.0) return;
  const double h = leak_pending_s_ / 3600.0;
  for (int k = 0; k < n_; ++k) leak_ah_[k] += leak_now_a_[k] * h;
  leak_pending_s_ = 0.0;
}

void Pack::set_leaks(std::span<const double> amps) {
  const int n = std::min(n_, static_cast<int>(amps.size()));
  for (int k = 0; k < n; ++k) {
    if (fault_leak_a_[k] != amps[k]) set_leak(k, amps[k]);
  }
}

void Pack::refresh_temperature_factors(int k) {
  const TemperatureTable::Point at = TemperatureTable::locate(temp_pad_[k + 1]);  // one grid
  r_now_[k] = r_factor_.at(at);
  leak_now_a_[k] = self_leak_a_[k] * sd_factor_.at(at) + fault_leak_a_[k];
}

// The same expression, in the same order, as update_emf(): the same bits.
double Pack::emf_now_v(int k) const {
  const OcvCurve::Segment& seg = ocv_.segment(ocv_.locate(z_[k]));
  return seg.v0 + seg.slope * (z_[k] - seg.z0) + model_.dudt_v_per_k * (temp_pad_[k + 1] - 25.0) +
         model_.hyst_m_v * h_[k] + model_.hyst_m0_v * s_[k] +
         r_now_[k] * (r1_[k] * i1_[k] + r2_[k] * i2_[k]);
}

void Pack::refresh_voltages() {
  if (emf_fresh_) return;
  for (int k = 0; k < n_; ++k) emf_cache_v_[k] = emf_now_v(k);
  emf_fresh_ = true;
}

template <typename F>
void Pack::for_each_emf(F f) const {
  if (emf_fresh_) {
    const double* __restrict emf = emf_cache_v_.data();
    for (int k = 0; k < n_; ++k) f(k, emf[k]);
    return;
  }
  for (int k = 0; k < n_; ++k) f(k, emf_now_v(k));
}

void Pack::fill_coeffs(StepCoeffs& c, double dt_s) const {
  c.dt_s = dt_s;
  c.a1 = model_.tau1_s > 0 ? std::exp(-dt_s / model_.tau1_s) : 0.0;
  c.a2 = model_.tau2_s > 0 ? std::exp(-dt_s / model_.tau2_s) : 0.0;
}

// Two cached step lengths cover the control period and the short-circuit sub-step; anything
// else (a step cut at a fault's start) is computed on the spot.
const StepCoeffs& Pack::coeffs(double dt_s) {
  if (main_.dt_s == dt_s) return main_;
  if (fast_.dt_s == dt_s) return fast_;
  if (main_.dt_s < 0) {
    fill_coeffs(main_, dt_s);
    return main_;
  }
  if (fast_.dt_s < 0) {
    fill_coeffs(fast_, dt_s);
    return fast_;
  }
  fill_coeffs(other_, dt_s);
  return other_;
}

// Plett's one-state hysteresis decays with charge throughput: exp(-gamma |I| dt / (3600 Q)).
double Pack::hysteresis_decay(double amps, double dt_s) {
  if (amps != last_hyst_amps_ || dt_s != last_hyst_dt_) {
    last_hyst_amps_ = amps;
    last_hyst_dt_ = dt_s;
    last_hyst_decay_ = std::exp(-std::fabs(amps) * dt_s * hyst_rate_per_as_);
  }
  return last_hyst_decay_;
}

void Pack::advance(const StringInput& in, double dt_s) {
  if (dt_s <= 0) return;
  const StepCoeffs& c = coeffs(dt_s);
  std::array<Saved, kMaxSimCells> saved;  // only the first n_extra are used
  const std::size_t n_extra = extra_cells_.size();
  for (std::size_t j = 0; j < n_extra; ++j) {
    const int k = extra_cells_[j];
    saved[j] = {k, z_[k], i1_[k], i2_[k], h_[k], s_[k], heat_j_[k]};
  }
  advance_common(c, in, dt_s);
  // Cells with an extra (balancer) current are redone from their saved state: the common loop
  // stays free of per-cell branches and exp() calls.
  for (std::size_t j = 0; j < n_extra; ++j) advance_extra(saved[j], c, in, dt_s);
  series_ah_ += in.series_current_a * dt_s / 3600.0;
  leak_pending_s_ += dt_s;
  if (ageing_model_ != AgeingModelKind::none) {
    const double amps = std::fabs(in.series_current_a);
    abs_ah_ += amps * dt_s / 3600.0;
    if (amps > kActiveCurrentC * q_new_ah_[0]) active_s_ += dt_s;
    calendar_pending_s_ += dt_s;
    ageing_sample_pending_s_ += dt_s;
    if (ageing_sample_pending_s_ >= kAgeingSampleS) {
      ageing_sample_pending_s_ = 0.0;
      sample_ageing();
    }
  }
  thermal_pending_s_ += dt_s;
  if (thermal_pending_s_ >= thermal_step_s_ && thermal_due(in.ambient_c)) {
    advance_thermal(in.ambient_c);
  }
  update_emf();
}

// Every cell's EMF for the new state. Each cell keeps the OCV segment its SOC was in: while the
// SOC stays in it (5 % of SOC, thousands of steps) the OCV is one multiply-add and the loop has
// no lookup, so it vectorises; a cell that left its segment is looked up again afterwards.
void Pack::update_emf() {
  const double* __restrict z = z_.data();
  const double* __restrict i1 = i1_.data();
  const double* __restrict i2 = i2_.data();
  const double* __restrict h = h_.data();
  const double* __restrict s = s_.data();
  const double* __restrict rf = r_now_.data();
  const double* __restrict r1 = r1_.data();
  const double* __restrict r2 = r2_.data();
  const double* __restrict temp = temp_pad_.data() + 1;
  const double* __restrict lo = seg_begin_.data();
  const double* __restrict hi = seg_end_.data();
  const double* __restrict z0 = seg_z0_.data();
  const double* __restrict v0 = seg_v0_.data();
  const double* __restrict slope = seg_slope_.data();
  double* __restrict emf = emf_cache_v_.data();
  const double dudt = model_.dudt_v_per_k;
  const double m = model_.hyst_m_v;
  const double m0 = model_.hyst_m0_v;
  const int n = n_;
  double left = 0.0;  // > 0 when a cell left its segment
#pragma GCC ivdep
  for (int k = 0; k < n; ++k) {
    left += (z[k] < lo[k] ? 1.0 : 0.0) + (z[k] >= hi[k] ? 1.0 : 0.0);
    emf[k] = v0[k] + slope[k] * (z[k] - z0[k]) + dudt * (temp[k] - 25.0) + m * h[k] + m0 * s[k] +
             rf[k] * (r1[k] * i1[k] + r2[k] * i2[k]);
  }
  if (left > 0.0) {
    for (int k = 0; k < n; ++k) {
      if (z[k] >= lo[k] && z[k] < hi[k]) continue;
      relocate_ocv(k);
      emf[k] = emf_now_v(k);
    }
  }
  emf_fresh_ = true;
}

// Every cell carries the series current: the sign, the coulombic efficiency and the hysteresis
// decay are the same for all of them and computed once.
void Pack::advance_common(const StepCoeffs& c, const StringInput& in, double dt_s) {
  const double i = in.series_current_a;
  const double ah = hysteresis_decay(i, dt_s);
  const double sg = sign_of(i);
  const double h_in = (1.0 - ah) * sg;
  const double s_keep = sg == 0.0 ? 1.0 : 0.0;
  const double charge = (i > 0 ? model_.coulombic_efficiency : 1.0) * i;
  const double b1 = (1.0 - c.a1) * i;
  const double b2 = (1.0 - c.a2) * i;
  const double i_sq = i * i;
  const double hm = i * model_.hyst_m_v;
  const double hm0 = i * model_.hyst_m0_v;
  const double rev = i * model_.dudt_v_per_k;
  const double a1 = c.a1;
  const double a2 = c.a2;
  const double heater = in.heat_per_cell_w;

  double* __restrict z = z_.data();
  double* __restrict i1 = i1_.data();
  double* __restrict i2 = i2_.data();
  double* __restrict h = h_.data();
  double* __restrict s = s_.data();
  double* __restrict heat_j = heat_j_.data();
  const double* __restrict rf = r_now_.data();
  const double* __restrict leak = leak_now_a_.data();
  const double* __restrict inv_q = inv_q_as_.data();
  const double* __restrict r0 = r0_.data();
  const double* __restrict r1 = r1_.data();
  const double* __restrict r2 = r2_.data();
  const double* __restrict temp = temp_pad_.data() + 1;
  const int n = n_;
  // The arrays are distinct (struct-of-arrays); telling the compiler lets it vectorise.
#pragma GCC ivdep
  for (int k = 0; k < n; ++k) {
    // Heat: Joule heat in each resistor with its own current (a relaxing RC pair still warms the
    // cell at rest), the hysteresis loss, and the reversible (entropic) part.
    const double joule = rf[k] * (r0[k] * i_sq + r1[k] * i1[k] * i1[k] + r2[k] * i2[k] * i2[k]);
    heat_j[k] += (joule + hm * h[k] + hm0 * s[k] - rev * (temp[k] + kKelvin) + heater) * dt_s;
    z[k] += (charge - leak[k]) * dt_s * inv_q[k];
    i1[k] = a1 * i1[k] + b1;
    i2[k] = a2 * i2[k] + b2;
    h[k] = ah * h[k] + h_in;
    s[k] = s_keep * s[k] + sg;
  }
}

// The general form of one cell's step, for a cell whose current differs from the series current.
void Pack::advance_extra(const Saved& o, const StepCoeffs& c, const StringInput& in, double dt_s) {
  const int k = o.cell;
  const double extra = extra_a_[k];
  const double i = in.series_current_a + extra;
  const double t = temp_pad_[k + 1];
  const double joule = r_now_[k] * (r0_[k] * i * i + r1_[k] * o.i1 * o.i1 + r2_[k] * o.i2 * o.i2);
  const double heat_w = joule + i * (model_.hyst_m_v * o.h + model_.hyst_m0_v * o.s) -
                        i * (t + kKelvin) * model_.dudt_v_per_k + in.heat_per_cell_w;
  heat_j_[k] = o.heat_j + heat_w * dt_s;
  z_[k] = o.z +
          ((i > 0 ? model_.coulombic_efficiency : 1.0) * i - leak_now_a_[k]) * dt_s * inv_q_as_[k];
  i1_[k] = c.a1 * o.i1 + (1.0 - c.a1) * i;
  i2_[k] = c.a2 * o.i2 + (1.0 - c.a2) * i;
  const double ah = std::exp(-std::fabs(i) * dt_s * hyst_rate_per_as_);
  const double sg = sign_of(i);
  h_[k] = ah * o.h + (1.0 - ah) * sg;
  s_[k] = sg != 0.0 ? sg : o.s;
  extra_ah_[k] += extra * dt_s / 3600.0;
}

// How far the temperatures could have moved since the last update: the steepest slope it left
// over the time since, plus what cell 0's heat differs from its rate then (all cells carry the
// same series current), plus the ambient's change. Updating once that reaches kThermalTolK (5 mK)
// keeps every temperature within 10 mK of an update every second (the NTCs read 0.1 K; tested in
// pack_test.cpp); at a home battery's currents that is the longest step, 10 s, and under a hard
// cycle about 1 s.
bool Pack::thermal_due(double ambient_c) const {
  constexpr double kThermalTolK = 0.005;
  if (thermal_pending_s_ >= thermal_max_step_s_) return true;
  const double heat_change_j = heat_j_[0] - heat_mark_j_[0] - thermal_heat_w0_ * thermal_pending_s_;
  const double ambient_slope = std::fabs(ambient_c - thermal_ambient_c_) * thermal_rate_[0];
  return (thermal_slope_k_per_s_ + ambient_slope) * thermal_pending_s_ +
             std::fabs(heat_change_j) * thermal_k_per_j_ >
         kThermalTolK;
}

// Each cell relaxes exactly (exponentially) towards the temperature its surroundings and its
// heat would hold it at; neighbours enter with their temperature at the middle of the step. The
// target is a convex mix of temperatures plus heat / G, so the update is stable for any dt.
// The update runs once per thermal step (1 to 10 s, see thermal_due()) with each cell's mean
// heat over it, not every electrical step: a cell's thermal time constant is about 20 minutes,
// so the temperature moves by millikelvins in a thermal step (docs/simulator.md; tested against
// the update every step). The temperature-dependent factors are refreshed in the same pass.
void Pack::advance_thermal(double ambient_c) {
  const double span_s = thermal_pending_s_;
  thermal_pending_s_ = 0.0;
  ++thermal_updates_;
  flush_leaks();  // at the old temperature
  // temp_pad_ has n + 2 entries: a zero sentinel on each side, so cell k sits at k + 1 and its
  // neighbours need no test (their weights are 0 at the ends).
  const double* __restrict old_t = temp_pad_.data();
  double* __restrict guess_t = temp_guess_.data();
  double* __restrict new_t = temp_next_.data();
  const double* __restrict heat_j = heat_j_.data();
  double* __restrict mark = heat_mark_j_.data();
  double* __restrict own_w = thermal_own_w_.data();
  double* __restrict decay = thermal_decay_.data();
  const double* __restrict rate = thermal_rate_.data();
  const double* __restrict g_amb = g_amb_.data();
  const double* __restrict g_left = g_left_.data();
  const double* __restrict g_right = g_right_.data();
  const double* __restrict inv_g = inv_g_total_.data();
  const double inv_span = 1.0 / span_s;
  const int n = n_;
  thermal_ambient_c_ = ambient_c;
  thermal_heat_w0_ = (heat_j[0] - mark[0]) * inv_span;
  // First pass: each cell with its neighbours held where they were (a guess).
#pragma GCC ivdep
  for (int k = 0; k < n; ++k) {
    own_w[k] = g_amb[k] * ambient_c + (heat_j[k] - mark[k]) * inv_span;
    mark[k] = heat_j[k];
    const double target = (own_w[k] + g_left[k] * old_t[k] + g_right[k] * old_t[k + 2]) * inv_g[k];
    // exp(-x) by its series while x is small (a thermal step of seconds: x ~ 1e-3, error
    // x^4 / 24 ~ 1e-13), else the library call.
    const double x = span_s * rate[k];
    decay[k] = x < 1e-2 ? 1.0 - x * (1.0 - x * (0.5 - x * (1.0 / 6.0))) : std::exp(-x);
    guess_t[k + 1] = target + (old_t[k + 1] - target) * decay[k];
  }
  // Second pass: the neighbours at the middle of the step (between where they were and the
  // guess). Holding them for the whole step would make a warming pack lag by a share of the step
  // that grows with it; with the midpoint a 10 s step stays within millikelvins of 1 s steps.
  double slope = 0.0;
#pragma GCC ivdep
  for (int k = 0; k < n; ++k) {
    const double left = 0.5 * (old_t[k] + guess_t[k]);
    const double right = 0.5 * (old_t[k + 2] + guess_t[k + 2]);
    const double target = (own_w[k] + g_left[k] * left + g_right[k] * right) * inv_g[k];
    new_t[k + 1] = target + (old_t[k + 1] - target) * decay[k];
    slope = std::max(slope, std::fabs(target - new_t[k + 1]) * rate[k]);
  }
  thermal_slope_k_per_s_ = slope;
  temp_pad_.swap(temp_next_);
  for (int k = 0; k < n; ++k) refresh_temperature_factors(k);
}

Thevenin Pack::thevenin() const {
  Thevenin th;
  for_each_emf([&](int k, double emf) {
    const double r0 = r0_ohm(k);
    th.e_v += emf + r0 * extra_a_[k];
    th.r_ohm += r0 + link_ohm_;
  });
  return th;
}

void Pack::voltages_v(double series_current_a, bool with_extra, std::span<double> out) const {
  if (static_cast<int>(out.size()) < n_) return;
  const double keep = with_extra ? 1.0 : 0.0;
  for_each_emf([&](int k, double emf) {
    out[k] = emf + r0_ohm(k) * (series_current_a + keep * extra_a_[k]);
  });
}

double Pack::ocv_v(int cell) const {
  return ocv_.at(z_[cell]) + model_.dudt_v_per_k * (temp_pad_[cell + 1] - 25.0);
}

double Pack::hysteresis_v(int cell) const {
  return model_.hyst_m_v * h_[cell] + model_.hyst_m0_v * s_[cell];
}

double Pack::voltage_without_extra_v(int cell, double series_current_a) const {
  return emf_v(cell) + r0_ohm(cell) * series_current_a;
}

double Pack::voltage_v(int cell, double series_current_a) const {
  return emf_v(cell) + r0_ohm(cell) * (series_current_a + extra_a_[cell]);
}

double Pack::nominal_voltage_v() const {
  return n_ * ocv_.at(0.5);
}

}  // namespace softbms::sim
