// Everything that describes one simulated pack and its board. Defaults are a 16S 280 Ah LFP pack
// on a JK-B2A8S20P-class board; every default and its source is listed in docs/simulator.md.
#pragma once

#include <cstdint>
#include <optional>

#include "core/base/status.hpp"
#include "sim/chemistry.hpp"

namespace softbms::sim {

inline constexpr int kMaxSimCells = 32;
inline constexpr int kMaxBatterySensors = 5;  // T1..T5; the MOS sensor is always present

// Which field a validation error points at (Status::detail).
enum class ConfigField : uint16_t {
  cells,
  capacity,
  initial_soc,
  battery_sensors,
  spread,
  board,
  sensor
};

struct PackConfig {
  Chemistry chemistry = Chemistry::lfp;
  int cells = 16;
  double capacity_ah = 280.0;
  double initial_soc = 0.5;  // 0..1, the pack's mean
  uint64_t seed = 1;
  int battery_sensors = 2;              // T1..Tn besides the MOS sensor
  double initial_temp_c = 25.0;         // cells and board start here
  std::optional<CellModel> cell_model;  // empty: the chemistry's default

  // Manufacturing spread, one sigma (cut at 3 sigma).
  double capacity_spread = 0.01;       // relative
  double resistance_spread = 0.05;     // relative
  double soc_spread = 0.005;           // absolute SOC
  double self_discharge_spread = 0.3;  // relative

  // Cell thermal network; 0 = derived from the capacity (see docs).
  double cell_heat_capacity_j_per_k = 0.0;
  double cell_to_ambient_w_per_k = 0.0;
  double cell_to_neighbour_w_per_k = 0.0;

  // Power path. JK-B2A8S20P main-circuit resistance is 0.3 mOhm: FETs 0.2, shunt 0.1.
  double link_resistance_mohm = 0.1;    // busbar per cell
  double fet_on_resistance_mohm = 0.2;  // charge and discharge FET together
  double shunt_resistance_mohm = 0.1;
  double body_diode_drop_v = 0.7;
  double terminal_sense_ohm = 100e3;  // P+/P- divider: defines the terminal with nothing connected
  // An inverter's input capacitors across P+/P- (0 = none) and their series resistance (ESR and
  // the DC cables); the board's precharge resistor around the discharge FET.
  double load_capacitance_mf = 0.0;
  double load_capacitor_mohm = 20.0;
  double precharge_ohm = 20.0;

  // Board (heatsink with the MOS sensor) and its own consumption, drawn from the cells.
  double board_heat_capacity_j_per_k = 150.0;
  double board_to_ambient_w_per_k = 0.4;
  double board_awake_ma = 25.0;  // [M-B2A]: 25 mA at 40 V while balancing
  double board_sleep_ma = 0.5;

  // Energy-transfer balancer.
  double balancer_max_a = 2.0;              // nominal rating
  double balancer_effective_ratio = 0.675;  // measured 1.35 A on a "2 A" JK
  double balancer_efficiency = 0.8;         // energy into the sink / energy out of the source
  bool adc_sees_balancing = false;          // false: the ADC samples while the balancer pauses

  // Cell ADC.
  double adc_noise_mv = 1.0;
  double adc_lsb_mv = 1.0;
  double adc_offset_spread_mv = 1.0;
  double adc_gain_spread = 0.0005;

  // Shunt.
  double shunt_offset_a = 0.05;
  double shunt_gain_error = 0.003;
  double shunt_noise_a = 0.03;
  double shunt_lsb_a = 0.01;

  // NTC 10 kOhm at 25 °C ([M-PB]), beta 3950 K, first-order lag to the body it sits on.
  double ntc_r25_ohm = 10000.0;
  double ntc_beta_k = 3950.0;
  double battery_ntc_tau_s = 20.0;
  double mos_ntc_tau_s = 5.0;

  // Balance leads: n + 1 leads for n cells; the self-test of cell k sees leads k and k + 1.
  double lead_resistance_mohm = 25.0;
  double lead_resistance_spread = 0.2;  // relative
  double wire_test_noise_mohm = 1.0;

  // Heater pad, powered from the cells (not through the main shunt); 0 W = no pad.
  double heater_power_w = 100.0;  // at the nominal pack voltage (50 % SOC OCV)

  // Short-circuit comparator and sub-stepping.
  double scp_current_a = 700.0;  // used when Outputs::scp_current is 0
  double fast_substep_us = 10.0;
  double max_substep_s = 1.0;
  // The cells' thermal network is updated with each cell's mean heat at most once per
  // thermal_step_s (0: every step) and at least once per thermal_max_step_s; in between, as soon
  // as the temperatures would have moved by more than 5 mK since the last update (the heat, the
  // drift or the ambient changed). Its time constant is about 20 minutes (docs/simulator.md).
  double thermal_step_s = 1.0;
  double thermal_max_step_s = 10.0;

  // Ageing (docs/simulator.md, "Ageing"): off by default so that short runs start from new cells
  // and stay comparable. ageing_spread: one sigma of each cell's ageing rate (relative, cut at
  // 3 sigma); ageing_speed multiplies every rate (1 = the papers' rates).
  bool ageing = false;
  double ageing_spread = 0.1;
  double ageing_speed = 1.0;
};

// Checks ranges: cells 1..32, capacity > 0, SOC 0..1, battery sensors 0..5, spreads >= 0,
// efficiencies in (0, 1]. A Pack built from an invalid config clamps instead.
Status validate(const PackConfig& config);

}  // namespace softbms::sim
