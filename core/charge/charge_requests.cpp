#include "core/charge/charge_requests.hpp"

namespace softbms::core {
namespace {

bool hold(bool was, uint8_t soc, SocBand band) {
  if (soc <= band.on_at) return true;
  if (soc >= band.off_at) return false;
  return was;
}

}  // namespace

ChargeRequest ChargeRequests::step(Milliseconds now, uint8_t soc_percent, Milliamps charge_current,
                                   Milliamps discharge_current) {
  // The 30 days count from the first tick: a board does not know its history before boot.
  if (!started_ || soc_percent >= kFullChargeSoc) last_full_ = now;
  started_ = true;
  force1_ = hold(force1_, soc_percent, kForceCharge1);
  force2_ = hold(force2_, soc_percent, kForceCharge2);
  ChargeRequest r;
  r.charge_enable = charge_current.count() > 0;
  r.discharge_enable = discharge_current.count() > 0;
  // Asking for a charge the battery would refuse only confuses the inverter.
  r.force_charge_1 = force1_ && r.charge_enable;
  r.force_charge_2 = force2_ && r.charge_enable;
  r.full_charge = r.charge_enable && now - last_full_ >= to_ms(kFullChargeInterval);
  return r;
}

}  // namespace softbms::core
