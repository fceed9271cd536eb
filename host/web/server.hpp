// The dashboard's HTTP server: the embedded front end, a JSON API over the packs, a
// Server-Sent Events stream of snapshots, and logins with the board's settings password.
// API reference: docs/web.md.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/web/aggregate.hpp"
#include "host/web/history.hpp"
#include "host/web/host_check.hpp"
#include "host/web/http_server.hpp"
#include "host/web/pack_access.hpp"
#include "host/web/sessions.hpp"

namespace softbms::host::web {

// One write through the dashboard (or a login), kept for GET .../events and handed to
// ServerOptions::on_write so the host can also put it in its own log.
struct WriteRecord {
  int64_t t_ms = 0;    // Unix time
  std::string who;     // "web 127.0.0.1 #a1b2c3d4" (the session), or "web 127.0.0.1" before login
  std::string pack;    // pack id ("" for a login to every pack)
  std::string action;  // "settings cell_ovp=3650", "switch charge off", "login", ...
  std::string result;  // "ok" or why it was refused
};
nlohmann::json to_json(const WriteRecord& w);

struct ServerOptions {
  std::string address = "127.0.0.1";
  int port = 8080;        // 0 = any free port (see WebServer::port())
  bool parallel = false;  // the packs run in parallel: the dashboard also shows the bank
  // Reads without a login. Unset = open only when listening on a loopback address.
  std::optional<bool> open_reads;
  SessionPolicy sessions{};
  int64_t sample_interval_ms = 1000;  // snapshots for the stream and the history
  std::size_t history_capacity = 86'400;
  std::size_t max_streams = 8;  // each open stream holds one server thread
  int64_t max_stream_ms =
      int64_t{10} * 60 * 1000;  // then the browser reconnects (and is checked again)
  // Names besides loopback ones and the address a connection arrives on that logins and writes
  // may use in Host (`--allowed-host`, docs/security.md).
  HostPolicy hosts;
  ConnectionLimits connections;  // threads, deadlines and sizes (http_server.hpp)
  std::size_t write_log_capacity = 500;
  std::function<int64_t()> clock;  // Unix ms; unset = the system clock
  std::function<void(const WriteRecord&)> on_write;
  // `softbms run --packs N`: the master's own view of the bank (aggregate.hpp BankSource).
  BankSource bank;
  RandomSource random;  // unset = getrandom
  // Plain-text GET routes the host adds beside the API (softbms serves /metrics this way).
  // They follow the read rule of /api unless `open` (then anyone who reaches the port may read).
  struct TextRoute {
    std::string path;
    std::string content_type;
    std::function<std::string()> body;  // called on a server thread
    bool open = false;
  };
  std::vector<TextRoute> text_routes;
};

class WebServer {
 public:
  WebServer(std::vector<PackAccess*> packs, ServerOptions options);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Applies the bind policy, binds and serves on background threads. On failure returns the
  // message to show (a refused address, a port in use) and serves nothing.
  std::optional<std::string> start();
  void stop();
  [[nodiscard]] int port() const { return port_; }
  // Takes one snapshot of every pack now (what the sampler thread does every interval).
  void sample_now();
  // Runs raw request bytes through the server as one connection from 127.0.0.1, without a
  // socket (start() not needed): what the server would send back. The fuzzer's way in.
  std::string serve_bytes(std::string_view request);

 private:
  struct Reply;
  class Routes;
  friend class Routes;

  void configure();
  int64_t now() const;
  void sampler_loop();
  void record_write(WriteRecord w);

  std::vector<PackAccess*> packs_;
  ServerOptions options_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<Routes> routes_;
  std::thread listener_;
  std::thread sampler_;
  int port_ = 0;
  bool running_ = false;

  // One lock for packs, sessions, history and the write log: requests are few and short.
  mutable std::mutex mu_;
  std::condition_variable cv_;  // a new sample, or stopping
  bool stopping_ = false;
  uint64_t generation_ = 0;
  std::string latest_event_;  // the SSE payload of the newest sample
  std::size_t streams_ = 0;
  SessionStore sessions_;
  std::map<std::string, HistoryRing> history_;
  std::deque<WriteRecord> writes_;
};

}  // namespace softbms::host::web
