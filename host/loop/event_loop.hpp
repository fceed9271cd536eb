// A single-threaded event loop over poll(2): file descriptors with callbacks, one-shot and
// periodic timers on a monotonic clock, and a clean stop on SIGINT/SIGTERM through signalfd.
// Callbacks may add or remove watches and timers, including their own, at any time.
#pragma once

#include <csignal>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>

#include "core/base/units.hpp"
#include "host/loop/error.hpp"
#include "host/loop/unique_fd.hpp"

namespace softbms::host {

// Milliseconds since an arbitrary start, never going back (CLOCK_MONOTONIC).
Milliseconds monotonic_now();
using Clock = std::function<Milliseconds()>;

struct IoEvents {
  bool readable = false;
  bool writable = false;
  bool hangup = false;  // the peer went away (POLLHUP); data may still be readable
  bool error = false;   // POLLERR, or POLLNVAL (the fd was closed while watched)
};

class EventLoop {
 public:
  using Id = uint64_t;
  using IoCallback = std::function<void(IoEvents)>;
  using TimerCallback = std::function<void()>;

  explicit EventLoop(Clock clock = monotonic_now);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Calls `cb` whenever `fd` is readable (and writable, while write interest is on). A watch
  // whose fd turns out closed (POLLNVAL) gets one error callback and is then removed, so a
  // forgotten close cannot spin the loop.
  Id watch(int fd, IoCallback cb);
  void want_write(Id watch_id, bool on);
  void unwatch(Id watch_id);

  // One-shot timer, due `delay` from now.
  Id after(Milliseconds delay, TimerCallback cb);
  // Periodic timer, first due one period from now. Deadlines keep their phase (no drift); a
  // loop that fell behind fires once and skips the missed periods instead of bursting.
  Id every(Milliseconds period, TimerCallback cb);
  void cancel(Id timer_id);

  // Blocks these signals for normal delivery and stops the loop when one arrives. The old
  // signal mask comes back when the loop is destroyed.
  Done stop_on_signals(std::initializer_list<int> signals = {SIGINT, SIGTERM});
  // The signal that stopped the loop, 0 if none did.
  [[nodiscard]] int stop_signal() const { return stop_signal_; }

  // Runs until stop() or a stop signal, or until nothing is left to wait for.
  Done run();
  // Runs until `duration` has passed on the loop's clock, or until stopped.
  Done run_for(Milliseconds duration);
  // Waits at most `max_wait` (less if a timer is due sooner), then dispatches what is ready:
  // fd callbacks first, then timers due at that moment in deadline order (ties: creation order).
  Done run_once(Milliseconds max_wait);
  void stop() { stopped_ = true; }
  [[nodiscard]] bool stopped() const { return stopped_; }

  [[nodiscard]] Milliseconds now() const { return clock_(); }
  [[nodiscard]] std::optional<Milliseconds> next_deadline() const;
  [[nodiscard]] size_t watch_count() const { return watches_.size(); }
  [[nodiscard]] size_t timer_count() const { return timers_.size(); }

 private:
  struct Watch {
    int fd;
    bool write;
    std::shared_ptr<IoCallback> cb;
  };
  struct Timer {
    Milliseconds deadline;
    Milliseconds period;  // 0: one-shot
    std::shared_ptr<TimerCallback> cb;
  };

  Done poll_and_dispatch(int timeout_ms);
  void dispatch_timers();
  void on_signal_readable();

  Clock clock_;
  std::map<Id, Watch> watches_;
  std::map<Id, Timer> timers_;
  Id next_id_ = 1;
  bool stopped_ = false;
  int stop_signal_ = 0;
  UniqueFd signal_fd_;
  std::optional<sigset_t> saved_mask_;
  sigset_t stop_set_{};
};

}  // namespace softbms::host
