#include "core/parallel/slave_tracker.hpp"

namespace softbms::core {

bool SlaveTracker::answered(Milliseconds now) {
  last_seen_ = now;
  misses_ = 0;
  ++answers_;
  const bool changed = state_ != SlaveState::online;
  state_ = SlaveState::online;
  return changed;
}

bool SlaveTracker::missed() {
  ++timeouts_;
  if (misses_ < 255) ++misses_;
  if (state_ == SlaveState::offline || misses_ < offline_after_) return false;
  if (state_ == SlaveState::online) ++drops_;
  state_ = SlaveState::offline;
  return true;
}

}  // namespace softbms::core
