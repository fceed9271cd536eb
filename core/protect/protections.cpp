#include "core/protect/protections.hpp"

#include <algorithm>

namespace softbms::core {
namespace {

int32_t resolve(Limit l, const Settings& s) {
  return l.param == kNoParam ? l.fixed : s.raw(l.param);
}

Milliseconds resolve(Duration d, const Settings& s) {
  if (d.param == kNoParam) return d.fixed;
  const int32_t v = s.raw(d.param);
  return info(d.param).unit == Unit::s ? to_ms(Seconds(v)) : Milliseconds(v);
}

constexpr bool is_beyond(Trip t, int32_t value, int32_t limit) {
  return t == Trip::above ? value > limit : value < limit;
}
// Strictly past the recovery value: "below OVPR", "above UVPR" (manual i, j).
constexpr bool is_back(Trip t, int32_t value, int32_t recovery) {
  return t == Trip::above ? value < recovery : value > recovery;
}

bool row_enabled(const ProtectionRow& row, const Settings& s) {
  return row.enabled == kNoParam || s.on(row.enabled);
}

constexpr bool is_active(ProtectionState st) {
  return st == ProtectionState::tripped || st == ProtectionState::recovering;
}

uint16_t whole_seconds_left(Milliseconds left) {
  if (left.count() <= 0) return 0;
  const int64_t s = (left.count() + 999) / 1000;  // a countdown shows 1 until it is over
  return static_cast<uint16_t>(std::min<int64_t>(s, UINT16_MAX));
}

}  // namespace

void Protections::step(Milliseconds now, const Measured& m, const Settings& s,
                       const ProtectionInputs& in) {
  // Keep what the fast path recorded since the last step; drop the last step's own entries.
  const std::size_t keep_from = fast_path_since_step_ ? fast_start_ : transition_count_;
  std::copy(transitions_.begin() + static_cast<std::ptrdiff_t>(keep_from),
            transitions_.begin() + static_cast<std::ptrdiff_t>(transition_count_),
            transitions_.begin());
  transition_count_ -= keep_from;
  fast_path_since_step_ = false;

  now_ = now;
  emergency_ = in.emergency;
  for (std::size_t i = 0; i < kProtectionCount; ++i) {
    step_row(i, now, read(kProtections[i].watch, m), s);
  }
  update_outputs();
}

void Protections::short_circuit(Milliseconds now) {
  if (!fast_path_since_step_) {
    fast_start_ = transition_count_;
    fast_path_since_step_ = true;
  }
  now_ = now;
  constexpr std::size_t i = *row_of(AlarmBit::discharge_scp);
  if (is_active(rows_[i].state)) return;
  rows_[i].value = 1;
  trip(i, now);
  update_outputs();
}

void Protections::step_row(std::size_t i, Milliseconds now, Reading r, const Settings& s) {
  const ProtectionRow& row = kProtections[i];
  RowState& st = rows_[i];
  st.value = r.value;
  if (row.release.kind == ReleaseKind::timed) st.release_after = resolve(row.release.after, s);
  const bool beyond =
      r.valid && row_enabled(row, s) && is_beyond(row.trip, r.value, resolve(row.threshold, s));

  if (st.state == ProtectionState::normal) on_normal(i, now, beyond);
  if (st.state == ProtectionState::pending) {
    on_pending(i, now, beyond, resolve(row.delay, s));
    return;  // a trip and its release never fall in the same step
  }
  if (st.state == ProtectionState::tripped) on_tripped(i, now, r, beyond, s);
  if (st.state == ProtectionState::recovering) on_recovering(i, now, r, s);
}

void Protections::on_normal(std::size_t i, Milliseconds now, bool beyond) {
  if (!beyond) return;
  rows_[i].state = ProtectionState::pending;
  rows_[i].since = now;
}

void Protections::on_pending(std::size_t i, Milliseconds now, bool beyond, Milliseconds delay) {
  if (!beyond) {
    rows_[i].state = ProtectionState::normal;
  } else if (now - rows_[i].since >= delay) {
    trip(i, now);
  }
}

void Protections::on_tripped(std::size_t i, Milliseconds now, Reading r, bool beyond,
                             const Settings& s) {
  const ProtectionRow& row = kProtections[i];
  RowState& st = rows_[i];
  if (row.release.kind == ReleaseKind::timed) {
    if (now - st.since < st.release_after) return;
    if (row.release_failed && beyond) {
      retry_release(i, now);
    } else {
      release(i, now);
    }
    return;
  }
  // With its reading gone a level row cannot hold on facts; the fault row of that input
  // (cell_count_mismatch, temp_sensor) takes over.
  if (!r.valid) {
    release(i, now);
  } else if (is_back(row.trip, r.value, resolve(row.release.level, s))) {
    st.state = ProtectionState::recovering;
    st.since = now;
  }
}

void Protections::on_recovering(std::size_t i, Milliseconds now, Reading r, const Settings& s) {
  const ProtectionRow& row = kProtections[i];
  RowState& st = rows_[i];
  // A lost reading releases at once (its fault alarm takes over); otherwise the hold must pass.
  const bool back = r.valid && is_back(row.trip, r.value, resolve(row.release.level, s));
  if (r.valid && !back) {
    st.state = ProtectionState::tripped;
  } else if (!r.valid || now - st.since >= resolve(row.release.after, s)) {
    release(i, now);
  }
}

void Protections::trip(std::size_t i, Milliseconds now) {
  RowState& st = rows_[i];
  st.state = ProtectionState::tripped;
  st.since = now;
  record(kProtections[i].bit, TransitionKind::trip, st.value, now);
  // Tripping again right after the release: the release closed the FET into a lasting cause.
  if (st.released && now - st.released_at <= kReleaseFailedWindow) raise_release_failed(i, now);
}

void Protections::release(std::size_t i, Milliseconds now) {
  const ProtectionRow& row = kProtections[i];
  RowState& st = rows_[i];
  st.state = ProtectionState::normal;
  st.released = true;
  st.released_at = now;
  record(row.bit, TransitionKind::release, st.value, now);
  if (st.release_failed && row.release_failed) {
    st.release_failed = false;
    record(*row.release_failed, TransitionKind::release, st.value, now);
  }
}

// The cause outlived the release time: stay tripped, say so, and wait the release time again.
void Protections::retry_release(std::size_t i, Milliseconds now) {
  rows_[i].since = now;
  raise_release_failed(i, now);
}

void Protections::raise_release_failed(std::size_t i, Milliseconds now) {
  const ProtectionRow& row = kProtections[i];
  RowState& st = rows_[i];
  if (st.release_failed || !row.release_failed) return;
  st.release_failed = true;
  record(*row.release_failed, TransitionKind::trip, st.value, now);
}

void Protections::record(AlarmBit bit, TransitionKind kind, int32_t value, Milliseconds now) {
  if (transition_count_ == transitions_.size()) {
    ++dropped_;
    return;
  }
  transitions_[transition_count_++] = Transition{bit, kind, value, now};
}

void Protections::update_outputs() {
  uint32_t alarms = 0;
  bool charge = false;
  bool discharge = false;
  for (std::size_t i = 0; i < kProtectionCount; ++i) {
    const ProtectionRow& row = kProtections[i];
    const RowState& st = rows_[i];
    if (!is_active(st.state)) continue;
    alarms |= alarm_mask(row.bit);
    if (st.release_failed && row.release_failed) alarms |= alarm_mask(*row.release_failed);
    if (emergency_ && row.emergency == EmergencyRule::overrides) continue;
    charge = charge || affects_charge(row.effect);
    discharge = discharge || affects_discharge(row.effect);
  }
  alarms_ = alarms;
  charge_blocked_ = charge;
  discharge_blocked_ = discharge;
}

std::array<uint16_t, kReleaseTimerCount> Protections::release_timers_s() const {
  std::array<uint16_t, kReleaseTimerCount> out{};
  for (std::size_t i = 0; i < kProtectionCount; ++i) {
    const ProtectionRow& row = kProtections[i];
    const RowState& st = rows_[i];
    if (row.timer == kNoTimer || !is_active(st.state)) continue;
    const uint16_t left = whole_seconds_left(st.since + st.release_after - now_);
    auto& slot = out[static_cast<std::size_t>(row.timer)];
    slot = std::max(slot, left);
  }
  return out;
}

ProtectionState Protections::state(AlarmBit bit) const {
  if (const auto i = row_of(bit)) return rows_[*i].state;
  for (std::size_t i = 0; i < kProtectionCount; ++i) {
    if (kProtections[i].release_failed == bit && rows_[i].release_failed) {
      return ProtectionState::tripped;
    }
  }
  return ProtectionState::normal;
}

}  // namespace softbms::core
