// The threads that serve connections, shared fairly between clients (by IP address): at most
// `per_client_active` connections of one client are served at once and the others wait their
// turn, so slow or many connections from one host cannot take every thread; a client with
// more than `per_client_waiting` waiting, or a server with `max_waiting`, is turned away
// (the caller answers 503). Threads are started as work arrives, up to `max_workers`, so a
// few long Server-Sent Events streams do not starve other requests.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace softbms::host::web {

struct PoolLimits {
  std::size_t max_workers = 64;
  std::size_t per_client_active = 16;
  std::size_t per_client_waiting = 240;
  std::size_t max_waiting = 512;
};

class ConnectionPool {
 public:
  // Serves one connection to its end and closes it.
  using Serve = std::function<void(int fd, const std::string& client)>;

  ConnectionPool(PoolLimits limits, Serve serve);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Queues a connection. False when it may not wait (limits above, or stopping): the caller
  // still owns fd then.
  bool admit(int fd, const std::string& client);
  // Closes the waiting connections and waits for the running ones (the caller makes them end).
  void stop();

  struct Counts {
    std::size_t workers = 0;
    std::size_t active = 0;
    std::size_t waiting = 0;
  };
  [[nodiscard]] Counts counts() const;

 private:
  struct Client {
    std::size_t active = 0;
    std::deque<int> waiting;
  };

  void work();
  // The next connection a free thread may take, round robin over clients under their cap.
  bool take(int& fd, std::string& client);
  void finish(const std::string& client);
  void grow();

  PoolLimits limits_;
  Serve serve_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Client> clients_;
  std::deque<std::string> turn_;  // clients with waiting connections, next first
  std::vector<std::thread> workers_;
  std::size_t idle_ = 0;
  std::size_t waiting_ = 0;
  std::size_t active_ = 0;
  bool stopping_ = false;
};

}  // namespace softbms::host::web
