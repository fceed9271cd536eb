// cpp-httplib's Server with the connection handling of softbms: a deep listen queue, a fair
// pool of threads per client (connection_pool.hpp), deadlines and a byte limit on every
// request (connection_stream.hpp), 408/413 answers for requests that break them, and a
// lingering close so an answer sent before a body was read reaches the client instead of a
// reset. httplib still parses requests and routes them (process_request).
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstddef>
#include <string>
#include <string_view>

#include "host/web/connection_pool.hpp"
#include "host/web/connection_stream.hpp"

namespace softbms::host::web {

struct ConnectionLimits {
  StreamLimits stream;
  PoolLimits pool;
  int listen_backlog = 1024;
  std::size_t requests_per_connection = 100;
};

class HttpServer : public httplib::Server {
 public:
  explicit HttpServer(ConnectionLimits limits = {});
  ~HttpServer() override;
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // After bind_to_port / bind_to_any_port: httplib 0.11 listens with a queue of 5, which drops
  // connections of a burst.
  void deepen_listen_queue();
  // After stop() and the end of listen_after_bind(): ends and waits for every connection.
  void close_connections();
  [[nodiscard]] ConnectionPool::Counts counts() const { return pool_.counts(); }

  // Serves raw request bytes as one connection from 127.0.0.1 and returns what the server would
  // send back (the fuzzer's way in).
  std::string serve_bytes(std::string_view request);

 private:
  bool process_and_close_socket(socket_t sock) override;
  void serve_socket(int fd);
  // Serves requests until the connection ends; true when the client may still be sending (a
  // request refused or cut before its end was read).
  bool serve_requests(ServedStream& s);
  void close_gracefully(int fd, bool drain) const;

  ConnectionLimits limits_;
  int stop_fd_ = -1;
  std::atomic<bool> closing_{false};
  ConnectionPool pool_;
};

// Called by a handler that answers without reading the request's body: the connection closes
// after this answer, since the unread body would otherwise be taken for the next request.
void close_connection_after_response();

}  // namespace softbms::host::web
