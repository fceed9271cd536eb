#include "host/transport/tcp.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace softbms::host {

namespace {

struct AddrInfoDeleter {
  void operator()(addrinfo* a) const { ::freeaddrinfo(a); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoDeleter>;

Expected<AddrInfoPtr> resolve(const HostPort& hp, bool passive) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = passive ? AI_PASSIVE : 0;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(hp.port);
  const int rc = ::getaddrinfo(hp.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) {
    return make_error(Errc::not_found, "host",
                      "host \"" + hp.host + "\": " + std::string(::gai_strerror(rc)));
  }
  return AddrInfoPtr(res);
}

bool is_loopback_address(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(sa);  // NOLINT: the sockaddr API
    return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
  }
  if (sa->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(sa);  // NOLINT: the sockaddr API
    return IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr) != 0;
  }
  return false;
}

std::string address_text(const sockaddr* sa) {
  char host[NI_MAXHOST] = "?";
  char serv[NI_MAXSERV] = "?";
  ::getnameinfo(sa, sa->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in), host,
                sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV);
  const bool v6 = sa->sa_family == AF_INET6;
  return (v6 ? "[" : "") + std::string(host) + (v6 ? "]:" : ":") + serv;
}

void set_nodelay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// One non-blocking connect attempt to one resolved address.
Expected<UniqueFd> connect_one(const addrinfo* a, Milliseconds timeout) {
  UniqueFd fd(
      ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
  if (!fd.valid()) return system_error("socket", errno);
  if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
    return system_error("connect " + address_text(a->ai_addr), errno);
  }
  pollfd p{fd.get(), POLLOUT, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
    return make_error(Errc::bad_state, "connect",
                      "connect " + address_text(a->ai_addr) + ": no answer within " +
                          std::to_string(timeout.count()) + " ms");
  }
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return system_error("connect " + address_text(a->ai_addr), err);
  return fd;
}

uint16_t bound_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  const auto* sa = reinterpret_cast<const sockaddr*>(&ss);
  return ntohs(sa->sa_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6*>(sa)->sin6_port
                                         : reinterpret_cast<const sockaddr_in*>(sa)->sin_port);
}

}  // namespace

bool listens_on_loopback_only(const HostPort& at) {
  if (at.host.empty()) return false;
  auto res = resolve(at, true);
  if (!res) return false;
  for (const addrinfo* a = res.value().get(); a != nullptr; a = a->ai_next) {
    if (!is_loopback_address(a->ai_addr)) return false;
  }
  return true;
}

Expected<std::unique_ptr<TcpStream>> TcpStream::connect(const HostPort& to, Milliseconds timeout) {
  auto addrs = resolve(to, false);
  if (!addrs) return addrs.error();
  Error last = make_error(Errc::not_found, "host", "host \"" + to.host + "\" has no address");
  for (const addrinfo* a = addrs->get(); a != nullptr; a = a->ai_next) {
    auto fd = connect_one(a, timeout);
    if (fd) return adopt(std::move(fd).value());
    last = fd.error();
  }
  return last;
}

std::unique_ptr<TcpStream> TcpStream::adopt(UniqueFd fd) {
  set_nodelay(fd.get());
  make_nonblocking(fd.get());
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  std::string peer = "?";
  if (::getpeername(fd.get(), reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    peer = address_text(reinterpret_cast<const sockaddr*>(&ss));
  }
  return std::unique_ptr<TcpStream>(new TcpStream(std::move(fd), std::move(peer)));
}

Expected<size_t> TcpStream::write_some(std::span<const uint8_t> bytes) {
  if (fd() < 0) return make_error(Errc::bad_state, name(), name() + ": not open");
  for (;;) {
    const ssize_t n = ::send(fd(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return size_t{0};
    if (errno == EPIPE || errno == ECONNRESET) {
      return make_error(Errc::bad_state, std::string(kPeerClosed),
                        name() + ": the other side closed");
    }
    return system_error("send " + name(), errno);
  }
}

Expected<std::unique_ptr<TcpServer>> TcpServer::listen(const HostPort& at, int backlog) {
  auto addrs = resolve(at, true);
  if (!addrs) return addrs.error();
  const addrinfo* a = addrs->get();
  UniqueFd fd(
      ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
  if (!fd.valid()) return system_error("socket", errno);
  // A restarted server must not wait for TIME_WAIT of its previous run's connections.
  const int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const std::string where = "listen " + address_text(a->ai_addr);
  if (::bind(fd.get(), a->ai_addr, a->ai_addrlen) != 0) return system_error(where, errno);
  if (::listen(fd.get(), backlog) != 0) return system_error(where, errno);
  const uint16_t port = bound_port(fd.get());
  return std::unique_ptr<TcpServer>(new TcpServer(std::move(fd), at.host, port));
}

std::string TcpServer::describe() const {
  const bool v6 = host_.find(':') != std::string::npos;
  return "tcp server " + (v6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
}

Expected<std::unique_ptr<TcpStream>> TcpServer::accept() {
  for (;;) {
    UniqueFd client(::accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (client.valid()) return TcpStream::adopt(std::move(client));
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::unique_ptr<TcpStream>();
    return system_error("accept on " + describe(), errno);
  }
}

}  // namespace softbms::host
