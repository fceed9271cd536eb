// Runs work from other threads (web server, MQTT network thread) on the EventLoop thread, where
// the device lives, and hands the result back. The device itself then needs no lock: everything
// that touches it runs on one thread, one call at a time, between ticks and endpoint requests.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

#include "core/base/units.hpp"
#include "host/loop/event_loop.hpp"
#include "host/loop/unique_fd.hpp"

namespace softbms::host::services {

class LoopInvoker {
 public:
  // A call that waited this long without being started is dropped (the loop is stuck or gone).
  static constexpr Milliseconds kDefaultWait{5000};

  // Must be created on the loop's thread (that thread then runs calls inline).
  static Expected<std::unique_ptr<LoopInvoker>> create(EventLoop& loop,
                                                       Milliseconds wait = kDefaultWait);
  ~LoopInvoker();
  LoopInvoker(const LoopInvoker&) = delete;
  LoopInvoker& operator=(const LoopInvoker&) = delete;

  // Runs f on the loop thread and returns its result; nullopt when the invoker is closed or the
  // loop did not start f within the wait. f may capture the caller's stack: a call that was not
  // started is never started later, and a started call is always waited for.
  template <typename F>
  auto call(F&& f) -> std::optional<std::invoke_result_t<F>> {
    using R = std::invoke_result_t<F>;
    static_assert(!std::is_void_v<R>, "return a value, so the caller can tell it ran");
    if (std::this_thread::get_id() == loop_thread_) return std::optional<R>(f());
    std::optional<R> out;
    const bool ran = run_on_loop([&] { out.emplace(f()); });
    if (!ran) return std::nullopt;
    return out;
  }

  // Refuses every later call and drops those still queued; used when the loop has stopped,
  // so server threads waiting on it are released before the servers are joined.
  void close();
  [[nodiscard]] bool closed() const;

 private:
  struct Task {
    enum class State : uint8_t { queued, running, done, dropped };
    std::function<void()> work;
    State state = State::queued;
  };

  LoopInvoker(EventLoop& loop, UniqueFd wake, Milliseconds wait);
  bool run_on_loop(const std::function<void()>& work);
  void drain();

  EventLoop& loop_;
  UniqueFd wake_;
  Milliseconds wait_;
  EventLoop::Id watch_ = 0;
  std::thread::id loop_thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Task>> queue_;
  bool closed_ = false;
};

}  // namespace softbms::host::services
