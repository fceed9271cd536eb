// Tracks the inverter's keep-alive (0x305, "inverter reply every second") and, once a link was
// seen and then lost, applies the fail-safe to what we announce. See docs/inverters.md for the
// timeout and why the default stops charging but keeps discharging.
#pragma once

#include <cstdint>

#include "core/base/units.hpp"
#include "core/charge/charge_types.hpp"
#include "protocols/inverter/can_frame.hpp"

namespace softbms::protocols::inverter {

inline constexpr uint32_t kKeepAliveId = 0x305;

// waiting: never heard (some inverters, Solax, never send 0x305; others only start after they
// have seen a battery) - limits go out unchanged. present: heard within the timeout. lost:
// heard once, then silent for the timeout.
enum class LinkState : uint8_t { waiting, present, lost };
enum class FailSafe : uint8_t { stop_charge, stop_both, none };

struct KeepAliveOptions {
  Milliseconds timeout{10'000};  // ten missed 1 s keep-alives
  bool accept_extended = false;  // Schneider XW Pro sends 0x305 with a 29-bit id
  FailSafe fail_safe = FailSafe::stop_charge;
};

class InverterLink {
 public:
  explicit InverterLink(KeepAliveOptions o = {}) : options_(o) {}
  // Returns true when the frame was a keep-alive (its content is ignored: only presence counts).
  bool on_frame(const CanFrame& f, Milliseconds now);
  LinkState step(Milliseconds now);
  [[nodiscard]] LinkState state() const { return state_; }
  [[nodiscard]] uint32_t keepalives() const { return count_; }
  [[nodiscard]] uint32_t losses() const { return losses_; }
  [[nodiscard]] const KeepAliveOptions& options() const { return options_; }

 private:
  KeepAliveOptions options_;
  LinkState state_ = LinkState::waiting;
  Milliseconds last_{};
  uint32_t count_ = 0;
  uint32_t losses_ = 0;
};

// The charge result as announced while the link is in `state`.
core::ChargeResult apply_fail_safe(core::ChargeResult r, LinkState state, FailSafe mode);

}  // namespace softbms::protocols::inverter
