// The plant: the pack, its board and the world, stepped together. Each step consumes the core's
// Outputs and returns the Measurements the board would take at the end of the step. The plant
// sub-steps where physics needs it: at every scheduled change of the world and, while the
// current is above the short-circuit threshold, in fast sub-steps so that the comparator trips
// after exactly scp_delay. Same config, same world, same outputs: the same result, bit for bit.
#pragma once

#include <cstdint>

#include "core/io/measurements.hpp"
#include "core/io/outputs.hpp"
#include "sim/pack.hpp"
#include "sim/pack_config.hpp"
#include "sim/power_path.hpp"
#include "sim/sensors.hpp"
#include "sim/world.hpp"

namespace softbms::sim {

// Running totals of true quantities, for the simulator's summary and for physics checks.
struct PlantTotals {
  double charge_in_ah = 0.0;  // through the terminals
  double charge_out_ah = 0.0;
  double energy_in_wh = 0.0;
  double energy_out_wh = 0.0;
  double balancer_out_ah = 0.0;  // taken from source cells
  double balancer_in_ah = 0.0;   // delivered to sink cells
  double balancer_out_wh = 0.0;
  double balancer_in_wh = 0.0;
  double balancer_loss_wh = 0.0;  // heat on the board
  double heater_wh = 0.0;
  double fet_heat_wh = 0.0;
  double board_ah = 0.0;  // the board's own consumption
  uint32_t scp_trips = 0;
};

class Plant {
 public:
  explicit Plant(const PackConfig& config, World world = {});

  core::Measurements step(const core::Outputs& out, double dt_s);

  [[nodiscard]] const Pack& pack() const { return pack_; }
  Pack& pack() { return pack_; }
  [[nodiscard]] const World& world() const { return world_; }
  World& world() { return world_; }
  [[nodiscard]] const PackConfig& config() const { return config_; }
  [[nodiscard]] const PlantTotals& totals() const { return totals_; }

  [[nodiscard]] double time_s() const { return static_cast<double>(now_us_) / 1e6; }
  [[nodiscard]] double board_temp_c() const { return board_c_; }
  [[nodiscard]] double sensor_temp_c(int input) const { return sensors_.sensor_temp_c(input); }
  [[nodiscard]] const Sensors& sensors() const { return sensors_; }
  // The last sub-step's true values.
  [[nodiscard]] double pack_current_a() const { return pack_a_; }      // + = charge
  [[nodiscard]] double series_current_a() const { return series_a_; }  // through the cells
  [[nodiscard]] double terminal_voltage_v() const { return terminal_v_; }
  [[nodiscard]] FetState fets() const { return fets_; }
  [[nodiscard]] bool scp_latched() const { return scp_latched_; }
  [[nodiscard]] double balancer_source_a() const { return bal_src_a_; }
  [[nodiscard]] double balancer_sink_a() const { return bal_sink_a_; }
  [[nodiscard]] double heater_a() const { return heater_a_; }
  [[nodiscard]] double load_capacitor_v() const { return cap_v_; }

 private:
  struct Sub {
    WorldState world;
    PathParams path;
    Demand demand;
    OperatingPoint op;
    double aux_a =
        0.0;  // heater (without a charger) and board, drawn from the cells past the shunt
    double board_a = 0.0;
    double bal_loss_w = 0.0;
    double board_w = 0.0;
  };

  void prepare(const core::Outputs& out, double t_s, Sub& s);
  void apply_balancer(const core::Outputs& out, const WorldState& world, bool awake);
  Demand demand(const WorldState& world, double string_v, double terminal_v) const;
  void advance(const Sub& s, int64_t dt_us);
  void charge_capacitor(const Sub& s, double dt_s);
  core::Measurements measure(const WorldState& world);

  PackConfig config_;
  Pack pack_;
  World world_;
  Sensors sensors_;
  int64_t now_us_ = 0;
  int64_t comparator_us_ = 0;
  bool scp_latched_ = false;
  double board_c_ = 25.0;
  double pack_a_ = 0.0;
  double series_a_ = 0.0;
  double terminal_v_ = 0.0;
  double heater_a_ = 0.0;
  double bal_src_a_ = 0.0;
  double bal_sink_a_ = 0.0;
  double bal_v_src_ = 0.0;
  double bal_v_sink_ = 0.0;
  double heater_ohm_ = 0.0;
  double cap_v_ = 0.0;        // the load capacitors' voltage
  double board_dt_s_ = -1.0;  // the step board_decay_ is for
  double board_decay_ = 1.0;
  FetState fets_;
  PathParams path_;  // the last sub-step's path, for the measurement
  bool awake_ = true;
  PlantTotals totals_;
};

}  // namespace softbms::sim
