// The inverter side of `softbms run`: every pylon-can / victron-can / pylon-485 --endpoint, all
// fed with the same battery (the device's own pack, or the aggregate of a parallel bank). CAN
// endpoints track the inverter's 0x305 keep-alive and announce the fail-safe once it is lost.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/endpoint/endpoint_spec.hpp"
#include "host/inverter/inverter_service.hpp"
#include "host/inverter/pylon485_service.hpp"
#include "host/loop/event_loop.hpp"

namespace softbms::host {

struct InverterLinkOptions {
  protocols::inverter::KeepAliveOptions keepalive;  // timeout and fail-safe of every CAN link
  uint8_t pylon_address = 2;                        // Pylon RS485 ADR we answer (2 = master)
};

class InverterEndpoints {
 public:
  // The endpoint protocols served here (the others are JK ones, EndpointServer).
  static bool serves(std::string_view protocol);
  // Opens every spec; the first that fails closes the ones opened before it.
  static Expected<std::unique_ptr<InverterEndpoints>> open(EventLoop& loop,
                                                           const std::vector<EndpointSpec>& specs,
                                                           FeedFn feed,
                                                           const InverterLinkOptions& options,
                                                           Notice notice);
  // A Pylon RS485 0x64 (system shutdown) request was answered.
  void set_on_shutdown(std::function<void()> fn) { on_shutdown_ = std::move(fn); }

  [[nodiscard]] bool empty() const { return links_.empty(); }
  // "pylon-can  slcan pty /tmp/can0 -> /dev/pts/7  Pylon LV ... keep-alive 10000 ms"
  [[nodiscard]] std::vector<std::string> startup_lines() const;
  // Per endpoint: protocol, endpoint, transport, link state, keep-alives, frames, announced.
  [[nodiscard]] nlohmann::json status_json() const;
  // "pylon-can present 120" per endpoint, for the status line.
  [[nodiscard]] std::string status_fragment() const;

 private:
  struct Link {
    EndpointSpec spec;
    std::unique_ptr<InverterService> can;
    std::unique_ptr<Pylon485Service> rs485;
  };
  InverterEndpoints(FeedFn feed, const InverterLinkOptions& options)
      : feed_(std::move(feed)), options_(options) {}
  Done open_one(EventLoop& loop, const EndpointSpec& spec, const Notice& notice);

  FeedFn feed_;
  InverterLinkOptions options_;
  std::vector<Link> links_;
  std::function<void()> on_shutdown_;
};

// The limits as JSON in the units of the status JSON (V, A).
nlohmann::json charge_result_json(const core::ChargeResult& r);

}  // namespace softbms::host
