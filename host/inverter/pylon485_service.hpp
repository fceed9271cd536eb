// Pylontech RS485 as a battery on a stream endpoint (pty, serial, TCP): each ~...\r request
// goes through pylon_answer with the battery the feed describes. A 0x64 shutdown request is
// handed to on_shutdown for the device to turn into a Command.
#pragma once

#include <functional>
#include <memory>

#include "host/endpoint/stream_service.hpp"
#include "host/inverter/inverter_service.hpp"
#include "protocols/inverter/pylon_rs485_battery.hpp"

namespace softbms::host {

// Frames start at '~' and end at '\r'; anything before a '~' is line noise.
FrameCheck pylon_frame_size(std::span<const uint8_t> buffered, bool line_idle);

struct Pylon485Options {
  protocols::inverter::Rs485Options rs485;
  protocols::inverter::BatteryIdentity identity;  // rs485_address: ours (2 = group master)
};

class Pylon485Service {
 public:
  static Expected<std::unique_ptr<Pylon485Service>> open(EventLoop& loop, const TransportSpec& spec,
                                                         int baud, FeedFn feed,
                                                         Pylon485Options options = {});
  void set_on_shutdown(std::function<void()> cb) { on_shutdown_ = std::move(cb); }
  void set_notice(StreamService::Notice n) { service_->set_notice(std::move(n)); }
  [[nodiscard]] uint64_t answered() const { return answered_; }
  [[nodiscard]] uint64_t ignored() const { return ignored_; }
  [[nodiscard]] std::string describe() const { return "pylon-485 on " + service_->describe(); }

 private:
  Pylon485Service(FeedFn feed, Pylon485Options options)
      : feed_(std::move(feed)), options_(options) {}
  void on_frame(StreamService::Connection& c, std::span<const uint8_t> frame);

  FeedFn feed_;
  Pylon485Options options_;
  std::unique_ptr<StreamService> service_;
  std::function<void()> on_shutdown_;
  uint64_t answered_ = 0;
  uint64_t ignored_ = 0;
};

}  // namespace softbms::host
