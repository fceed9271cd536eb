#include "host/transport/transport.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "host/loop/event_loop.hpp"

namespace softbms::host {

bool is_peer_closed(const Error& e) {
  return e.part == kPeerClosed;
}

namespace {

Error peer_closed(const std::string& name) {
  return make_error(Errc::bad_state, std::string(kPeerClosed), name + ": the other side closed");
}

// Waits until fd has `events` or the deadline passes; true when ready.
bool wait_for(int fd, short events, Milliseconds deadline) {
  for (;;) {
    const int64_t left = std::max<int64_t>((deadline - monotonic_now()).count(), 0);
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

}  // namespace

FdTransport::FdTransport(UniqueFd fd, std::string name)
    : fd_(std::move(fd)), name_(std::move(name)), tty_(fd_.valid() && ::isatty(fd_.get()) == 1) {}

Expected<size_t> FdTransport::read_some(std::span<uint8_t> into) {
  if (!fd_.valid()) return make_error(Errc::bad_state, name_, name_ + ": not open");
  for (;;) {
    const ssize_t n = ::read(fd_.get(), into.data(), into.size());
    if (n > 0) return static_cast<size_t>(n);
    if (n == 0) return into.empty() || tty_ ? Expected<size_t>(size_t{0}) : peer_closed(name_);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return size_t{0};
    // EIO is how a tty says its device went away (USB adapter unplugged, pty peer gone).
    if (errno == EIO || errno == ECONNRESET) return peer_closed(name_);
    return system_error("read " + name_, errno);
  }
}

Expected<size_t> FdTransport::write_some(std::span<const uint8_t> bytes) {
  if (!fd_.valid()) return make_error(Errc::bad_state, name_, name_ + ": not open");
  for (;;) {
    const ssize_t n = ::write(fd_.get(), bytes.data(), bytes.size());
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return size_t{0};
    if (errno == EIO || errno == EPIPE || errno == ECONNRESET) return peer_closed(name_);
    return system_error("write " + name_, errno);
  }
}

Done Transport::write_all(std::span<const uint8_t> bytes, Milliseconds timeout) {
  const Milliseconds deadline = monotonic_now() + timeout;
  size_t sent = 0;
  while (sent < bytes.size()) {
    auto n = write_some(bytes.subspan(sent));
    if (!n) return n.error();
    sent += n.value();
    if (sent < bytes.size() && n.value() == 0 && !wait_for(fd(), POLLOUT, deadline)) {
      return make_error(Errc::no_space, "write timeout",
                        describe() + ": write timed out after " + std::to_string(timeout.count()) +
                            " ms with " + std::to_string(sent) + " of " +
                            std::to_string(bytes.size()) + " bytes sent");
    }
  }
  return {};
}

Expected<size_t> Transport::read_wait(std::span<uint8_t> into, Milliseconds timeout) {
  auto n = read_some(into);
  if (!n || n.value() > 0) return n;
  if (!wait_for(fd(), POLLIN, monotonic_now() + timeout)) return size_t{0};
  return read_some(into);
}

}  // namespace softbms::host
