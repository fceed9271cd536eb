#include "sim/sensors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace softbms::sim {
namespace {

enum RngStream : uint64_t { kStreamParts = 2, kStreamNoise = 3 };

constexpr double kKelvin = 273.15;

int32_t to_i32(double x) {
  constexpr double kMax = std::numeric_limits<int32_t>::max();
  return static_cast<int32_t>(std::llround(std::clamp(x, -kMax, kMax)));
}

double quantise(double x, double lsb) {
  return lsb > 0 ? std::round(x / lsb) * lsb : x;
}

bool lead_open(uint64_t open_leads, int lead) {
  return ((open_leads >> lead) & 1U) != 0;
}

}  // namespace

double ntc_ohms(double r25_ohm, double beta_k, double celsius) {
  return r25_ohm * std::exp(beta_k * (1.0 / (celsius + kKelvin) - 1.0 / (25.0 + kKelvin)));
}

Sensors::Sensors(const PackConfig& config, int cells)
    : config_(config), cells_(cells), noise_(config.seed, kStreamNoise) {
  Rng parts(config.seed, kStreamParts);
  for (int k = 0; k < cells_; ++k) {
    adc_gain_.push_back(1.0 + parts.spread(config.adc_gain_spread));
    adc_offset_v_.push_back(parts.spread(config.adc_offset_spread_mv) * 1e-3);
  }
  for (int j = 0; j <= cells_; ++j) {
    lead_ohm_.push_back(config.lead_resistance_mohm * 1e-3 *
                        std::max(0.1, 1.0 + parts.spread(config.lead_resistance_spread)));
  }
  const int m = std::clamp(config.battery_sensors, 0, kMaxBatterySensors);
  sensor_c_.assign(static_cast<std::size_t>(m + 1), config.initial_temp_c);
  // Battery sensors spread evenly along the string, each at the centre of its share.
  for (int j = 0; j < m; ++j) sensor_cell_.push_back((2 * j + 1) * cells_ / (2 * m));
}

void Sensors::track(const Pack& pack, double board_c, double dt_s) {
  const auto follow = [dt_s](double& sensor, double body, double tau_s) {
    const double a = tau_s > 0 ? std::exp(-dt_s / tau_s) : 0.0;
    sensor = body + (sensor - body) * a;
  };
  follow(sensor_c_[0], board_c, config_.mos_ntc_tau_s);
  for (std::size_t j = 1; j < sensor_c_.size(); ++j) {
    follow(sensor_c_[j], pack.temperature_c(sensor_cell_[j - 1]), config_.battery_ntc_tau_s);
  }
}

void Sensors::read(const Pack& pack, const SensedTruth& truth, const WorldState& world,
                   core::Measurements& m) {
  read_cells(pack, truth, world.open_leads, m);
  read_current(truth, world, m);
  read_ntcs(world, m);
  read_wires(world.open_leads, m);
}

// The ADC measures lead-to-lead. A floating (open) lead is pulled to the nearest connected lead
// below it, so the cell under it reads 0 V and the cell above reads both cells.
void Sensors::read_cells(const Pack& pack, const SensedTruth& truth, uint64_t open_leads,
                         core::Measurements& m) {
  std::array<double, kMaxSimCells + 1> tap{};
  double sum = 0.0;
  for (int k = 0; k < cells_; ++k) {
    const double v = config_.adc_sees_balancing ? pack.voltage_v(k, truth.series_a)
                                                : pack.voltage_without_extra_v(k, truth.series_a);
    sum += v;
    tap[k + 1] = sum;
  }
  if (lead_open(open_leads, 0)) tap[0] = tap[1];
  for (int j = 1; j <= cells_; ++j) {
    if (lead_open(open_leads, j)) tap[j] = tap[j - 1];
  }
  for (int k = 0; k < cells_; ++k) {
    const double v = (tap[k + 1] - tap[k]) * adc_gain_[k] + adc_offset_v_[k] +
                     noise_.normal() * config_.adc_noise_mv * 1e-3;
    m.cell_raw[k] = Millivolts(to_i32(std::max(0.0, quantise(v * 1000.0, config_.adc_lsb_mv))));
  }
}

void Sensors::read_current(const SensedTruth& truth, const WorldState& world,
                           core::Measurements& m) {
  double amps = truth.pack_a * (1.0 + config_.shunt_gain_error) + config_.shunt_offset_a +
                noise_.normal() * config_.shunt_noise_a;
  if (world.current_sensor_failed) amps = world.current_sensor_a;
  m.current_raw = Milliamps(to_i32(quantise(amps, config_.shunt_lsb_a) * 1000.0));
}

void Sensors::read_ntcs(const WorldState& world, core::Measurements& m) {
  for (std::size_t j = 0; j < sensor_c_.size(); ++j) {
    const uint8_t fault = world.sensor_fault[j];
    const double ohms = fault == 1 ? 0.0
                        : fault == 2
                            ? kShortedNtcOhms
                            : ntc_ohms(config_.ntc_r25_ohm, config_.ntc_beta_k, sensor_c_[j]);
    m.ntc[j] = Ohms(to_i32(ohms));
  }
}

void Sensors::read_wires(uint64_t open_leads, core::Measurements& m) {
  for (int k = 0; k < cells_; ++k) {
    if (lead_open(open_leads, k) || lead_open(open_leads, k + 1)) {
      m.wire_resistance[k] = Milliohms(kOpenWireMilliohms);
      continue;
    }
    const double mohm =
        (lead_ohm_[k] + lead_ohm_[k + 1]) * 1000.0 + noise_.normal() * config_.wire_test_noise_mohm;
    m.wire_resistance[k] = Milliohms(std::clamp(to_i32(mohm), 0, kOpenWireMilliohms));
  }
}

}  // namespace softbms::sim
