// One request, one reply, over a byte stream, with the pacing real JK clients keep: at least
// 120 ms between commands, stale bytes dropped before a request, a reply window per request.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "host/client/wire.hpp"
#include "host/transport/transport.hpp"

namespace softbms::host::client {

struct Timing {
  Milliseconds gap{120};          // quiet time between two commands ([DSB])
  Milliseconds reply{500};        // status replies
  Milliseconds long_reply{1000};  // settings, about, logbook and write replies
  Milliseconds ack_linger{60};    // after a JK-PB dump, how long to wait for its FC10 ACK
  int attempts = 3;               // reads; writes go out once
};

// Says where a complete reply sits in the bytes received so far.
using Scanner = std::function<Scan(Bytes)>;

// Every byte sent and received, for --verbose.
using Trace = std::function<void(std::string_view direction, Bytes bytes)>;

class Link {
 public:
  Link(Transport& transport, Timing timing) : t_(transport), timing_(timing) {}

  // Sends `request` and collects bytes until `scan` finds a reply or `window` passes. The reply
  // bytes are returned; an empty result means no (complete) answer came in time.
  Expected<std::vector<uint8_t>> exchange(Bytes request, const Scanner& scan, Milliseconds window);
  // The same, `attempts` times until a reply comes.
  Expected<std::vector<uint8_t>> ask(Bytes request, const Scanner& scan, Milliseconds window,
                                     int attempts);
  // Keeps reading (no request) until `scan` finds a reply or `window` passes.
  Expected<std::vector<uint8_t>> listen(const Scanner& scan, Milliseconds window);

  [[nodiscard]] const Timing& timing() const { return timing_; }
  void set_trace(Trace trace) { trace_ = std::move(trace); }

 private:
  void drain();
  void keep_gap();

  Transport& t_;
  Timing timing_;
  Trace trace_;
  Milliseconds last_request_{-1000000};
  std::vector<uint8_t> rx_;  // bytes after the last reply (stream protocols keep talking)
};

}  // namespace softbms::host::client
