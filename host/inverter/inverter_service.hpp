// The battery's side of an inverter link, bound to an event loop: sends the protocol's CAN
// frames on their schedule, tracks the inverter's 0x305 keep-alive and, once the link was seen
// and then lost, announces the fail-safe (docs/inverters.md). The battery it represents comes
// from a feed: one pack, or the aggregate of a parallel bank.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/charge/charge_types.hpp"
#include "core/io/snapshot.hpp"
#include "core/settings/settings.hpp"
#include "host/can/can_transport.hpp"
#include "host/loop/event_loop.hpp"
#include "protocols/inverter/can_protocol.hpp"
#include "protocols/inverter/can_schedule.hpp"
#include "protocols/inverter/inverter_input.hpp"
#include "protocols/inverter/keepalive.hpp"

namespace softbms::host {

// What the inverter is told about, as of now.
struct BatteryFeed {
  core::Snapshot snapshot;
  core::ChargeResult charge;
  core::Settings settings =
      core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
  uint8_t module_count = 1;  // packs online behind this battery
  // A parallel bank's counts for Victron 0x372; a single pack leaves bank_counts false.
  bool bank_counts = false;
  uint8_t blocking_charge = 0;
  uint8_t blocking_discharge = 0;
  uint8_t offline = 0;
};

// The identity an inverter frame carries for this feed: the module counts of the bank.
protocols::inverter::BatteryIdentity identity_for(const protocols::inverter::BatteryIdentity& base,
                                                  const BatteryFeed& feed);
using FeedFn = std::function<BatteryFeed()>;
using Notice = std::function<void(const std::string&)>;

struct InverterOptions {
  protocols::inverter::CanProtocol protocol = protocols::inverter::CanProtocol::pylon;
  protocols::inverter::CanOptions can;
  protocols::inverter::KeepAliveOptions keepalive;
  // The strings a BatteryIdentity points to must outlive the service (literals do).
  protocols::inverter::BatteryIdentity identity;
  Milliseconds tick{100};  // scheduler resolution; the protocol sets the frame periods
};

// The inverter-facing protocol of an endpoint name: "pylon-can" -> pylon, "victron-can" ->
// victron; nullopt for names that are not CAN inverter protocols.
std::optional<protocols::inverter::CanProtocol> can_protocol_for_endpoint(std::string_view name);

class InverterService {
 public:
  static Expected<std::unique_ptr<InverterService>> open(EventLoop& loop,
                                                         std::unique_ptr<CanTransport> can,
                                                         FeedFn feed, InverterOptions options = {});
  ~InverterService();
  InverterService(const InverterService&) = delete;
  InverterService& operator=(const InverterService&) = delete;

  void set_notice(Notice n) { notice_ = std::move(n); }
  [[nodiscard]] protocols::inverter::LinkState link_state() const { return link_.state(); }
  [[nodiscard]] const protocols::inverter::InverterLink& link() const { return link_; }
  // The charge result as last sent (fail-safe applied).
  [[nodiscard]] const core::ChargeResult& announced() const { return announced_; }
  [[nodiscard]] const CanCounters& counters() const { return can_->counters(); }
  [[nodiscard]] std::string describe() const;
  // Runs one scheduler step at `now` (the timer calls it; tests may too).
  void tick(Milliseconds now);

 private:
  InverterService(EventLoop& loop, std::unique_ptr<CanTransport> can, FeedFn feed,
                  InverterOptions options, const protocols::inverter::Dialect& dialect);
  void on_readable(IoEvents ev);
  void tell(const std::string& line) const;

  EventLoop& loop_;
  std::unique_ptr<CanTransport> can_;
  FeedFn feed_;
  InverterOptions options_;
  protocols::inverter::CanScheduler scheduler_;
  protocols::inverter::InverterLink link_;
  core::ChargeResult announced_;
  Notice notice_;
  EventLoop::Id watch_ = 0;
  EventLoop::Id timer_ = 0;
  bool failed_ = false;
};

std::string_view link_state_name(protocols::inverter::LinkState s);

}  // namespace softbms::host
