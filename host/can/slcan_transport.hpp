// SLCAN (Lawicel text) over a byte stream, in either of its two roles:
//  - adapter: we play the USB-CAN adapter on a pty. The host program (python-can, slcand, a
//    Venus OS driver) opens the pty, sends S6 and O, and we answer as an adapter does: \r for
//    OK, \a for an error, z\r for each frame it sends. Our frames go out as t...\r lines only
//    while the host has the channel open, as on a real adapter.
//  - host: we drive a real adapter on a serial port (CANable, USBtin): C, S<n>, O at start,
//    then t...\r lines both ways; its \r / z\r / \a answers are read and counted.
#pragma once

#include <memory>
#include <string>

#include "core/base/units.hpp"
#include "host/can/can_transport.hpp"
#include "host/transport/transport.hpp"
#include "protocols/inverter/slcan.hpp"

namespace softbms::host {

enum class SlcanRole : uint8_t { adapter, host };

struct SlcanOptions {
  SlcanRole role = SlcanRole::adapter;
  uint32_t bitrate = 500'000;      // host role: the S code sent; Pylon/Victron: 500 k
  Milliseconds write_timeout{50};  // a reader that stalls loses frames, not the loop
};

class SlcanTransport : public CanTransport {
 public:
  // Takes the byte stream; in the host role it opens the adapter's channel at once.
  static Expected<std::unique_ptr<SlcanTransport>> open(std::unique_ptr<Transport> stream,
                                                        SlcanOptions options = {});

  [[nodiscard]] int fd() const override { return stream_->fd(); }
  [[nodiscard]] std::string describe() const override;
  void close() override;
  Expected<bool> send(const CanFrame& f) override;
  Expected<size_t> receive(const FrameSink& sink) override;
  [[nodiscard]] const CanCounters& counters() const override { return counters_; }

  // Adapter role: whether the host has opened the channel (O or L), and at what bitrate.
  [[nodiscard]] bool channel_open() const { return open_; }
  [[nodiscard]] bool listen_only() const { return listen_only_; }
  [[nodiscard]] uint32_t bitrate() const { return bitrate_; }
  [[nodiscard]] Transport& stream() { return *stream_; }

 private:
  SlcanTransport(std::unique_ptr<Transport> stream, SlcanOptions options);
  Done start_host_role();
  void on_line(std::string_view line, const FrameSink& sink, size_t& frames);
  void adapter_line(const Result<protocols::inverter::SlcanMessage>& m, const FrameSink& sink,
                    size_t& frames);
  Done write_text(std::string_view text);

  std::unique_ptr<Transport> stream_;
  SlcanOptions options_;
  protocols::inverter::SlcanLineReader reader_;
  CanCounters counters_;
  bool open_ = false;
  bool listen_only_ = false;
  uint32_t bitrate_ = 0;
};

// The S code (S0..S8) of a bitrate; '\0' when SLCAN has none.
char slcan_bitrate_code(uint32_t bitrate);

}  // namespace softbms::host
