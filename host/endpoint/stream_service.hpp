// Serves a request/response protocol on a byte-stream endpoint: one pty or serial line, or a
// TCP server with several clients. Every connection has its own FrameAssembler; each complete
// frame goes to the handler, which answers through Connection::reply.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "host/endpoint/endpoint_spec.hpp"
#include "host/endpoint/frame_assembler.hpp"
#include "host/loop/event_loop.hpp"
#include "host/transport/tcp.hpp"
#include "host/transport/transport.hpp"

namespace softbms::host {

struct ServiceOptions {
  size_t max_clients = 8;           // TCP: further clients are accepted and closed at once
  Milliseconds write_timeout{500};  // a client that does not read is dropped after this
  size_t read_chunk = 512;
};

class StreamService {
 public:
  class Connection {
   public:
    [[nodiscard]] uint32_t id() const { return id_; }
    [[nodiscard]] Transport& transport() { return *transport_; }
    // Writes a whole reply; a client that has gone or stopped reading is closed afterwards.
    Done reply(std::span<const uint8_t> bytes);

   private:
    friend class StreamService;
    Connection(uint32_t id, std::unique_ptr<Transport> t, FrameRules rules, StreamService& owner);
    uint32_t id_;
    std::unique_ptr<Transport> transport_;
    FrameAssembler assembler_;
    StreamService& owner_;
    EventLoop::Id watch_ = 0;
    EventLoop::Id timer_ = 0;
    bool dead_ = false;
    Milliseconds last_rx_{INT64_MIN / 2};
  };

  using FrameHandler = std::function<void(Connection&, std::span<const uint8_t> frame)>;
  // Connects, disconnects, refused clients, transport errors: one line each, for the log.
  using Notice = std::function<void(const std::string&)>;

  // Opens the transport (pty, serial at `baud`, or a TCP listener) and starts serving. CAN
  // transports are not byte streams and are refused.
  static Expected<std::unique_ptr<StreamService>> open(EventLoop& loop, const TransportSpec& spec,
                                                       int baud, FrameRules rules,
                                                       FrameHandler on_frame,
                                                       ServiceOptions options = {});
  ~StreamService();
  StreamService(const StreamService&) = delete;
  StreamService& operator=(const StreamService&) = delete;

  void set_notice(Notice n) { notice_ = std::move(n); }
  [[nodiscard]] std::string describe() const;
  [[nodiscard]] size_t connection_count() const { return conns_.size(); }
  // The port a TCP service listens on (useful after asking for port 0); 0 otherwise.
  [[nodiscard]] uint16_t tcp_port() const { return server_ ? server_->port() : 0; }
  // Counters summed over the connections that are open now and those already closed.
  [[nodiscard]] AssemblerCounters totals() const;

 private:
  StreamService(EventLoop& loop, FrameRules rules, FrameHandler on_frame, ServiceOptions options);
  void add_connection(std::unique_ptr<Transport> t);
  void remove_connection(uint32_t id, const std::string& why);
  void on_readable(uint32_t id);
  void on_accept();
  void rearm_timer(Connection& c);
  void tell(const std::string& line) const;

  EventLoop& loop_;
  FrameRules rules_;
  FrameHandler on_frame_;
  ServiceOptions options_;
  Notice notice_;
  std::unique_ptr<TcpServer> server_;
  EventLoop::Id server_watch_ = 0;
  std::map<uint32_t, std::unique_ptr<Connection>> conns_;
  uint32_t next_id_ = 1;
  AssemblerCounters closed_totals_;
};

}  // namespace softbms::host
