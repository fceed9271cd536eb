// A Linux CAN interface (can0, vcan0) through a raw AF_CAN socket. CI kernels have no vcan
// module, so the tests cover the frame conversion and the errors; a real interface is
// exercised by hand (docs/inverters.md, "Running an inverter link").
#pragma once

#include <linux/can.h>

#include <memory>
#include <string>

#include "host/can/can_transport.hpp"
#include "host/loop/unique_fd.hpp"

namespace softbms::host {

// Our frame <-> the kernel's struct can_frame (EFF flag for 29-bit ids; RTR and error frames
// are not data and are refused when read).
struct can_frame to_linux(const CanFrame& f);
Result<CanFrame> from_linux(const struct can_frame& k);

class SocketCanTransport : public CanTransport {
 public:
  // Errors: bad_value for a name longer than 15 characters, not_found for no such interface
  // (the message says how to create a vcan for trying it out), and the system's error else.
  static Expected<std::unique_ptr<SocketCanTransport>> open(const std::string& interface);

  [[nodiscard]] int fd() const override { return fd_.get(); }
  [[nodiscard]] std::string describe() const override { return "socketcan " + interface_; }
  void close() override { fd_.reset(); }
  Expected<bool> send(const CanFrame& f) override;
  Expected<size_t> receive(const FrameSink& sink) override;
  [[nodiscard]] const CanCounters& counters() const override { return counters_; }

 private:
  SocketCanTransport(UniqueFd fd, std::string interface)
      : fd_(std::move(fd)), interface_(std::move(interface)) {}
  UniqueFd fd_;
  std::string interface_;
  CanCounters counters_;
};

}  // namespace softbms::host
