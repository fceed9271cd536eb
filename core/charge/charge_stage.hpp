// JK's charge stages: bulk -> absorption (at RCV, for rcv_time) -> float (at RFV, for rfv_time,
// 0 = unlimited) -> back to bulk below rebulk_soc or when the float time is over. With
// float_mode off the stage stays bulk and CVL stays at RCV.
#pragma once

#include "core/base/units.hpp"
#include "core/io/snapshot.hpp"
#include "core/measure/measured.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

// The pack "has reached RCV" when the average cell is within 10 mV of it or any cell is at it.
inline constexpr Millivolts kReachedTolerance{10};
// rcv_time and rfv_time are in 0.1 h.
inline constexpr Seconds kDeciHour{360};

class ChargeStageMachine {
 public:
  void step(Milliseconds now, const Measured& m, uint8_t soc_percent, const Settings& s);
  [[nodiscard]] ChargeStage stage() const { return stage_; }
  [[nodiscard]] Seconds elapsed(Milliseconds now) const { return to_s(now - since_); }

 private:
  [[nodiscard]] ChargeStage next(Milliseconds now, const Measured& m, uint8_t soc_percent,
                                 const Settings& s) const;
  ChargeStage stage_ = ChargeStage::bulk;
  Milliseconds since_{};
  bool started_ = false;
};

}  // namespace softbms::core
