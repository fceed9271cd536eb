#include "host/web/http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "host/web/memory_stream.hpp"

namespace softbms::host::web {
namespace {

thread_local bool close_after = false;

// httplib hands every accepted connection to its task queue; ours hands it to the pool at once.
class HandOver : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override {}
};

std::string answer(int status, std::string_view reason, std::string_view error) {
  const std::string body = "{\"error\":\"" + std::string(error) + "\"}";
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

Peer peer(int fd, bool local) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  auto* sa = reinterpret_cast<sockaddr*>(&addr);
  Peer p;
  if ((local ? ::getsockname(fd, sa, &len) : ::getpeername(fd, sa, &len)) != 0) return p;
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    p.port = ntohs(in->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    p.port = ntohs(in6->sin6_port);
  }
  p.ip = text;
  return p;
}

}  // namespace

void close_connection_after_response() {
  close_after = true;
}

HttpServer::HttpServer(ConnectionLimits limits)
    : limits_(limits),
      stop_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      pool_(limits.pool, [this](int fd, const std::string&) { serve_socket(fd); }) {
  new_task_queue = [] { return new HandOver; };
}

HttpServer::~HttpServer() {
  close_connections();
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

void HttpServer::deepen_listen_queue() {
  const socket_t sock = svr_sock_;
  if (sock != INVALID_SOCKET) ::listen(sock, limits_.listen_backlog);
}

void HttpServer::close_connections() {
  closing_ = true;
  const uint64_t one = 1;
  if (stop_fd_ >= 0) static_cast<void>(::write(stop_fd_, &one, sizeof one));
  pool_.stop();
}

bool HttpServer::process_and_close_socket(socket_t sock) {
  if (pool_.admit(sock, peer(sock, false).ip)) return true;
  const std::string busy = answer(503, "Service Unavailable", "too many connections, try again");
  static_cast<void>(::send(sock, busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT));
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return true;
}

void HttpServer::serve_socket(int fd) {
  ConnectionStream s(fd, stop_fd_, limits_.stream, peer(fd, false), peer(fd, true));
  close_gracefully(fd, serve_requests(s));
}

std::string HttpServer::serve_bytes(std::string_view request) {
  MemoryStream s(request, limits_.stream.request_bytes);
  serve_requests(s);
  return s.output();
}

bool HttpServer::serve_requests(ServedStream& s) {
  using Fault = ServedStream::Fault;
  for (std::size_t n = 0; n < limits_.requests_per_connection; ++n) {
    s.begin_request();
    close_after = false;
    bool closed = false;
    const bool last = n + 1 == limits_.requests_per_connection;
    const bool ok = process_request(s, last, closed, nullptr);
    if (s.fault() == Fault::timed_out) {
      s.write_all(answer(408, "Request Timeout", "the request did not arrive in time"));
      return true;
    }
    if (s.fault() == Fault::too_large) {
      s.write_all(answer(413, "Payload Too Large", "the request is too large"));
      return true;
    }
    if (close_after) return true;
    if (!ok || closed || closing_) return false;
  }
  return false;
}

// Closes our side first and, when the client may still be sending, reads what it sends for a
// moment: closing with unread bytes makes the kernel send a reset, which can destroy the
// answer in flight.
void HttpServer::close_gracefully(int fd, bool drain) const {
  ::shutdown(fd, SHUT_WR);
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  char sink[16384];
  for (std::size_t drained = 0; drain && drained < std::size_t{1024} * 1024;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          end - std::chrono::steady_clock::now())
                          .count();
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (left <= 0 || ::poll(fds, 2, static_cast<int>(left)) <= 0 || fds[1].revents != 0) break;
    const ssize_t n = ::recv(fd, sink, sizeof sink, MSG_DONTWAIT);
    if (n <= 0) break;
    drained += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

}  // namespace softbms::host::web
