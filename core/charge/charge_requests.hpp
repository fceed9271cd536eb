// The request flags beside the limits: force charge I/II with SOC hysteresis and the
// full-charge request after 30 days without reaching 97 % (Pylon CAN V1.2, table 5).
#pragma once

#include <cstdint>

#include "core/base/units.hpp"
#include "core/charge/charge_types.hpp"

namespace softbms::core {

struct SocBand {
  uint8_t on_at;   // set at or below
  uint8_t off_at;  // cleared at or above
};
// Pylon US2000B-Plus bands: force charge I at 5-10 %, force charge II at 9-13 %.
inline constexpr SocBand kForceCharge1{5, 10};
inline constexpr SocBand kForceCharge2{9, 13};
inline constexpr uint8_t kFullChargeSoc = 97;
inline constexpr Seconds kFullChargeInterval{int64_t{30} * 24 * 3600};

class ChargeRequests {
 public:
  // charge_current / discharge_current: the targets of this tick; a zero target clears the
  // matching enable, so an inhibit always goes out as flag 0 and limit 0 together.
  ChargeRequest step(Milliseconds now, uint8_t soc_percent, Milliamps charge_current,
                     Milliamps discharge_current);

 private:
  bool force1_ = false;
  bool force2_ = false;
  bool started_ = false;
  Milliseconds last_full_{};
};

}  // namespace softbms::core
