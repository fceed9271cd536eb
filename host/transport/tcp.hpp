// TCP: a connection (either end) as a Transport, and a listening server that accepts several
// clients. TCP_NODELAY is on: request/response frames are small and latency matters.
#pragma once

#include <memory>
#include <string>

#include "host/transport/address.hpp"
#include "host/transport/transport.hpp"

namespace softbms::host {

// True when every address `at.host` resolves to for listening is a loopback one (127.0.0.0/8,
// ::1): only this machine can connect. An empty host (any address) or an unresolvable one is not.
bool listens_on_loopback_only(const HostPort& at);

class TcpStream : public FdTransport {
 public:
  // Connects to host:port (names resolved with getaddrinfo, IPv4 or IPv6), waiting at most
  // `timeout`.
  static Expected<std::unique_ptr<TcpStream>> connect(const HostPort& to, Milliseconds timeout);
  // Takes an accepted or connected socket.
  static std::unique_ptr<TcpStream> adopt(UniqueFd fd);

  [[nodiscard]] std::string describe() const override { return "tcp " + peer_; }
  [[nodiscard]] const std::string& peer() const { return peer_; }

 protected:
  // send(MSG_NOSIGNAL): a client that went away must not kill the process with SIGPIPE.
  Expected<size_t> write_some(std::span<const uint8_t> bytes) override;

 private:
  TcpStream(UniqueFd fd, std::string peer)
      : FdTransport(std::move(fd), "tcp " + peer), peer_(std::move(peer)) {}
  std::string peer_;
};

class TcpServer {
 public:
  // Listens on host:port; port 0 lets the system choose (see port()).
  static Expected<std::unique_ptr<TcpServer>> listen(const HostPort& at, int backlog = 16);

  [[nodiscard]] int fd() const { return fd_.get(); }
  [[nodiscard]] uint16_t port() const { return port_; }
  [[nodiscard]] std::string describe() const;
  // The next waiting client, or nullptr when none is waiting.
  Expected<std::unique_ptr<TcpStream>> accept();
  void close() { fd_.reset(); }

 private:
  TcpServer(UniqueFd fd, std::string host, uint16_t port)
      : fd_(std::move(fd)), host_(std::move(host)), port_(port) {}
  UniqueFd fd_;
  std::string host_;
  uint16_t port_;
};

}  // namespace softbms::host
