// What the core asks of the plant every tick.
#pragma once

#include <cstdint>

#include "core/base/units.hpp"

namespace softbms::core {

inline constexpr uint8_t kNoCell = 0xFF;

struct BalancerCommand {
  bool active = false;
  uint8_t source_cell = kNoCell;  // 0-based, the highest cell (discharged)
  uint8_t sink_cell = kNoCell;    // 0-based, the lowest cell (charged)
  Milliamps current{};            // requested transfer current (magnitude)
};

struct Outputs {
  bool charge_fet = false;
  bool discharge_fet = false;
  bool precharge = false;
  BalancerCommand balancer{};
  bool heater = false;
  bool buzzer = false;
  bool dry_contact1 = false;
  bool dry_contact2 = false;
  bool sleep = false;     // the board powers down (smart sleep or auto shutdown); wakes on charger/button
  bool shutdown = false;  // auto shutdown below power_off_voltage
  // Hardware short-circuit comparator configuration for the front end.
  Microseconds scp_delay{};
  Milliamps scp_current{};
};

}  // namespace softbms::core
