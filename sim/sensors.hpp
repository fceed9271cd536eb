// What the board measures, with the imperfections of real parts: cell ADC (per-channel gain and
// offset, noise, quantisation), shunt (offset, gain error, noise, LSB), NTCs lagging the body
// they sit on, and the balance-lead self-test. Faults change what the sensors report, not the
// physics.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/io/measurements.hpp"
#include "sim/pack.hpp"
#include "sim/rng.hpp"
#include "sim/world.hpp"

namespace softbms::sim {

inline constexpr int32_t kOpenWireMilliohms = 65535;  // the largest value JK's u16 field holds
inline constexpr int32_t kShortedNtcOhms = 5;

// Resistance of the NTC at a temperature (beta model); what the core must invert.
double ntc_ohms(double r25_ohm, double beta_k, double celsius);

// True values the sensors read from, for one instant.
struct SensedTruth {
  double series_a = 0.0;  // through the cells, + = charge
  double pack_a = 0.0;    // through the shunt, + = charge
  double board_c = 25.0;
  double terminal_v = 0.0;
  double lead0_v = 0.0;  // B-/P- reversed: the drop along balance lead 0, added to cell 1
};

class Sensors {
 public:
  Sensors(const PackConfig& config, int cells);

  // Lets the NTCs follow their bodies over dt.
  void track(const Pack& pack, double board_c, double dt_s);
  // Fills the sensor part of the measurements: cell_raw, current_raw, ntc, wire_resistance.
  void read(const Pack& pack, const SensedTruth& truth, const WorldState& world,
            core::Measurements& m);

  [[nodiscard]] double sensor_temp_c(int input) const { return sensor_c_[input]; }
  [[nodiscard]] int ntc_count() const { return static_cast<int>(sensor_c_.size()); }
  [[nodiscard]] int sensor_cell(int battery_sensor) const { return sensor_cell_[battery_sensor]; }
  [[nodiscard]] double lead_ohm(int lead) const { return lead_ohm_[lead]; }

 private:
  // Normal draws per step: one per cell ADC channel, one per wire test, one for the shunt.
  static constexpr std::size_t kNoisePerStep = 2 * kMaxSimCells + 1;

  void read_cells(const Pack& pack, const SensedTruth& truth, const WorldState& world,
                  std::span<const double> noise, core::Measurements& m);
  void leads_to_cells(const WorldState& world, std::span<double, kMaxSimCells> cell_v) const;
  void read_wires(uint64_t open_leads, std::span<const double> noise, core::Measurements& m);
  void read_ntcs(const WorldState& world, core::Measurements& m);
  double ntc_reading_ohms(std::size_t j);
  void read_current(const SensedTruth& truth, const WorldState& world, double noise,
                    core::Measurements& m);

  PackConfig config_;
  int cells_ = 0;
  Rng noise_;
  double adc_inv_lsb_mv_ = 0.0;  // 1 / LSB, 0 for none: a multiply instead of a division
  double shunt_inv_lsb_a_ = 0.0;
  double lag_dt_s_ = -1.0;  // the step the NTC lag factors below are for
  double mos_lag_ = 0.0;
  double battery_lag_ = 0.0;
  std::vector<double> adc_gain_, adc_offset_v_, lead_ohm_;
  std::vector<double> wire_mohm_;  // self-test of cell k without noise: leads k and k + 1
  std::vector<double> sensor_c_;   // [0] MOS, [1..m] battery sensors
  std::vector<int> sensor_cell_;   // battery sensor j -> cell it sits on
  // Per NTC: 1 / T (1/K) and R where exp() was last evaluated (see ntc_reading_ohms()).
  std::vector<double> ntc_anchor_inv_k_, ntc_anchor_ohm_;
};

}  // namespace softbms::sim
