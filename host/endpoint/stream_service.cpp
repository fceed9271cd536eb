#include "host/endpoint/stream_service.hpp"

#include <utility>
#include <vector>

#include "host/transport/ble_transport.hpp"
#include "host/transport/pty.hpp"
#include "host/transport/serial.hpp"

namespace softbms::host {

namespace {

void add_counters(AssemblerCounters& to, const AssemblerCounters& from) {
  to.frames += from.frames;
  to.garbage_bytes += from.garbage_bytes;
  to.timed_out_bytes += from.timed_out_bytes;
  to.overflow_bytes += from.overflow_bytes;
}

Expected<std::unique_ptr<Transport>> open_line(const TransportSpec& spec, int baud) {
  if (spec.kind == TransportKind::pty) {
    auto p = PtyTransport::open(spec.path);
    if (!p) return p.error();
    return std::unique_ptr<Transport>(std::move(p).value());
  }
  if (spec.kind == TransportKind::ble) {
    auto b = BleTransport::serve(spec.interface, spec.path.empty() ? "JK-softbms" : spec.path, {});
    if (!b) return b.error();
    return std::unique_ptr<Transport>(std::move(b).value());
  }
  SerialOptions o;
  o.baud = baud;
  auto s = SerialTransport::open(spec.path, o);
  if (!s) return s.error();
  return std::unique_ptr<Transport>(std::move(s).value());
}

}  // namespace

StreamService::Connection::Connection(uint32_t id, std::unique_ptr<Transport> t, FrameRules rules,
                                      StreamService& owner)
    : id_(id),
      transport_(std::move(t)),
      assembler_(std::move(rules),
                 [this](std::span<const uint8_t> frame) { owner_.on_frame_(*this, frame); }),
      owner_(owner) {}

Done StreamService::Connection::reply(std::span<const uint8_t> bytes) {
  if (dead_) return make_error(Errc::bad_state, std::string(kPeerClosed), "connection closed");
  Done d = transport_->write_all(bytes, owner_.options_.write_timeout);
  if (d) return d;
  // A TCP client that stops reading is dropped. A pty or serial line is the endpoint itself:
  // it stays open for the next client, with the unread reply thrown away.
  if (owner_.server_ || is_peer_closed(d.error())) {
    dead_ = true;
  } else {
    transport_->discard_unread_output();
  }
  return d;
}

StreamService::StreamService(EventLoop& loop, FrameRules rules, FrameHandler on_frame,
                             ServiceOptions options)
    : loop_(loop), rules_(std::move(rules)), on_frame_(std::move(on_frame)), options_(options) {}

Expected<std::unique_ptr<StreamService>> StreamService::open(EventLoop& loop,
                                                             const TransportSpec& spec, int baud,
                                                             FrameRules rules,
                                                             FrameHandler on_frame,
                                                             ServiceOptions options) {
  if (is_can(spec.kind)) {
    return make_error(
        Errc::bad_value, "transport",
        std::string(transport_kind_name(spec.kind)) + " carries CAN frames, not a byte stream");
  }
  std::unique_ptr<StreamService> s(
      new StreamService(loop, std::move(rules), std::move(on_frame), options));
  if (spec.kind == TransportKind::tcp) {
    auto server = TcpServer::listen(spec.tcp);
    if (!server) return server.error();
    s->server_ = std::move(server).value();
    StreamService* self = s.get();
    s->server_watch_ = loop.watch(s->server_->fd(), [self](IoEvents) { self->on_accept(); });
    return s;
  }
  auto line = open_line(spec, baud);
  if (!line) return line.error();
  s->add_connection(std::move(line).value());
  return s;
}

StreamService::~StreamService() {
  if (server_watch_ != 0) loop_.unwatch(server_watch_);
  for (auto& [id, c] : conns_) {
    loop_.unwatch(c->watch_);
    loop_.cancel(c->timer_);
  }
}

std::string StreamService::describe() const {
  if (server_) return server_->describe();
  return conns_.empty() ? "closed" : conns_.begin()->second->transport_->describe();
}

AssemblerCounters StreamService::totals() const {
  AssemblerCounters t = closed_totals_;
  for (const auto& [id, c] : conns_) add_counters(t, c->assembler_.counters());
  return t;
}

void StreamService::tell(const std::string& line) const {
  if (notice_) notice_(line);
}

void StreamService::add_connection(std::unique_ptr<Transport> t) {
  const uint32_t id = next_id_++;
  auto c = std::unique_ptr<Connection>(new Connection(id, std::move(t), rules_, *this));
  c->watch_ = loop_.watch(c->transport_->fd(), [this, id](IoEvents) { on_readable(id); });
  tell("connected: " + c->transport_->describe());
  conns_.emplace(id, std::move(c));
}

void StreamService::remove_connection(uint32_t id, const std::string& why) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Connection& c = *it->second;
  loop_.unwatch(c.watch_);
  loop_.cancel(c.timer_);
  add_counters(closed_totals_, c.assembler_.counters());
  tell("closed: " + c.transport_->describe() + ": " + why);
  conns_.erase(it);
}

void StreamService::on_accept() {
  for (auto client = server_->accept(); client && client.value(); client = server_->accept()) {
    if (conns_.size() >= options_.max_clients) {
      tell("refused " + client.value()->describe() + ": " + std::to_string(options_.max_clients) +
           " clients already connected");
      continue;  // the stream closes as it goes out of scope
    }
    add_connection(std::move(client).value());
  }
}

void StreamService::on_readable(uint32_t id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Connection& c = *it->second;
  const Milliseconds now = loop_.now();
  // The first bytes after a silence start a new exchange: replies nobody read by now belong
  // to a client that left (or gave up), and must not reach whoever asks next. Within a burst
  // nothing is dropped, so pipelined requests all get their replies.
  if (now - c.last_rx_ >= rules_.inter_byte_timeout) c.transport_->discard_unread_output();
  c.last_rx_ = now;
  std::vector<uint8_t> buf(options_.read_chunk);
  for (;;) {
    auto n = c.transport_->read_some(buf);
    if (!n) return remove_connection(id, n.error().message);
    if (n.value() == 0) break;
    c.assembler_.feed(std::span(buf.data(), n.value()), now);
    if (c.dead_) return remove_connection(id, "reply could not be written");
  }
  rearm_timer(c);
}

void StreamService::rearm_timer(Connection& c) {
  loop_.cancel(c.timer_);
  c.timer_ = 0;
  const auto deadline = c.assembler_.deadline();
  if (!deadline) return;
  const uint32_t id = c.id_;
  c.timer_ = loop_.after(*deadline - loop_.now(), [this, id] {
    auto it = conns_.find(id);
    if (it == conns_.end()) return;
    it->second->timer_ = 0;
    it->second->assembler_.on_time(loop_.now());
    if (it->second->dead_) return remove_connection(id, "reply could not be written");
    rearm_timer(*it->second);
  });
}

}  // namespace softbms::host
