// A serial device (RS485/TTL adapter, /dev/ttyUSB0) in raw mode at a fixed baud rate.
#pragma once

#include <memory>
#include <span>
#include <string>

#include <termios.h>

#include "host/transport/transport.hpp"

namespace softbms::host {

enum class Parity : uint8_t { none, even, odd };

struct SerialOptions {
  int baud = 115200;  // JK-PB and the 4E57 boards: 115200 8N1
  int data_bits = 8;  // 5..8
  Parity parity = Parity::none;
  int stop_bits = 1;  // 1 or 2
  // TIOCEXCL: a second process opening the same adapter fails instead of stealing bytes.
  bool exclusive = true;
};

// The baud rates a user may choose, lowest first.
std::span<const int> supported_bauds();
bool is_supported_baud(int baud);
// "9600, 19200, ..." for error messages.
std::string supported_bauds_text();

// Writes raw mode and the line settings of `o` into `t` (the caller has checked `o`).
void apply_line_settings(const SerialOptions& o, termios& t);

class SerialTransport : public FdTransport {
 public:
  // Opens the device, sets raw mode and the line settings, and drops whatever the driver
  // buffered before we came (half frames from a bus that was already talking).
  static Expected<std::unique_ptr<SerialTransport>> open(const std::string& path,
                                                         SerialOptions options = {});
  [[nodiscard]] std::string describe() const override;
  [[nodiscard]] const SerialOptions& options() const { return options_; }

 private:
  SerialTransport(UniqueFd fd, std::string path, SerialOptions options)
      : FdTransport(std::move(fd), "serial " + path), path_(std::move(path)), options_(options) {}
  std::string path_;
  SerialOptions options_;
};

}  // namespace softbms::host
