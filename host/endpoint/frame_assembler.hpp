// Cuts a byte stream into frames for request/response protocols. The protocol supplies one
// function that looks at the buffered bytes and says: a whole frame of N bytes is here, the
// first N bytes are garbage, or more bytes are needed. The assembler knows nothing else about
// any protocol. A partial frame followed by silence longer than the inter-byte timeout is
// dropped (or, for silence-delimited protocols such as Modbus RTU, completed: see FrameSizer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "core/base/units.hpp"

namespace softbms::host {

enum class FrameStatus : uint8_t { incomplete, complete, garbage };

struct FrameCheck {
  FrameStatus status = FrameStatus::incomplete;
  size_t length = 0;  // complete: the frame's length; garbage: how many bytes to drop (>= 1)
};

// Called with the buffered bytes, which always start at a possible frame start. `line_idle`
// is true when the line has been silent for the inter-byte timeout: a protocol whose frames
// end with silence answers `complete` with the whole buffer then; others answer as usual and
// whatever stays incomplete is dropped.
using FrameSizer = std::function<FrameCheck(std::span<const uint8_t> buffered, bool line_idle)>;

struct FrameRules {
  FrameSizer sizer;
  Milliseconds inter_byte_timeout{50};
  size_t max_frame = 1024;  // longer "incomplete" data means we are out of step: resynchronise
};

struct AssemblerCounters {
  uint64_t frames = 0;
  uint64_t garbage_bytes = 0;    // dropped because the sizer called them garbage
  uint64_t timed_out_bytes = 0;  // partial frames dropped after silence
  uint64_t overflow_bytes = 0;   // dropped to resynchronise after max_frame
};

class FrameAssembler {
 public:
  using FrameHandler = std::function<void(std::span<const uint8_t> frame)>;

  // `on_frame` must not feed this assembler again; it may write a reply.
  FrameAssembler(FrameRules rules, FrameHandler on_frame);

  // Adds received bytes. A partial frame older than the timeout is dropped first, so a late
  // timer can never glue an old fragment to a new request.
  void feed(std::span<const uint8_t> bytes, Milliseconds now);
  // Applies the inter-byte timeout; call at deadline() (or any later time).
  void on_time(Milliseconds now);
  // When buffered bytes expire; nullopt when nothing is buffered.
  [[nodiscard]] std::optional<Milliseconds> deadline() const;

  [[nodiscard]] size_t buffered() const { return buf_.size(); }
  [[nodiscard]] const AssemblerCounters& counters() const { return counters_; }
  void reset() { buf_.clear(); }

 private:
  void drain(bool line_idle);
  size_t erase_front(size_t n);
  void drop_front(size_t n, uint64_t& counter);

  FrameRules rules_;
  FrameHandler on_frame_;
  std::vector<uint8_t> buf_;
  Milliseconds last_byte_{0};
  AssemblerCounters counters_;
};

// The Modbus RTU end-of-frame silence: 3.5 characters of 11 bits below 19200 baud, a fixed
// 1750 us above (the Modbus serial line guide's rule).
Microseconds modbus_rtu_silence(int baud);
// A timeout a Linux host can keep: the protocol's silence rounded up to whole ms and never
// below `floor`, because USB serial adapters hand bytes over in bursts (FTDI: every 16 ms).
Milliseconds host_inter_byte_timeout(Microseconds protocol_silence,
                                     Milliseconds floor = Milliseconds(20));

}  // namespace softbms::host
