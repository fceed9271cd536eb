#include "sim/sensors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace softbms::sim {
namespace {

enum RngStream : uint64_t { kStreamParts = 2, kStreamNoise = 3 };

constexpr double kKelvin = 273.15;
// Largest exponent for which the NTC reading is carried by a series instead of exp(): the
// series' error is below x^4 / 24 = 4e-14 of the resistance (see ntc_reading_ohms).
constexpr double kNtcSeriesLimit = 1e-3;

// Rounds half away from zero like std::llround, without the library call: the sensors round
// about 40 values per step.
int64_t round_half_away(double x) {
  return static_cast<int64_t>(x < 0.0 ? x - 0.5 : x + 0.5);
}

int32_t to_i32(double x) {
  constexpr double kMax = std::numeric_limits<int32_t>::max();
  return static_cast<int32_t>(round_half_away(std::clamp(x, -kMax, kMax)));
}

// x on a grid of lsb; inv_lsb = 1 / lsb (a multiply per value, not a division), 0 for no grid.
double quantise(double x, double lsb, double inv_lsb) {
  if (inv_lsb <= 0.0) return x;
  constexpr double kMaxSteps = 9.0e18;  // inside int64_t
  return static_cast<double>(round_half_away(std::clamp(x * inv_lsb, -kMaxSteps, kMaxSteps))) * lsb;
}

double inverse_or_zero(double x) {
  return x > 0.0 ? 1.0 / x : 0.0;
}

bool lead_open(uint64_t open_leads, int lead) {
  return ((open_leads >> lead) & 1U) != 0;
}

}  // namespace

double ntc_ohms(double r25_ohm, double beta_k, double celsius) {
  return r25_ohm * std::exp(beta_k * (1.0 / (celsius + kKelvin) - 1.0 / (25.0 + kKelvin)));
}

Sensors::Sensors(const PackConfig& config, int cells)
    : config_(config),
      cells_(std::clamp(cells, 0, kMaxSimCells)),
      noise_(config.seed, kStreamNoise),
      adc_inv_lsb_mv_(inverse_or_zero(config.adc_lsb_mv)),
      shunt_inv_lsb_a_(inverse_or_zero(config.shunt_lsb_a)) {
  Rng parts(config.seed, kStreamParts);
  for (int k = 0; k < cells_; ++k) {
    adc_gain_.push_back(1.0 + parts.spread(config.adc_gain_spread));
    adc_offset_v_.push_back(parts.spread(config.adc_offset_spread_mv) * 1e-3);
  }
  for (int j = 0; j <= cells_; ++j) {
    lead_ohm_.push_back(config.lead_resistance_mohm * 1e-3 *
                        std::max(0.1, 1.0 + parts.spread(config.lead_resistance_spread)));
  }
  for (int k = 0; k < cells_; ++k) wire_mohm_.push_back((lead_ohm_[k] + lead_ohm_[k + 1]) * 1000.0);
  const int m = std::clamp(config.battery_sensors, 0, kMaxBatterySensors);
  sensor_c_.assign(static_cast<std::size_t>(m) + 1, config.initial_temp_c);
  ntc_anchor_inv_k_.assign(sensor_c_.size(), 0.0);  // 0: no anchor yet, the first read uses exp()
  ntc_anchor_ohm_.assign(sensor_c_.size(), 0.0);
  // Battery sensors spread evenly along the string, each at the centre of its share.
  for (int j = 0; j < m; ++j) sensor_cell_.push_back((2 * j + 1) * cells_ / (2 * m));
}

void Sensors::track(const Pack& pack, double board_c, double dt_s) {
  if (dt_s != lag_dt_s_) {  // the step is the control period nearly always: exp() once
    lag_dt_s_ = dt_s;
    const auto decay = [dt_s](double tau_s) { return tau_s > 0 ? std::exp(-dt_s / tau_s) : 0.0; };
    mos_lag_ = decay(config_.mos_ntc_tau_s);
    battery_lag_ = decay(config_.battery_ntc_tau_s);
  }
  const auto follow = [](double& sensor, double body, double a) {
    sensor = body + (sensor - body) * a;
  };
  follow(sensor_c_[0], board_c, mos_lag_);
  for (std::size_t j = 1; j < sensor_c_.size(); ++j) {
    follow(sensor_c_[j], pack.temperature_c(sensor_cell_[j - 1]), battery_lag_);
  }
}

void Sensors::read(const Pack& pack, const SensedTruth& truth, const WorldState& world,
                   core::Measurements& m) {
  // One batch of noise for the step, drawn whatever the faults: a cell's noise does not depend on
  // whether another cell's lead is open.
  const auto n = static_cast<std::size_t>(cells_);
  std::array<double, kNoisePerStep> noise;
  noise_.fill_fast_normal(std::span(noise).first(2 * n + 1));
  read_cells(pack, truth, world, std::span(noise).first(n), m);
  read_current(truth, world, noise[2 * n], m);
  read_ntcs(world, m);
  read_wires(world.open_leads, std::span(noise).subspan(n, n), m);
}

