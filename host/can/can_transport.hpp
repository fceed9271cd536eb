// CAN frames in and out behind one interface, whatever carries them: SLCAN text on a pty or a
// serial adapter, or a Linux CAN interface. A loop watches fd(); its callback calls receive().
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "host/loop/error.hpp"
#include "protocols/inverter/can_frame.hpp"

namespace softbms::host {

using protocols::inverter::CanFrame;

struct CanCounters {
  uint64_t sent = 0;
  uint64_t received = 0;
  uint64_t dropped = 0;    // frames not sent: channel closed, nobody reading, bus error
  uint64_t bad_input = 0;  // lines or frames from the other side we could not read
};

class CanTransport {
 public:
  using FrameSink = std::function<void(const CanFrame&)>;
  virtual ~CanTransport() = default;

  // The descriptor to watch for readability; -1 once closed.
  [[nodiscard]] virtual int fd() const = 0;
  [[nodiscard]] virtual std::string describe() const = 0;
  virtual void close() = 0;
  // Puts one frame on the bus. Ok(false): dropped on purpose (nobody listens, e.g. an SLCAN
  // channel that its host has not opened); an error: the transport is broken.
  virtual Expected<bool> send(const CanFrame& f) = 0;
  // Handles what is readable now: every frame from the bus goes to `sink`. Returns how many.
  virtual Expected<size_t> receive(const FrameSink& sink) = 0;
  [[nodiscard]] virtual const CanCounters& counters() const = 0;
};

}  // namespace softbms::host
