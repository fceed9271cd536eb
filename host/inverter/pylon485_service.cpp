#include "host/inverter/pylon485_service.hpp"

#include <array>

namespace softbms::host {

namespace inv = protocols::inverter;

FrameCheck pylon_frame_size(std::span<const uint8_t> buffered, bool /*line_idle*/) {
  if (buffered.empty()) return {};
  if (buffered[0] != '~') {
    size_t skip = 1;
    while (skip < buffered.size() && buffered[skip] != '~') ++skip;
    return {FrameStatus::garbage, skip};
  }
  for (size_t i = 1; i < buffered.size(); ++i) {
    if (buffered[i] == '\r') return {FrameStatus::complete, i + 1};
  }
  return {};
}

Expected<std::unique_ptr<Pylon485Service>> Pylon485Service::open(EventLoop& loop,
                                                                 const TransportSpec& spec,
                                                                 int baud, FeedFn feed,
                                                                 Pylon485Options options) {
  if (!feed) return make_error(Errc::bad_state, "pylon-485", "pylon-485: no battery feed");
  std::unique_ptr<Pylon485Service> s(new Pylon485Service(std::move(feed), options));
  Pylon485Service* self = s.get();
  // 1100 chars is the longest request plus slack; 200 ms of silence ends a broken one.
  FrameRules rules{pylon_frame_size, Milliseconds(200), 1100};
  auto service = StreamService::open(
      loop, spec, baud, rules,
      [self](StreamService::Connection& c, std::span<const uint8_t> f) { self->on_frame(c, f); });
  if (!service) return service.error();
  s->service_ = std::move(service).value();
  return s;
}

void Pylon485Service::on_frame(StreamService::Connection& c, std::span<const uint8_t> frame) {
  const BatteryFeed feed = feed_();
  const inv::BatteryIdentity identity = identity_for(options_.identity, feed);
  const inv::InverterInput in{feed.snapshot, feed.charge, feed.settings, identity};
  std::array<char, 2 * inv::kPylonMaxInfo + 64> out{};
  const std::string_view request(reinterpret_cast<const char*>(frame.data()), frame.size());
  const auto reply = inv::pylon_answer(request, in, options_.rs485, out);
  if (!reply.ok() || reply.value().size == 0) {
    ++ignored_;
    return;
  }
  ++answered_;
  (void)c.reply(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(out.data()), reply.value().size));
  if (reply.value().action == inv::Rs485Action::shutdown && on_shutdown_) on_shutdown_();
}

}  // namespace softbms::host
