// The core in closed loop with the simulated pack: the one place where Plant and Bms meet.
// `softbms sim` runs it as fast as the machine allows, `softbms run` paces it to the wall clock.
#pragma once

#include <cstdint>

#include "core/bms/bms.hpp"
#include "core/settings/settings.hpp"
#include "sim/plant.hpp"

namespace softbms::sim {

class ClosedLoop {
 public:
  // period: the core's control period (the plant sub-steps inside it where physics needs it).
  ClosedLoop(const PackConfig& pack, World world, const core::Settings& settings,
             Milliseconds period = Milliseconds(100));

  // One control period: the plant runs for the period under the last outputs, then the core
  // steps on what the plant measured.
  void tick();
  // Ticks until now() >= t.
  void run_until(Milliseconds t);
  // One control period with the board unpowered (a power cut): the plant runs with every
  // output off and the core does not step. Replace bms() before ticking again.
  void tick_unpowered();

  [[nodiscard]] Milliseconds now() const { return now_; }
  [[nodiscard]] Milliseconds period() const { return period_; }
  [[nodiscard]] core::Bms& bms() { return bms_; }
  [[nodiscard]] const core::Bms& bms() const { return bms_; }
  [[nodiscard]] Plant& plant() { return plant_; }
  [[nodiscard]] const Plant& plant() const { return plant_; }
  [[nodiscard]] const core::Measurements& measurements() const { return measured_; }
  [[nodiscard]] uint64_t ticks() const { return ticks_; }

 private:
  Plant plant_;
  core::Bms bms_;
  Milliseconds period_;
  Milliseconds now_{};
  core::Measurements measured_{};
  uint64_t ticks_ = 0;
};

// A PackConfig that matches the settings (chemistry, cell count, capacity) with the defaults
// of the plant for everything else.
PackConfig pack_for(const core::Settings& settings, double initial_soc, uint64_t seed);

}  // namespace softbms::sim
