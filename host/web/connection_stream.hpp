// One HTTP connection as cpp-httplib reads and writes it, with the limits Debian's httplib 0.11
// lacks: the first byte of a request must come within `idle` of the previous answer, the whole
// request (head and body) within `request` of its first byte, and at most `request_bytes` of
// it, however it is framed. A read past a limit fails and says why (fault()), so the server
// can answer 408 or 413 and close. Reads are buffered (httplib reads a head byte by byte).
#pragma once

#include <httplib.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace softbms::host::web {

struct StreamLimits {
  std::chrono::milliseconds idle{5000};
  std::chrono::milliseconds request{10000};
  std::chrono::milliseconds write{5000};
  std::size_t request_bytes = std::size_t{96} * 1024;
};

struct Peer {
  std::string ip;
  int port = 0;
};

// What the server's request loop needs of a connection beside httplib's Stream.
class ServedStream : public httplib::Stream {
 public:
  enum class Fault { none, closed, timed_out, too_large, stopped, write_failed };
  // A new request starts: fresh byte count, the idle wait for its first byte.
  virtual void begin_request() = 0;
  [[nodiscard]] virtual Fault fault() const = 0;
  // Writes bytes whatever fault() says (the server's own 408 or 413).
  virtual bool write_all(std::string_view bytes) = 0;
};

class ConnectionStream : public ServedStream {
 public:
  // fd: the connection (not owned); stop_fd: readable once the server stops.
  ConnectionStream(int fd, int stop_fd, StreamLimits limits, Peer remote, Peer local);

  void begin_request() override;
  [[nodiscard]] Fault fault() const override { return fault_; }
  bool write_all(std::string_view bytes) override;

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return fd_; }

 private:
  using Clock = std::chrono::steady_clock;
  enum class Wait { ready, timeout, stopped };
  bool fill();
  // Waits for `events` on the connection until `deadline`, or until the server stops.
  [[nodiscard]] Wait wait_for(short events, Clock::time_point deadline) const;

  int fd_;
  int stop_fd_;
  StreamLimits limits_;
  Peer remote_;
  Peer local_;
  std::array<char, 4096> buf_{};
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
  std::size_t consumed_ = 0;  // bytes of this request handed to httplib
  bool started_ = false;      // the first byte of this request has arrived
  Clock::time_point deadline_{};
  Fault fault_ = Fault::none;
};

}  // namespace softbms::host::web
