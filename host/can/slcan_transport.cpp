#include "host/can/slcan_transport.hpp"

#include <array>

namespace softbms::host {

using protocols::inverter::slcan_bitrate;
using protocols::inverter::slcan_decode;
using protocols::inverter::slcan_encode;
using protocols::inverter::slcan_reply;
using protocols::inverter::SlcanKind;
using protocols::inverter::SlcanMessage;

char slcan_bitrate_code(uint32_t bitrate) {
  for (char c = '0'; c <= '8'; ++c) {
    if (slcan_bitrate(c) == bitrate) return c;
  }
  return '\0';
}

SlcanTransport::SlcanTransport(std::unique_ptr<Transport> stream, SlcanOptions options)
    : stream_(std::move(stream)), options_(options) {}

Expected<std::unique_ptr<SlcanTransport>> SlcanTransport::open(std::unique_ptr<Transport> stream,
                                                               SlcanOptions options) {
  if (!stream || !stream->is_open()) {
    return make_error(Errc::bad_state, "slcan", "slcan: the byte stream is not open");
  }
  if (slcan_bitrate_code(options.bitrate) == '\0') {
    return make_error(Errc::out_of_range, "bitrate",
                      "slcan: bitrate " + std::to_string(options.bitrate) +
                          " has no S code (10k, 20k, 50k, 100k, 125k, 250k, 500k, 800k, 1M)");
  }
  std::unique_ptr<SlcanTransport> t(new SlcanTransport(std::move(stream), options));
  if (options.role == SlcanRole::host) {
    if (Done d = t->start_host_role(); !d) return d.error();
  }
  return t;
}

std::string SlcanTransport::describe() const {
  return std::string("slcan ") + (options_.role == SlcanRole::adapter ? "adapter" : "host") +
         " on " + stream_->describe();
}

void SlcanTransport::close() {
  if (options_.role == SlcanRole::host && stream_->is_open()) (void)write_text("C\r");
  open_ = false;
  stream_->close();
}

Done SlcanTransport::write_text(std::string_view text) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  return stream_->write_all(std::span<const uint8_t>(p, text.size()), options_.write_timeout);
}

Done SlcanTransport::start_host_role() {
  // C first: an adapter left open by an earlier program refuses S while open.
  const char code[] = {'C', '\r', 'S', slcan_bitrate_code(options_.bitrate), '\r', 'O', '\r'};
  if (Done d = write_text(std::string_view(code, sizeof code)); !d) return d;
  open_ = true;
  bitrate_ = options_.bitrate;
  return {};
}

Expected<bool> SlcanTransport::send(const CanFrame& f) {
  if (!open_ || listen_only_) {
    ++counters_.dropped;
    return false;
  }
  std::array<char, protocols::inverter::kSlcanMaxLine> line{};
  const auto n = slcan_encode(f, line);
  if (!n.ok()) {
    ++counters_.dropped;
    return make_error(n.status().code(), "frame", "slcan: frame id or length out of range");
  }
  if (Done d = write_text(std::string_view(line.data(), n.value())); !d) {
    ++counters_.dropped;
    if (is_peer_closed(d.error())) return d.error();
    return false;  // the reader is not keeping up: drop this frame, keep the link
  }
  ++counters_.sent;
  return true;
}

void SlcanTransport::adapter_line(const Result<SlcanMessage>& m, const FrameSink& sink,
                                  size_t& frames) {
  std::string_view reply = slcan_reply(m);
  if (!m.ok()) {
    ++counters_.bad_input;
  } else {
    const SlcanMessage& msg = m.value();
    switch (msg.kind) {
      case SlcanKind::open:
      case SlcanKind::listen_only:
        open_ = true;
        listen_only_ = msg.kind == SlcanKind::listen_only;
        break;
      case SlcanKind::close:
        // Frames queued for a host that went away without C must not reach the next one,
        // which starts with C (python-can, slcand).
        if (open_) stream_->discard_unread_output();
        open_ = false;
        break;
      case SlcanKind::bitrate:
        if (open_)
          reply = "\a";  // a real adapter refuses a bitrate change while open
        else
          bitrate_ = msg.bitrate;
        break;
      case SlcanKind::frame:
      case SlcanKind::remote_frame:
        if (!open_ || listen_only_) {
          reply = "\a";
          break;
        }
        ++frames;
        ++counters_.received;
        if (msg.kind == SlcanKind::frame) sink(msg.frame);
        break;
      default:
        break;
    }
  }
  (void)write_text(reply);
}

void SlcanTransport::on_line(std::string_view line, const FrameSink& sink, size_t& frames) {
  const auto m = slcan_decode(line);
  if (options_.role == SlcanRole::adapter) {
    adapter_line(m, sink, frames);
    return;
  }
  // Host role: the adapter's frames from the bus; its z / Z acknowledgements carry nothing.
  if (m.ok() && m.value().kind == SlcanKind::frame) {
    ++frames;
    ++counters_.received;
    sink(m.value().frame);
  } else if (!m.ok() && line != "z" && line != "Z") {
    ++counters_.bad_input;
  }
}

Expected<size_t> SlcanTransport::receive(const FrameSink& sink) {
  size_t frames = 0;
  std::array<uint8_t, 256> buf{};
  for (;;) {
    auto n = stream_->read_some(buf);
    if (!n) return n.error();
    if (n.value() == 0) return frames;
    for (size_t i = 0; i < n.value(); ++i) {
      const char c = static_cast<char>(buf[i]);
      if (c == '\a') {  // an adapter's error answer has no line end of its own
        ++counters_.bad_input;
        continue;
      }
      const std::string_view line = reader_.push(c);
      if (!line.empty()) on_line(line, sink, frames);
    }
  }
}

}  // namespace softbms::host
