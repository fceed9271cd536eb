// The protect stage of the tick: every row of kProtections (protection_table.hpp) runs its own
// state machine, normal -> pending -> tripped (-> recovering) -> normal, and together they say
// which alarm bits are up and which FETs must stay off. See docs/protections.md.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "core/base/units.hpp"
#include "core/io/alarm.hpp"
#include "core/io/snapshot.hpp"
#include "core/measure/measured.hpp"
#include "core/protect/protection_table.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

// normal: condition false. pending: condition true, delay running (clears back to normal).
// tripped: alarm up, FETs off, waiting for the release rule. recovering: a level release's
// value is back within limits and its hold is running (back to tripped if it leaves again).
enum class ProtectionState : uint8_t { normal, pending, tripped, recovering };

// Inputs that are not measurements.
struct ProtectionInputs {
  // The emergency switch is on (functions/ times it): rows marked EmergencyRule::overrides keep
  // their alarm but stop blocking FETs.
  bool emergency = false;
};

enum class TransitionKind : uint8_t { trip, release };

// One alarm raised or cleared, for the event log and the simulator.
struct Transition {
  AlarmBit bit = AlarmBit::wire_resistance;
  TransitionKind kind = TransitionKind::trip;
  int32_t value = 0;  // the watched value then, in the row's unit (mV, mA, 0.1 °C, count)
  Milliseconds at{};
  bool operator==(const Transition&) const = default;
};

inline constexpr std::size_t kReleaseTimerCount = static_cast<std::size_t>(ReleaseTimer::count_);
// Each row changes at most once per step, each release-failed alarm too, plus fast-path trips.
inline constexpr std::size_t kMaxTransitions = 2 * kProtectionCount + 2;

class Protections {
 public:
  // One tick: reads the measurements, advances every row's state machine.
  void step(Milliseconds now, const Measured& m, const Settings& s, const ProtectionInputs& in);
  // Fast path for the short-circuit interrupt: trips discharge_scp at once, outside the tick.
  // Must not run concurrently with step() (same priority, or with the tick masked).
  void short_circuit(Milliseconds now);

  [[nodiscard]] uint32_t alarms() const { return alarms_; }
  [[nodiscard]] bool charge_blocked() const { return charge_blocked_; }
  [[nodiscard]] bool discharge_blocked() const { return discharge_blocked_; }
  // Seconds until each timed release, in ReleaseTimer order (0 = none running). JK's UVP and
  // OVP countdowns stay 0: those protections release on voltage, not on time.
  [[nodiscard]] std::array<uint16_t, kReleaseTimerCount> release_timers_s() const;
  // Trips and releases of the last step (and of fast-path calls since the step before it).
  [[nodiscard]] std::span<const Transition> transitions() const {
    return std::span<const Transition>(transitions_.data(), transition_count_);
  }
  [[nodiscard]] ProtectionState state(AlarmBit bit) const;
  // Transitions that did not fit in the buffer since start (diagnostics; stays 0 by design).
  [[nodiscard]] uint32_t dropped_transitions() const { return dropped_; }

 private:
  struct RowState {
    ProtectionState state = ProtectionState::normal;
    Milliseconds since{};  // pending: condition start; tripped: trip (or retry) time;
                           // recovering: hold start
    Milliseconds release_after{kMaxRelease};  // resolved release time (timed rows)
    int32_t value = 0;                        // last watched value
    bool release_failed = false;
    bool released = false;  // released_at holds a release (see kReleaseFailedWindow)
    Milliseconds released_at{};
  };
  // Until the first step resolves the settings, a fast-path trip holds for the longest time the
  // settings allow: the safe side.
  static constexpr Milliseconds kMaxRelease{120'000};

  void step_row(std::size_t i, Milliseconds now, Reading r, const Settings& s);
  void on_normal(std::size_t i, Milliseconds now, bool beyond);
  void on_pending(std::size_t i, Milliseconds now, bool beyond, Milliseconds delay);
  void on_tripped(std::size_t i, Milliseconds now, Reading r, bool beyond, const Settings& s);
  void on_recovering(std::size_t i, Milliseconds now, Reading r, const Settings& s);
  void trip(std::size_t i, Milliseconds now);
  void release(std::size_t i, Milliseconds now);
  void retry_release(std::size_t i, Milliseconds now);
  void raise_release_failed(std::size_t i, Milliseconds now);
  void record(AlarmBit bit, TransitionKind kind, int32_t value, Milliseconds now);
  void update_outputs();

  std::array<RowState, kProtectionCount> rows_{};
  std::array<Transition, kMaxTransitions> transitions_{};
  std::size_t transition_count_ = 0;
  bool fast_path_since_step_ = false;
  std::size_t fast_start_ = 0;  // first entry the fast path added since the last step
  uint32_t dropped_ = 0;
  uint32_t alarms_ = 0;
  bool charge_blocked_ = false;
  bool discharge_blocked_ = false;
  bool emergency_ = false;
  Milliseconds now_{};
};

}  // namespace softbms::core
