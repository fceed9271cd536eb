#include "host/device/endpoint_server.hpp"

#include <array>
#include <string_view>

#include "host/device/jk_framing.hpp"
#include "host/transport/tcp.hpp"

namespace softbms::host {
namespace {

constexpr std::array<std::string_view, 3> kServed = {"jk-pb", "jk-4e57", "jk02"};

std::string error_text(const Status& s) {
  return std::string(errc_name(s.code())) + " (detail " + std::to_string(s.detail()) + ")";
}

// A JK board advertises its device name (the app's "Bluetooth name"); the model when unset.
std::string advertised_name(const core::DeviceInfo& d) {
  const std::string_view name = d.device_name.view();
  return std::string(name.empty() ? d.model.view() : name);
}

}  // namespace

bool EndpointServer::serves(std::string_view protocol) {
  for (auto p : kServed) {
    if (p == protocol) return true;
  }
  return false;
}

EndpointServer::EndpointServer(EventLoop& loop, EndpointSpec spec, uint8_t address,
                               DeviceAccess& device)
    : loop_(loop), spec_(std::move(spec)), address_(address), device_(device) {}

EndpointServer::~EndpointServer() {
  // The service's connections go with it; no stream may touch them afterwards.
  if (stream_timer_ != 0) loop_.cancel(stream_timer_);
  sessions_.clear();
  service_.reset();
}

Expected<std::unique_ptr<EndpointServer>> EndpointServer::open(EventLoop& loop,
                                                               const EndpointSpec& spec,
                                                               uint8_t default_address,
                                                               DeviceAccess& device) {
  if (!serves(spec.protocol)) {
    return make_error(Errc::unknown_field, "protocol",
                      "endpoint protocol " + spec.protocol +
                          " is not served by softbms run (jk-pb, jk-4e57, jk02)");
  }
  // JK protocols carry no password: a TCP endpoint that may write and that other machines can
  // reach hands the pack to anyone on the network. Only on the user's explicit word.
  if (spec.transport.kind == TransportKind::tcp && spec.policy != core::Authority::read_only &&
      !spec.allow_remote_writes && !listens_on_loopback_only(spec.transport.tcp)) {
    return make_error(
        Errc::not_authorized, "policy",
        "endpoint " + format_endpoint(spec) + " would let any machine that reaches " +
            (spec.transport.tcp.host.empty() ? std::string("this host") : spec.transport.tcp.host) +
            " write to the pack without a password: listen on 127.0.0.1, use "
            "policy=read-only, or add ,allow-remote-writes if that is what you want");
  }
  // Nor does BLE: whoever is in radio range could change the settings.
  if (spec.transport.kind == TransportKind::ble && spec.policy != core::Authority::read_only &&
      !spec.allow_remote_writes) {
    return make_error(Errc::not_authorized, "policy",
                      "endpoint " + format_endpoint(spec) +
                          " would let anyone in Bluetooth range write to the pack without a "
                          "password: use policy=read-only, or add ,allow-remote-writes if that is "
                          "what you want");
  }
  std::unique_ptr<EndpointServer> s(
      new EndpointServer(loop, spec, spec.address.value_or(default_address), device));
  EndpointServer* self = s.get();
  const int baud = effective_baud(spec);
  TransportSpec transport = spec.transport;
  if (transport.kind == TransportKind::ble) transport.path = advertised_name(device.bms().device());
  auto svc =
      StreamService::open(loop, transport, baud, jk_frame_rules(spec.protocol, baud),
                          [self](StreamService::Connection& c, std::span<const uint8_t> frame) {
                            self->on_frame(c, frame);
                          });
  if (!svc) return svc.error();
  s->service_ = std::move(svc).value();
  s->service_->set_notice([self](const std::string& line) { self->on_notice(line); });
  if (spec.protocol == "jk02")
    s->stream_timer_ = loop.every(kJk02StreamPeriod, [self] { self->push_stream(); });
  return s;
}

uint64_t EndpointServer::dropped_bytes() const {
  if (!service_) return 0;
  const AssemblerCounters t = service_->totals();
  return t.garbage_bytes + t.timed_out_bytes + t.overflow_bytes;
}

std::string EndpointServer::startup_line() const {
  std::string line = spec_.protocol;
  line.append(line.size() < 8 ? 8 - line.size() : 1, ' ');
  line += describe();
  if (spec_.protocol == "jk-pb") line += "  address " + std::to_string(address_);
  line += "  policy " + std::string(policy_name(spec_.policy));
  return line;
}

void EndpointServer::count(const Answer& a) {
  switch (a.verdict) {
    case Verdict::answered:
      ++counters_.answered;
      break;
    case Verdict::rejected:
      ++counters_.rejected;
      last_rejection_ = error_text(a.why);
      break;
    case Verdict::ignored:
      ++counters_.ignored;
      break;
  }
}

Jk02Session& EndpointServer::session_for(StreamService::Connection& c) {
  auto it = sessions_.find(c.id());
  if (it != sessions_.end()) return it->second.session;
  Stream s{nullptr, c.transport().describe(), {}};
  s.session.layout = layout_for_sw_version(device_.bms().device().sw_version.view());
  return sessions_.emplace(c.id(), std::move(s)).first->second.session;
}

void EndpointServer::on_frame(StreamService::Connection& c, std::span<const uint8_t> frame) {
  core::Bms& bms = device_.bms();
  const Milliseconds now = device_.core_now();
  Answer a;
  if (spec_.protocol == "jk-pb") {
    a = answer_jk_pb(frame, address_, spec_.policy, bms, now);
  } else if (spec_.protocol == "jk-4e57") {
    a = answer_4e57(frame, spec_.policy, bms, now);
  } else {
    a = answer_jk02(frame, spec_.policy, bms, now, session_for(c));
  }
  // Durable before acknowledged: the store is written and fsynced before any reply goes out.
  const Status saved = device_.after_request();
  if (a.wrote && !saved.ok()) refuse_unsaved(a, spec_.protocol, frame, saved);
  count(a);
  if (!a.reply.empty()) {
    [[maybe_unused]] Done d = c.reply(a.reply);
  }
  if (a.start_stream) {
    sessions_[c.id()].connection = &c;
    // The first cell-info frame follows the settings frame at once, as on BLE.
    const auto info = jk02_cell_info(bms, sessions_[c.id()].session);
    [[maybe_unused]] Done d = c.reply(info);
    ++counters_.streamed;
  }
}

void EndpointServer::on_notice(const std::string& line) {
  // StreamService says "closed: <transport>: <why>" just before it destroys a connection:
  // drop our pointer to it then.
  constexpr std::string_view kClosed = "closed: ";
  if (!line.starts_with(kClosed)) return;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    const std::string prefix = std::string(kClosed) + it->second.describe + ":";
    it = line.starts_with(prefix) ? sessions_.erase(it) : std::next(it);
  }
}

void EndpointServer::push_stream() {
  for (auto& [id, s] : sessions_) {
    if (s.connection == nullptr) continue;
    const auto info = jk02_cell_info(device_.bms(), s.session);
    // Never wait on a listener: a pty nobody reads fills up, and the loop must keep serving.
    Done d = s.connection->transport().write_all(info, Milliseconds(0));
    if (d) {
      ++counters_.streamed;
    } else if (spec_.transport.kind == TransportKind::tcp) {
      s.connection = nullptr;  // a TCP client that does not read gets no half frames
    } else {
      s.connection->transport().discard_unread_output();
    }
  }
}

}  // namespace softbms::host
