#include "core/charge/charge_stage.hpp"

namespace softbms::core {
namespace {

bool reached_rcv(const Measured& m, const Settings& s) {
  const Millivolts rcv = s.mv(Param::request_charge_voltage);
  if (m.cells_present == 0) return false;
  return m.max >= rcv || m.pack >= (rcv - kReachedTolerance) * m.cells_present;
}

Milliseconds stage_time(const Settings& s, Param p) {
  return to_ms(kDeciHour * s.raw(p));
}

}  // namespace

ChargeStage ChargeStageMachine::next(Milliseconds now, const Measured& m, uint8_t soc_percent,
                                     const Settings& s) const {
  if (!s.on(Param::float_mode)) return ChargeStage::bulk;
  const bool at_rcv = reached_rcv(m, s);
  // Re-bulk only once the voltage has left RCV: a low SOC estimate at the top of a charge
  // must not restart the absorption timer for ever.
  const bool rebulk = soc_percent < s.raw(Param::rebulk_soc) && !at_rcv;
  const Milliseconds in_stage = now - since_;
  switch (stage_) {
    case ChargeStage::bulk:
      return at_rcv ? ChargeStage::absorption : ChargeStage::bulk;
    case ChargeStage::absorption:
      if (rebulk) return ChargeStage::bulk;
      return in_stage >= stage_time(s, Param::rcv_time) ? ChargeStage::floating
                                                        : ChargeStage::absorption;
    case ChargeStage::floating: {
      const Milliseconds limit = stage_time(s, Param::rfv_time);
      const bool over = limit.count() > 0 && in_stage >= limit;
      return rebulk || over ? ChargeStage::bulk : ChargeStage::floating;
    }
  }
  return ChargeStage::bulk;  // an out-of-range stage value restarts the cycle
}

void ChargeStageMachine::step(Milliseconds now, const Measured& m, uint8_t soc_percent,
                              const Settings& s) {
  if (!started_) {
    started_ = true;
    since_ = now;
  }
  const ChargeStage to = next(now, m, soc_percent, s);
  if (to != stage_) {
    stage_ = to;
    since_ = now;
  }
}

}  // namespace softbms::core
