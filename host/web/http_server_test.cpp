// The connection handling under hostile clients, over real sockets on loopback: deadlines,
// the byte limit, a burst of connections, and clients that cannot take every thread.
#include "host/web/http_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

namespace softbms::host::web {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class Socket {
 public:
  // A TCP connection to 127.0.0.1:port from the loopback address `from` (127.0.0.x).
  Socket(int port, const char* from = "127.0.0.1") : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, from, &local.sin_addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local), 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  void send(std::string_view s) const {
    EXPECT_EQ(::send(fd_, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size()));
  }
  // Everything until the server closes, or what came within `limit`.
  std::string read_all(milliseconds limit = milliseconds(5000)) const {
    std::string out;
    const auto end = Clock::now() + limit;
    char buf[4096];
    for (;;) {
      const auto left = std::chrono::duration_cast<milliseconds>(end - Clock::now()).count();
      pollfd p{fd_, POLLIN, 0};
      if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return out;
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return out;
      out.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void start(ConnectionLimits limits) {
    server = std::make_unique<HttpServer>(limits);
    server->Get("/hello", [](const auto&, auto& res) { res.set_content("hi", "text/plain"); });
    server->Post("/echo",
                 [](const auto& req, auto& res) { res.set_content(req.body, "text/plain"); });
    port = server->bind_to_any_port("127.0.0.1");
    ASSERT_GT(port, 0);
    server->deepen_listen_queue();
    listener = std::thread([this] { server->listen_after_bind(); });
    while (!server->is_running()) std::this_thread::sleep_for(milliseconds(1));
  }
  void TearDown() override {
    if (!server) return;
    server->stop();
    listener.join();
    server->close_connections();
  }
  static ConnectionLimits quick() {
    ConnectionLimits l;
    l.stream.idle = milliseconds(300);
    l.stream.request = milliseconds(400);
    l.stream.request_bytes = 4096;
    return l;
  }
  std::string get(const char* from = "127.0.0.1") const {
    Socket s(port, from);
    s.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    return s.read_all();
  }

  std::unique_ptr<HttpServer> server;
  std::thread listener;
  int port = 0;
};

TEST_F(HttpServerTest, a_request_that_drips_in_gets_408_at_its_deadline) {
  start(quick());
  Socket s(port);
  const auto t0 = Clock::now();
  s.send("GET /hello HTTP/1.1\r\n");
  std::this_thread::sleep_for(milliseconds(200));
  s.send("X-Slow: 1\r\n");
  std::this_thread::sleep_for(milliseconds(200));
  s.send("X-Slow: 2\r\n");  // 400 ms after the first byte: past the deadline
  const std::string answer = s.read_all();
  EXPECT_EQ(answer.rfind("HTTP/1.1 408 ", 0), 0U) << answer;
  EXPECT_LT(Clock::now() - t0, milliseconds(2000));
}

TEST_F(HttpServerTest, a_silent_connection_is_closed_after_the_idle_time) {
  start(quick());
  Socket s(port);
  const auto t0 = Clock::now();
  EXPECT_EQ(s.read_all(), "");  // closed without an answer
  EXPECT_LT(Clock::now() - t0, milliseconds(2000));
}

TEST_F(HttpServerTest, a_request_over_the_byte_limit_gets_413_however_it_is_framed) {
  start(quick());
  Socket s(port);
  std::string head = "GET /hello HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 100; ++i)
    head += "X-Pad-" + std::to_string(i) + ": " + std::string(60, 'a') + "\r\n";
  s.send(head);
  EXPECT_EQ(s.read_all().rfind("HTTP/1.1 413 ", 0), 0U);

  Socket chunked(port);
  chunked.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  for (int i = 0; i < 10; ++i) chunked.send("3e8\r\n" + std::string(1000, 'b') + "\r\n");
  EXPECT_EQ(chunked.read_all().rfind("HTTP/1.1 413 ", 0), 0U);
}

TEST_F(HttpServerTest, keep_alive_serves_several_requests_on_one_connection) {
  start(quick());
  Socket s(port);
  s.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string answer = s.read_all(milliseconds(1000));
  EXPECT_NE(answer.find("hi"), std::string::npos);
  EXPECT_NE(answer.find("hi", answer.find("hi") + 2), std::string::npos) << answer;
}

TEST_F(HttpServerTest, slow_clients_of_one_address_do_not_take_the_threads_of_another) {
  ConnectionLimits l;
  l.pool.max_workers = 4;
  l.pool.per_client_active = 2;
  start(l);
  std::vector<std::unique_ptr<Socket>> slow;
  for (int i = 0; i < 6; ++i) {
    slow.push_back(std::make_unique<Socket>(port, "127.0.0.2"));
    slow.back()->send("GET /hello HTTP/1.1\r\n");  // and never the rest
  }
  std::this_thread::sleep_for(milliseconds(100));
  const auto t0 = Clock::now();
  EXPECT_NE(get("127.0.0.3").find("\r\n\r\nhi"), std::string::npos);
  EXPECT_LT(Clock::now() - t0, milliseconds(1000));
  EXPECT_LE(server->counts().active, 3U);  // two slow ones, at most one other
}

TEST_F(HttpServerTest, a_burst_of_200_connections_is_answered_without_a_reset) {
  start({});
  std::vector<std::unique_ptr<Socket>> burst;
  for (int i = 0; i < 200; ++i) {
    burst.push_back(std::make_unique<Socket>(port));
    burst.back()->send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  }
  int answered = 0;
  for (const auto& s : burst) answered += s->read_all().find("\r\n\r\nhi") != std::string::npos;
  EXPECT_EQ(answered, 200);
}

TEST(HttpServerBytes, serve_bytes_answers_pipelined_requests_without_a_socket) {
  HttpServer server;
  server.Get("/hello", [](const auto&, auto& res) { res.set_content("hi", "text/plain"); });
  const std::string out = server.serve_bytes(
      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /nothing HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK", 0), 0U) << out;
  EXPECT_NE(out.find("HTTP/1.1 404 "), std::string::npos) << out;
}

}  // namespace
}  // namespace softbms::host::web
