// What the board measures, with the imperfections of real parts: cell ADC (per-channel gain and
// offset, noise, quantisation), shunt (offset, gain error, noise, LSB), NTCs lagging the body
// they sit on, and the balance-lead self-test. Faults change what the sensors report, not the
// physics.
#pragma once

#include <cstdint>
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
  [[nodiscard]] int sensor_cell(int battery_sensor) const { return sensor_cell_[battery_sensor]; }
  [[nodiscard]] double lead_ohm(int lead) const { return lead_ohm_[lead]; }

 private:
  void read_cells(const Pack& pack, const SensedTruth& truth, uint64_t open_leads,
                  core::Measurements& m);
  void read_wires(uint64_t open_leads, core::Measurements& m);
  void read_ntcs(const WorldState& world, core::Measurements& m);
  void read_current(const SensedTruth& truth, const WorldState& world, core::Measurements& m);

  PackConfig config_;
  int cells_ = 0;
  Rng noise_;
  std::vector<double> adc_gain_, adc_offset_v_, lead_ohm_;
  std::vector<double> sensor_c_;  // [0] MOS, [1..m] battery sensors
  std::vector<int> sensor_cell_;  // battery sensor j -> cell it sits on
};

}  // namespace softbms::sim
