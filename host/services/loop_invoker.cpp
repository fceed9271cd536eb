#include "host/services/loop_invoker.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace softbms::host::services {

Expected<std::unique_ptr<LoopInvoker>> LoopInvoker::create(EventLoop& loop, Milliseconds wait) {
  UniqueFd fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!fd.valid()) return system_error("eventfd", errno);
  std::unique_ptr<LoopInvoker> inv(new LoopInvoker(loop, std::move(fd), wait));
  inv->watch_ = loop.watch(inv->wake_.get(), [p = inv.get()](IoEvents) { p->drain(); });
  return inv;
}

LoopInvoker::LoopInvoker(EventLoop& loop, UniqueFd wake, Milliseconds wait)
    : loop_(loop), wake_(std::move(wake)), wait_(wait), loop_thread_(std::this_thread::get_id()) {}

LoopInvoker::~LoopInvoker() {
  close();
  loop_.unwatch(watch_);
}

void LoopInvoker::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  for (auto& t : queue_) t->state = Task::State::dropped;
  queue_.clear();
  cv_.notify_all();
}

bool LoopInvoker::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

bool LoopInvoker::run_on_loop(const std::function<void()>& work) {
  auto task = std::make_shared<Task>();
  task->work = work;
  std::unique_lock lock(mu_);
  if (closed_) return false;
  queue_.push_back(task);
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_.get(), &one, sizeof one);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_.count());
  cv_.wait_until(lock, deadline, [&] { return task->state != Task::State::queued; });
  if (task->state == Task::State::queued) {
    // Never started: take it back, so it cannot run later on a stack that is gone.
    task->state = Task::State::dropped;
    std::erase(queue_, task);
    return false;
  }
  // Started: it uses the caller's stack, so wait for it whatever the time.
  cv_.wait(lock,
           [&] { return task->state == Task::State::done || task->state == Task::State::dropped; });
  return task->state == Task::State::done;
}

void LoopInvoker::drain() {
  uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = ::read(wake_.get(), &count, sizeof count);
  std::unique_lock lock(mu_);
  while (!queue_.empty()) {
    std::shared_ptr<Task> task = queue_.front();
    queue_.pop_front();
    task->state = Task::State::running;
    lock.unlock();
    task->work();
    lock.lock();
    task->state = Task::State::done;
    cv_.notify_all();
  }
}

}  // namespace softbms::host::services
