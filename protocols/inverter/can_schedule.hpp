// When each frame of a dialect goes out. The first call sends the whole set as one burst (as
// real Pylons do once a second); after that each frame follows its own period. A scheduler
// that fell behind (a stalled host) sends each late frame once, not a backlog.
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "core/base/units.hpp"
#include "protocols/inverter/can_frame.hpp"
#include "protocols/inverter/can_protocol.hpp"
#include "protocols/inverter/inverter_input.hpp"

namespace softbms::protocols::inverter {

inline constexpr std::size_t kMaxScheduled = kFrameKinds;

class CanScheduler {
 public:
  explicit CanScheduler(const Dialect& d) : dialect_(&d) {}
  // Writes the kinds due at `now` into `out` (in schedule order); returns how many.
  std::size_t due(Milliseconds now, std::span<FrameKind> out);
  // Encodes the due frames.
  std::size_t frames(Milliseconds now, const InverterInput& in, const CanOptions& o,
                     std::span<CanFrame> out);
  [[nodiscard]] const Dialect& dialect() const { return *dialect_; }

 private:
  const Dialect* dialect_;
  std::array<Milliseconds, kMaxScheduled> next_{};
  bool started_ = false;
};

}  // namespace softbms::protocols::inverter
