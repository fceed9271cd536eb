// One --endpoint of the virtual device: a StreamService carrying one JK protocol, the write
// policy and address it was given, and its counters of good and refused frames.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/bms/bms.hpp"
#include "host/device/responders.hpp"
#include "host/endpoint/endpoint_spec.hpp"
#include "host/endpoint/stream_service.hpp"
#include "host/loop/event_loop.hpp"

namespace softbms::host {

// What an endpoint needs from the device it serves.
class DeviceAccess {
 public:
  virtual core::Bms& bms() = 0;
  // The core's time (simulated: it runs --speed times faster than the wall clock).
  [[nodiscard]] virtual Milliseconds core_now() const = 0;
  // Called after every request, before its reply is sent: saves at once (written and fsynced)
  // what must survive a crash. Not ok = the save failed; a write must then not be acknowledged.
  virtual Status after_request() = 0;

 protected:
  ~DeviceAccess() = default;
};

struct EndpointCounters {
  uint64_t answered = 0;  // good frames answered or applied
  uint64_t rejected =
      0;  // frames refused: bad length, header, checksum/CRC, register, value, policy
  uint64_t ignored = 0;   // good frames for another RS485 address
  uint64_t streamed = 0;  // jk02 cell-info frames sent unasked
};

class EndpointServer {
 public:
  // The protocols this device serves (a subset of endpoint_protocols()).
  static bool serves(std::string_view protocol);
  // `default_address` is --address; an endpoint's own addr= wins over it.
  static Expected<std::unique_ptr<EndpointServer>> open(EventLoop& loop, const EndpointSpec& spec,
                                                        uint8_t default_address,
                                                        DeviceAccess& device);
  ~EndpointServer();
  EndpointServer(const EndpointServer&) = delete;
  EndpointServer& operator=(const EndpointServer&) = delete;

  [[nodiscard]] const EndpointSpec& spec() const { return spec_; }
  [[nodiscard]] uint8_t address() const { return address_; }
  [[nodiscard]] const EndpointCounters& counters() const { return counters_; }
  // Bytes the framing threw away (garbage, half frames, overlong input).
  [[nodiscard]] uint64_t dropped_bytes() const;
  [[nodiscard]] std::string describe() const { return service_ ? service_->describe() : "closed"; }
  [[nodiscard]] uint16_t tcp_port() const { return service_ ? service_->tcp_port() : 0; }
  // "jk-pb    pty /tmp/jkpb -> /dev/pts/5  address 1  policy settings"
  [[nodiscard]] std::string startup_line() const;
  // The last rejection, for the log.
  [[nodiscard]] const std::string& last_rejection() const { return last_rejection_; }

 private:
  struct Stream {
    StreamService::Connection* connection;
    std::string describe;
    Jk02Session session;
  };
  EndpointServer(EventLoop& loop, EndpointSpec spec, uint8_t address, DeviceAccess& device);
  void on_frame(StreamService::Connection& c, std::span<const uint8_t> frame);
  void on_notice(const std::string& line);
  void push_stream();
  Jk02Session& session_for(StreamService::Connection& c);
  void count(const Answer& a);

  EventLoop& loop_;
  EndpointSpec spec_;
  uint8_t address_;
  DeviceAccess& device_;
  std::unique_ptr<StreamService> service_;
  EndpointCounters counters_;
  std::string last_rejection_;
  // jk02: every connection has its own frame counter; those that sent 0x96 are streamed to.
  std::map<uint32_t, Stream> sessions_;
  EventLoop::Id stream_timer_ = 0;
};

// The interval of the jk02 cell-info stream (the JK app's BLE rate; wall clock, not --speed).
inline constexpr Milliseconds kJk02StreamPeriod{500};

}  // namespace softbms::host
