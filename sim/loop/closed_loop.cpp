#include "sim/loop/closed_loop.hpp"

namespace softbms::sim {

PackConfig pack_for(const core::Settings& settings, double initial_soc, uint64_t seed) {
  PackConfig p;
  p.chemistry = settings.chemistry();
  p.cells = settings.cells();
  p.capacity_ah = static_cast<double>(settings.raw(core::Param::design_capacity)) / 1000.0;
  p.initial_soc = initial_soc;
  p.seed = seed;
  p.battery_sensors = core::model(settings.model_id()).temp_sensors;
  p.balancer_max_a = static_cast<double>(core::model(settings.model_id()).max_balance_current.count()) / 1000.0;
  return p;
}

ClosedLoop::ClosedLoop(const PackConfig& pack, World world, const core::Settings& settings,
                       Milliseconds period)
    : plant_(pack, std::move(world)), bms_(settings), period_(period) {
  bms_.boot(now_);
  // The first measurement, before any FET has been decided: both open, as at power-up.
  measured_ = plant_.step(core::Outputs{}, 0.0);
}

void ClosedLoop::tick() {
  measured_ = plant_.step(bms_.outputs(), static_cast<double>(period_.count()) / 1000.0);
  now_ += period_;
  bms_.step(now_, measured_);
  ++ticks_;
}

void ClosedLoop::tick_unpowered() {
  measured_ = plant_.step(core::Outputs{}, static_cast<double>(period_.count()) / 1000.0);
  now_ += period_;
  ++ticks_;
}

void ClosedLoop::run_until(Milliseconds t) {
  while (now_ < t) tick();
}

}  // namespace softbms::sim
