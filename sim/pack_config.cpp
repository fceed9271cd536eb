#include "sim/pack_config.hpp"

namespace softbms::sim {
namespace {

Status field_error(ConfigField f) {
  return Status(Errc::out_of_range, static_cast<uint16_t>(f));
}

bool in(double x, double lo, double hi) {
  return x >= lo && x <= hi;
}

}  // namespace

Status validate(const PackConfig& c) {
  if (c.cells < 1 || c.cells > kMaxSimCells) return field_error(ConfigField::cells);
  if (!(c.capacity_ah > 0.0)) return field_error(ConfigField::capacity);
  if (!in(c.initial_soc, 0.0, 1.0)) return field_error(ConfigField::initial_soc);
  if (c.battery_sensors < 0 || c.battery_sensors > kMaxBatterySensors) {
    return field_error(ConfigField::battery_sensors);
  }
  for (double s : {c.capacity_spread, c.resistance_spread, c.soc_spread, c.self_discharge_spread,
                   c.lead_resistance_spread, c.adc_gain_spread}) {
    if (!(s >= 0.0)) return field_error(ConfigField::spread);
  }
  if (!in(c.balancer_efficiency, 1e-3, 1.0) || !in(c.balancer_effective_ratio, 0.0, 1.0) ||
      !(c.board_heat_capacity_j_per_k > 0) || !(c.board_to_ambient_w_per_k > 0) ||
      !(c.terminal_sense_ohm > 0) || !(c.max_substep_s > 0) || !(c.fast_substep_us > 0)) {
    return field_error(ConfigField::board);
  }
  if (!(c.ntc_r25_ohm > 0) || !(c.ntc_beta_k > 0)) return field_error(ConfigField::sensor);
  return ok_status();
}

}  // namespace softbms::sim
