#include "protocols/inverter/keepalive.hpp"

namespace softbms::protocols::inverter {

bool InverterLink::on_frame(const CanFrame& f, Milliseconds now) {
  if (f.id != kKeepAliveId || (f.extended && !options_.accept_extended)) return false;
  last_ = now;
  ++count_;
  state_ = LinkState::present;
  return true;
}

LinkState InverterLink::step(Milliseconds now) {
  if (state_ == LinkState::present && now - last_ >= options_.timeout) {
    state_ = LinkState::lost;
    ++losses_;
  }
  return state_;
}

core::ChargeResult apply_fail_safe(core::ChargeResult r, LinkState state, FailSafe mode) {
  if (state != LinkState::lost || mode == FailSafe::none) return r;
  r.limits.charge_current = Milliamps(0);
  r.request.charge_enable = false;
  r.request.force_charge_1 = false;
  r.request.force_charge_2 = false;
  r.request.full_charge = false;
  if (mode == FailSafe::stop_both) {
    r.limits.discharge_current = Milliamps(0);
    r.request.discharge_enable = false;
  }
  return r;
}

}  // namespace softbms::protocols::inverter
