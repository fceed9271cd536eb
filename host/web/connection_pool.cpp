#include "host/web/connection_pool.hpp"

#include <unistd.h>

#include <algorithm>

namespace softbms::host::web {

ConnectionPool::ConnectionPool(PoolLimits limits, Serve serve)
    : limits_(limits), serve_(std::move(serve)) {}

ConnectionPool::~ConnectionPool() {
  stop();
}

bool ConnectionPool::admit(int fd, const std::string& client) {
  std::lock_guard lock(mu_);
  Client& c = clients_[client];
  if (stopping_ || waiting_ >= limits_.max_waiting ||
      c.waiting.size() >= limits_.per_client_waiting) {
    if (c.active == 0 && c.waiting.empty()) clients_.erase(client);
    return false;
  }
  if (c.waiting.empty()) turn_.push_back(client);
  c.waiting.push_back(fd);
  ++waiting_;
  grow();
  cv_.notify_all();
  return true;
}

// Called with mu_ held: one more thread while connections wait for more than the idle ones.
void ConnectionPool::grow() {
  if (idle_ < waiting_ && workers_.size() < limits_.max_workers)
    workers_.emplace_back([this] { work(); });
}

bool ConnectionPool::take(int& fd, std::string& client) {
  for (std::size_t i = 0; i < turn_.size(); ++i) {
    Client& c = clients_[turn_[i]];
    if (c.active >= limits_.per_client_active) continue;
    client = turn_[i];
    turn_.erase(turn_.begin() + static_cast<std::ptrdiff_t>(i));
    fd = c.waiting.front();
    c.waiting.pop_front();
    if (!c.waiting.empty()) turn_.push_back(client);
    ++c.active;
    --waiting_;
    ++active_;
    return true;
  }
  return false;
}

void ConnectionPool::finish(const std::string& client) {
  std::lock_guard lock(mu_);
  Client& c = clients_[client];
  --c.active;
  --active_;
  if (c.active == 0 && c.waiting.empty()) clients_.erase(client);
  cv_.notify_all();  // a client under its cap again may have connections waiting
}

void ConnectionPool::work() {
  for (;;) {
    int fd = -1;
    std::string client;
    {
      std::unique_lock lock(mu_);
      ++idle_;
      cv_.wait(lock, [&] { return stopping_ || take(fd, client); });
      --idle_;
      if (fd < 0) return;  // stopping
      grow();
    }
    serve_(fd, client);
    finish(client);
  }
}

void ConnectionPool::stop() {
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& [name, c] : clients_) {
      for (const int fd : c.waiting) ::close(fd);
      waiting_ -= c.waiting.size();
      c.waiting.clear();
    }
    turn_.clear();
    workers.swap(workers_);
  }
  cv_.notify_all();
  for (auto& t : workers) t.join();
}

ConnectionPool::Counts ConnectionPool::counts() const {
  std::lock_guard lock(mu_);
  return {workers_.size(), active_, waiting_};
}

}  // namespace softbms::host::web
