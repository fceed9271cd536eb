// Charge control: every tick, what the BMS tells the inverter (CVL, CCL, DCL, DVL and the
// request flags) from the cells, temperatures, SOC, protection state and settings. Limits fall
// at once and rise with a slew, so an inverter following them cannot oscillate.
// See docs/charge-control.md.
#pragma once

#include "core/base/units.hpp"
#include "core/charge/charge_limits.hpp"
#include "core/charge/charge_requests.hpp"
#include "core/charge/charge_stage.hpp"
#include "core/charge/charge_types.hpp"
#include "core/measure/measured.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

// A current limit rises from 0 to its ceiling in no less than 10 s.
inline constexpr Seconds kCurrentRiseTime{10};
// CVL rises by at most 10 mV per cell per second (160 mV/s for 16S).
inline constexpr Millivolts kCvlRisePerCellPerSecond{10};

class ChargeControl {
 public:
  const ChargeResult& step(Milliseconds now, const Measured& m, const ChargeInputs& in,
                           const Settings& s);
  [[nodiscard]] const ChargeResult& result() const { return result_; }

 private:
  ChargeStageMachine stages_;
  ChargeRequests requests_;
  ChargeResult result_;
  Milliseconds last_{};
  bool started_ = false;
};

// Moves from `from` towards `to`: falls at once, rises by at most `rise_per_s` per second.
template <typename Q>
constexpr Q slew_up(Q from, Q to, Q rise_per_s, Milliseconds dt) {
  if (to <= from) return to;
  int64_t step = static_cast<int64_t>(rise_per_s.count()) * dt.count() / 1000;
  // At least one unit per tick, so a tiny rate on a fast tick still arrives.
  if (step < 1 && dt.count() > 0) step = 1;
  const int64_t next = static_cast<int64_t>(from.count()) + step;
  return next >= static_cast<int64_t>(to.count()) ? to : Q(static_cast<typename Q::rep>(next));
}

}  // namespace softbms::core
