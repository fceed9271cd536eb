#include "core/protect/fet_monitor.hpp"

namespace softbms::core {

std::array<FetMonitor::Change, 2> FetMonitor::step(Milliseconds now, const Measured& m,
                                                   FetCommand commanded, bool powered) {
  // An unpowered board drives nothing: no evidence either way, and a run of evidence (or of good
  // behaviour) from before the cut, the sleep or the shutdown does not go on after it. Without
  // this a short's latch seen for one tick before a shutdown counted as a second of "stuck off"
  // on the first tick after the wake (campaign seed 1, run 84154).
  if (!powered) {
    for (State& st : fets_) {
      st.seen = FetFault::none;
      st.good = false;
    }
    return {};
  }
  // With both FETs read back off, a current is the current sensor's fault (its own protection
  // row), not evidence against one FET.
  const bool current_counts = m.charge_fet_readback || m.discharge_fet_readback;
  const bool charging = current_counts && m.current > kFetStuckCurrent;
  const bool discharging = current_counts && !commanded.precharge && m.current < -kFetStuckCurrent;
  return {update(fets_[index(Fet::charge)], now, commanded.charge,
                 m.charge_fet_readback || charging, !m.charge_fet_readback),
          update(fets_[index(Fet::discharge)], now, commanded.discharge,
                 m.discharge_fet_readback || discharging, !m.discharge_fet_readback)};
}

FetMonitor::Change FetMonitor::update(State& st, Milliseconds now, bool commanded, bool conducts,
                                      bool readback_off) {
  Change c;
  if (st.fault == FetFault::none) {
    const FetFault seen = !commanded && conducts      ? FetFault::stuck_on
                          : commanded && readback_off ? FetFault::stuck_off
                                                      : FetFault::none;
    if (seen != st.seen) st.since = now;
    st.seen = seen;
    if (seen != FetFault::none && now - st.since >= kFetFaultDelay) {
      st.fault = seen;
      st.good = false;
      c.tripped = true;
    }
    return c;
  }
  // Latched: only the state that revealed the fault can show the FET works again.
  const bool good =
      st.fault == FetFault::stuck_on ? !commanded && !conducts : commanded && !readback_off;
  if (good && !st.good) st.since = now;
  st.good = good;
  if (good && now - st.since >= kFetFaultReleaseHold) {
    st.fault = FetFault::none;
    st.seen = FetFault::none;
    st.since = now;
    c.released = true;
  }
  return c;
}

FetBlocks FetMonitor::blocks(bool emergency) const {
  return fet_fault_blocks(fault(Fet::charge), fault(Fet::discharge), emergency);
}

uint32_t FetMonitor::alarms() const {
  uint32_t a = 0;
  if (fault(Fet::charge) != FetFault::none) a |= alarm_mask(fet_alarm(Fet::charge));
  if (fault(Fet::discharge) != FetFault::none) a |= alarm_mask(fet_alarm(Fet::discharge));
  return a;
}

}  // namespace softbms::core
