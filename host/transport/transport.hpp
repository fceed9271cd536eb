// Byte-stream transports behind one interface: a pseudo-terminal, a serial device, a TCP
// connection. A loop watches fd(); its callback calls read_some() until it returns 0.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/base/units.hpp"
#include "host/loop/error.hpp"
#include "host/loop/unique_fd.hpp"

namespace softbms::host {

// The part name of the Error a read or write returns once the other side has gone for good
// (TCP peer closed, USB serial adapter unplugged). Nothing more will come on this transport.
inline constexpr std::string_view kPeerClosed = "peer closed";
bool is_peer_closed(const Error& e);

class Transport {
 public:
  virtual ~Transport() = default;

  // The descriptor to watch for readability; -1 once closed.
  [[nodiscard]] virtual int fd() const = 0;
  // For logs and status: "pty /tmp/jkpb -> /dev/pts/7", "serial /dev/ttyUSB0 115200 8N1".
  [[nodiscard]] virtual std::string describe() const = 0;
  virtual void close() = 0;
  [[nodiscard]] bool is_open() const { return fd() >= 0; }

  // Reads what is available now, never blocking: the byte count, 0 when nothing is waiting.
  virtual Expected<size_t> read_some(std::span<uint8_t> into) = 0;
  // Writes every byte, waiting while the kernel buffer is full, at most `timeout` in all.
  // On timeout part of the bytes may have gone out; the error says how many.
  Done write_all(std::span<const uint8_t> bytes, Milliseconds timeout);
  // Waits up to `timeout` for the first bytes, then reads what is there (client side use).
  // 0 means nothing came in time.
  Expected<size_t> read_wait(std::span<uint8_t> into, Milliseconds timeout);
  // Drops bytes written earlier that the other side has not read yet. Only a pty holds such
  // bytes when nobody is connected; see PtyTransport.
  virtual void discard_unread_output() {}
  // Whether the transport reconnects by itself when the far end goes away, keeping its
  // descriptor open meanwhile (the BLE central's thread). Who owns such a transport keeps it
  // and waits instead of closing and opening it again: one reconnect layer, not two.
  [[nodiscard]] virtual bool heals_itself() const { return false; }

 protected:
  // One write(2)-like call: bytes written, 0 when the buffer is full right now.
  virtual Expected<size_t> write_some(std::span<const uint8_t> bytes) = 0;
};

// A transport over one owned descriptor, with read(2)/write(2).
class FdTransport : public Transport {
 public:
  [[nodiscard]] int fd() const override { return fd_.get(); }
  void close() override { fd_.reset(); }
  Expected<size_t> read_some(std::span<uint8_t> into) override;

 protected:
  FdTransport(UniqueFd fd, std::string name);
  Expected<size_t> write_some(std::span<const uint8_t> bytes) override;
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  UniqueFd fd_;
  std::string name_;
  // A raw tty (VMIN = VTIME = 0) reads 0 bytes when nothing is waiting; only a socket or pipe
  // means end of stream by it. A tty that lost its device reports EIO instead.
  bool tty_ = false;
};

}  // namespace softbms::host
