#include "host/loop/event_loop.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <utility>
#include <vector>

namespace softbms::host {

Milliseconds monotonic_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return Milliseconds(static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000);
}

EventLoop::EventLoop(Clock clock) : clock_(std::move(clock)) {}

EventLoop::~EventLoop() {
  if (saved_mask_) ::sigprocmask(SIG_SETMASK, &*saved_mask_, nullptr);
}

EventLoop::Id EventLoop::watch(int fd, IoCallback cb) {
  const Id id = next_id_++;
  watches_.emplace(id, Watch{fd, false, std::make_shared<IoCallback>(std::move(cb))});
  return id;
}

void EventLoop::want_write(Id watch_id, bool on) {
  if (auto it = watches_.find(watch_id); it != watches_.end()) it->second.write = on;
}

void EventLoop::unwatch(Id watch_id) {
  watches_.erase(watch_id);
}

EventLoop::Id EventLoop::after(Milliseconds delay, TimerCallback cb) {
  const Id id = next_id_++;
  timers_.emplace(
      id, Timer{now() + delay, Milliseconds(0), std::make_shared<TimerCallback>(std::move(cb))});
  return id;
}

EventLoop::Id EventLoop::every(Milliseconds period, TimerCallback cb) {
  // A zero period would make a timer that is always due and starve everything else.
  period = std::max(period, Milliseconds(1));
  const Id id = next_id_++;
  timers_.emplace(id,
                  Timer{now() + period, period, std::make_shared<TimerCallback>(std::move(cb))});
  return id;
}

void EventLoop::cancel(Id timer_id) {
  timers_.erase(timer_id);
}

Done EventLoop::stop_on_signals(std::initializer_list<int> signals) {
  if (!saved_mask_) sigemptyset(&stop_set_);
  for (int s : signals) sigaddset(&stop_set_, s);
  sigset_t old;
  if (::sigprocmask(SIG_BLOCK, &stop_set_, &old) != 0) return system_error("sigprocmask", errno);
  if (!saved_mask_) saved_mask_ = old;
  // A second call adds signals: signalfd() replaces an existing descriptor's whole set.
  UniqueFd fd(::signalfd(signal_fd_.valid() ? signal_fd_.get() : -1, &stop_set_,
                         SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd.valid()) return system_error("signalfd", errno);
  if (!signal_fd_.valid()) {
    signal_fd_ = std::move(fd);
    watch(signal_fd_.get(), [this](IoEvents) { on_signal_readable(); });
  } else {
    fd.release();  // signalfd() updated the existing descriptor in place
  }
  return {};
}

void EventLoop::on_signal_readable() {
  signalfd_siginfo info{};
  while (::read(signal_fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    stop_signal_ = static_cast<int>(info.ssi_signo);
    stopped_ = true;
  }
}

std::optional<Milliseconds> EventLoop::next_deadline() const {
  std::optional<Milliseconds> next;
  for (const auto& [id, t] : timers_) {
    if (!next || t.deadline < *next) next = t.deadline;
  }
  return next;
}

Done EventLoop::run() {
  stopped_ = stop_signal_ != 0;  // a stop signal is final; a stop() only ends one run
  while (!stopped_ && (!watches_.empty() || !timers_.empty())) {
    if (Done d = poll_and_dispatch(-1); !d) return d;
  }
  return {};
}

Done EventLoop::run_for(Milliseconds duration) {
  stopped_ = stop_signal_ != 0;
  const Milliseconds end = now() + duration;
  for (Milliseconds t = now(); !stopped_ && t < end; t = now()) {
    if (Done d = run_once(end - t); !d) return d;
  }
  return {};
}

Done EventLoop::run_once(Milliseconds max_wait) {
  return poll_and_dispatch(static_cast<int>(std::clamp<int64_t>(max_wait.count(), 0, INT_MAX)));
}

Done EventLoop::poll_and_dispatch(int timeout_ms) {
  if (auto next = next_deadline()) {
    const int64_t until = std::max<int64_t>((*next - now()).count(), 0);
    if (timeout_ms < 0 || until < timeout_ms)
      timeout_ms = static_cast<int>(std::min<int64_t>(until, INT_MAX));
  }
  std::vector<pollfd> fds;
  std::vector<Id> ids;
  for (const auto& [id, w] : watches_) {
    fds.push_back(pollfd{w.fd, static_cast<short>(POLLIN | (w.write ? POLLOUT : 0)), 0});
    ids.push_back(id);
  }
  const int n = ::poll(fds.data(), fds.size(), timeout_ms);
  if (n < 0 && errno != EINTR) return system_error("poll", errno);
  for (size_t i = 0; n > 0 && i < fds.size(); ++i) {
    const short re = fds[i].revents;
    auto it = watches_.find(ids[i]);
    if (re == 0 || it == watches_.end()) continue;  // removed by an earlier callback
    const IoEvents ev{(re & POLLIN) != 0, (re & POLLOUT) != 0, (re & POLLHUP) != 0,
                      (re & (POLLERR | POLLNVAL)) != 0};
    const auto cb = it->second.cb;  // keeps the callback alive if it unwatches itself
    (*cb)(ev);
    if (re & POLLNVAL) watches_.erase(ids[i]);
  }
  dispatch_timers();
  return {};
}

void EventLoop::dispatch_timers() {
  const Milliseconds t = now();
  std::vector<std::pair<Milliseconds, Id>> due;
  for (const auto& [id, timer] : timers_) {
    if (timer.deadline <= t) due.emplace_back(timer.deadline, id);
  }
  std::sort(due.begin(), due.end());
  for (const auto& [deadline, id] : due) {
    auto it = timers_.find(id);
    if (it == timers_.end()) continue;  // cancelled by an earlier callback
    const auto cb = it->second.cb;
    if (it->second.period.count() == 0) {
      timers_.erase(it);
    } else {
      const Milliseconds p = it->second.period;
      const int64_t missed = (t - deadline).count() / p.count();
      it->second.deadline = deadline + p * (missed + 1);
    }
    (*cb)();
  }
}

}  // namespace softbms::host
