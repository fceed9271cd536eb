#include "host/inverter/inverter_service.hpp"

#include <array>

namespace softbms::host {

namespace inv = protocols::inverter;

std::string_view link_state_name(inv::LinkState s) {
  constexpr std::string_view names[] = {"waiting", "present", "lost"};
  return names[static_cast<int>(s)];
}

inv::BatteryIdentity identity_for(const inv::BatteryIdentity& base, const BatteryFeed& feed) {
  inv::BatteryIdentity id = base;
  id.module_count = feed.module_count;
  id.bank_counts = feed.bank_counts;
  id.modules_blocking_charge = feed.blocking_charge;
  id.modules_blocking_discharge = feed.blocking_discharge;
  id.modules_offline = feed.offline;
  return id;
}

std::optional<inv::CanProtocol> can_protocol_for_endpoint(std::string_view name) {
  struct Row {
    std::string_view endpoint;
    inv::CanProtocol protocol;
  };
  constexpr Row rows[] = {{"pylon-can", inv::CanProtocol::pylon},
                          {"victron-can", inv::CanProtocol::victron}};
  for (const Row& r : rows) {
    if (r.endpoint == name) return r.protocol;
  }
  return std::nullopt;
}

InverterService::InverterService(EventLoop& loop, std::unique_ptr<CanTransport> can, FeedFn feed,
                                 InverterOptions options, const inv::Dialect& dialect)
    : loop_(loop),
      can_(std::move(can)),
      feed_(std::move(feed)),
      options_(options),
      scheduler_(dialect),
      link_(options.keepalive) {}

Expected<std::unique_ptr<InverterService>> InverterService::open(EventLoop& loop,
                                                                 std::unique_ptr<CanTransport> can,
                                                                 FeedFn feed,
                                                                 InverterOptions options) {
  const inv::Dialect* d = inv::dialect(options.protocol);
  if (d == nullptr) {
    return make_error(Errc::unknown_field, "protocol",
                      "inverter: CAN protocol " +
                          std::to_string(static_cast<int>(options.protocol)) +
                          " is not one softbms speaks");
  }
  if (!can || can->fd() < 0 || !feed) {
    return make_error(Errc::bad_state, "inverter", "inverter: no open CAN transport or no feed");
  }
  std::unique_ptr<InverterService> s(
      new InverterService(loop, std::move(can), std::move(feed), options, *d));
  InverterService* self = s.get();
  s->watch_ = loop.watch(s->can_->fd(), [self](IoEvents ev) { self->on_readable(ev); });
  s->timer_ = loop.every(options.tick, [self] { self->tick(self->loop_.now()); });
  self->tick(loop.now());  // the first burst at once, as a real battery does at power-on
  return s;
}

InverterService::~InverterService() {
  if (watch_ != 0) loop_.unwatch(watch_);
  if (timer_ != 0) loop_.cancel(timer_);
}

std::string InverterService::describe() const {
  return std::string(scheduler_.dialect().title) + " on " + can_->describe();
}

void InverterService::tell(const std::string& line) const {
  if (notice_) notice_(line);
}

void InverterService::on_readable(IoEvents ev) {
  const Milliseconds now = loop_.now();
  auto n = can_->receive([this, now](const CanFrame& f) {
    const inv::LinkState before = link_.state();
    if (link_.on_frame(f, now) && before != inv::LinkState::present) {
      tell("inverter: keep-alive 0x305 heard, link present");
    }
  });
  if (!n || ev.error) {
    if (!failed_) tell("inverter: " + (n ? std::string("transport error") : n.error().message));
    failed_ = true;
    loop_.unwatch(watch_);
    watch_ = 0;
  }
}

void InverterService::tick(Milliseconds now) {
  const inv::LinkState before = link_.state();
  const inv::LinkState state = link_.step(now);
  if (state == inv::LinkState::lost && before != state) {
    tell("inverter: no keep-alive for " + std::to_string(options_.keepalive.timeout.count()) +
         " ms, link lost: fail-safe applies");
  }
  const BatteryFeed feed = feed_();
  announced_ = inv::apply_fail_safe(feed.charge, state, options_.keepalive.fail_safe);
  const inv::BatteryIdentity identity = identity_for(options_.identity, feed);
  const inv::InverterInput in{feed.snapshot, announced_, feed.settings, identity};
  std::array<CanFrame, inv::kMaxScheduled> frames{};
  const std::size_t n = scheduler_.frames(now, in, options_.can, frames);
  for (std::size_t i = 0; i < n; ++i) {
    auto sent = can_->send(frames[i]);
    if (!sent && !failed_) {
      tell("inverter: " + sent.error().message);
      failed_ = true;
    }
  }
}

}  // namespace softbms::host
