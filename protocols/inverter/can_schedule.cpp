#include "protocols/inverter/can_schedule.hpp"

#include "protocols/inverter/can_encode.hpp"

namespace softbms::protocols::inverter {

std::size_t CanScheduler::due(Milliseconds now, std::span<FrameKind> out) {
  const std::span<const ScheduleEntry> plan = dialect_->schedule;
  if (!started_) {
    for (std::size_t i = 0; i < plan.size() && i < kMaxScheduled; ++i) next_[i] = now;
    started_ = true;
  }
  std::size_t n = 0;
  for (std::size_t i = 0; i < plan.size() && i < kMaxScheduled && n < out.size(); ++i) {
    if (now < next_[i]) continue;
    out[n++] = plan[i].kind;
    const Milliseconds period(plan[i].period_ms);
    next_[i] += period;
    if (next_[i] <= now) next_[i] = now + period;  // behind: skip the missed slots
  }
  return n;
}

std::size_t CanScheduler::frames(Milliseconds now, const InverterInput& in, const CanOptions& o,
                                 std::span<CanFrame> out) {
  std::array<FrameKind, kMaxScheduled> kinds{};
  const std::size_t n = due(
      now,
      std::span<FrameKind>(kinds.data(), out.size() < kinds.size() ? out.size() : kinds.size()));
  for (std::size_t i = 0; i < n; ++i) out[i] = encode(kinds[i], in, *dialect_, o);
  return n;
}

}  // namespace softbms::protocols::inverter