// The ADC measures lead-to-lead. A floating (open) lead is pulled to the nearest connected lead
// below it, so the cell under it reads 0 V and the cell above reads both cells.
void Sensors::read_cells(const Pack& pack, const SensedTruth& truth, const WorldState& world,
                         std::span<const double> noise, core::Measurements& m) {
  std::array<double, kMaxSimCells> cell_v{};
  pack.voltages_v(truth.series_a, config_.adc_sees_balancing, cell_v);
  if (world.open_leads != 0 || world.leads_remapped) leads_to_cells(world, cell_v);
  cell_v[0] += truth.lead0_v;
  const double noise_v = config_.adc_noise_mv * 1e-3;
  for (int k = 0; k < cells_; ++k) {
    const double v = cell_v[k] * adc_gain_[k] + adc_offset_v_[k] + noise[k] * noise_v;
    const double mv = quantise(v * 1000.0, config_.adc_lsb_mv, adc_inv_lsb_mv_);
    m.cell_raw[k] = Millivolts(to_i32(std::max(0.0, mv)));
  }
}

// What the ADC sees between taps when leads are open: a floating lead sits at the connected lead
// below it, so the cells are differences of the tap voltages.
// A lead on another node (swapped, moved) reads that node's voltage; a cell whose upper lead
// sits below its lower one reads negative, which the ADC shows as 0.
void Sensors::leads_to_cells(const WorldState& world,
                             std::span<double, kMaxSimCells> cell_v) const {
  const uint64_t open_leads = world.open_leads;
  std::array<double, kMaxSimCells + 1> node{};
  double sum = 0.0;
  for (int k = 0; k < cells_; ++k) {
    sum += cell_v[k];
    node[k + 1] = sum;
  }
  std::array<double, kMaxSimCells + 1> tap = node;
  for (int j = 0; j <= cells_; ++j) {
    const int to = world.lead_node[static_cast<std::size_t>(j)] - 1;
    if (to >= 0 && to <= cells_) tap[j] = node[to];
  }
  if (lead_open(open_leads, 0)) tap[0] = tap[1];
  for (int j = 1; j <= cells_; ++j) {
    if (lead_open(open_leads, j)) tap[j] = tap[j - 1];
  }
  for (int k = 0; k < cells_; ++k) cell_v[k] = tap[k + 1] - tap[k];
}

void Sensors::read_current(const SensedTruth& truth, const WorldState& world, double noise,
                           core::Measurements& m) {
  double amps = truth.pack_a * (1.0 + config_.shunt_gain_error) + config_.shunt_offset_a +
                noise * config_.shunt_noise_a;
  if (world.current_sensor_failed) amps = world.current_sensor_a;
  m.current_raw = Milliamps(to_i32(quantise(amps, config_.shunt_lsb_a, shunt_inv_lsb_a_) * 1000.0));
}

void Sensors::read_ntcs(const WorldState& world, core::Measurements& m) {
  for (std::size_t j = 0; j < sensor_c_.size(); ++j) {
    const uint8_t fault = world.sensor_fault[j];
    const double ohms = fault == 1 ? 0.0 : fault == 2 ? kShortedNtcOhms : ntc_reading_ohms(j);
    m.ntc[j] = Ohms(to_i32(ohms));
  }
}

// R(T) of sensor j's NTC. A sensor moves by millikelvins per step, so R is carried from the last
// exact value by exp(x) = 1 + x + x^2/2 + x^3/6 with x = beta (1/T - 1/T_anchor) while |x| is
// small (0.02 K at 25 °C), and taken from exp() again after a larger move.
double Sensors::ntc_reading_ohms(std::size_t j) {
  const double inv_k = 1.0 / (sensor_c_[j] + kKelvin);
  const double x = config_.ntc_beta_k * (inv_k - ntc_anchor_inv_k_[j]);
  if (std::fabs(x) > kNtcSeriesLimit) {
    ntc_anchor_inv_k_[j] = inv_k;
    ntc_anchor_ohm_[j] = ntc_ohms(config_.ntc_r25_ohm, config_.ntc_beta_k, sensor_c_[j]);
    return ntc_anchor_ohm_[j];
  }
  return ntc_anchor_ohm_[j] * (1.0 + x * (1.0 + x * (0.5 + x * (1.0 / 6.0))));
}

void Sensors::read_wires(uint64_t open_leads, std::span<const double> noise,
                         core::Measurements& m) {
  for (int k = 0; k < cells_; ++k) {
    if (((open_leads >> k) & 3U) != 0) {  // lead k or lead k + 1
      m.wire_resistance[k] = Milliohms(kOpenWireMilliohms);
      continue;
    }
    const double mohm = wire_mohm_[k] + noise[k] * config_.wire_test_noise_mohm;
    m.wire_resistance[k] = Milliohms(std::clamp(to_i32(mohm), 0, kOpenWireMilliohms));
  }
}

}  // namespace softbms::sim
