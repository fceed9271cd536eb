// Whether one slave of the bank is there, from the outcome of each poll. States: waiting (never
// answered since start), online, offline. Every state leaves on the next poll outcome that
// calls for it, so none can hang: an answer always brings a slave online, `offline_after`
// missed polls in a row always take it offline.
#pragma once

#include <cstdint>

#include "core/base/units.hpp"

namespace softbms::core {

enum class SlaveState : uint8_t { waiting, online, offline };

class SlaveTracker {
 public:
  explicit SlaveTracker(uint8_t offline_after = 3)
      : offline_after_(offline_after ? offline_after : 1) {}
  // Each returns true when the state changed.
  bool answered(Milliseconds now);
  bool missed();

  [[nodiscard]] SlaveState state() const { return state_; }
  [[nodiscard]] bool online() const { return state_ == SlaveState::online; }
  // Counts as missing for the alarm: offline, or never answered within offline_after polls.
  [[nodiscard]] bool missing() const { return state_ == SlaveState::offline; }
  [[nodiscard]] Milliseconds last_seen() const { return last_seen_; }
  [[nodiscard]] uint8_t misses_in_a_row() const { return misses_; }
  [[nodiscard]] uint32_t answers() const { return answers_; }
  [[nodiscard]] uint32_t timeouts() const { return timeouts_; }
  [[nodiscard]] uint32_t drops() const { return drops_; }  // online -> offline transitions

 private:
  uint8_t offline_after_;
  SlaveState state_ = SlaveState::waiting;
  Milliseconds last_seen_{};
  uint8_t misses_ = 0;
  uint32_t answers_ = 0;
  uint32_t timeouts_ = 0;
  uint32_t drops_ = 0;
};

}  // namespace softbms::core
