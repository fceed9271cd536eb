#include "host/web/connection_stream.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace softbms::host::web {

ConnectionStream::ConnectionStream(int fd, int stop_fd, StreamLimits limits, Peer remote,
                                   Peer local)
    : fd_(fd),
      stop_fd_(stop_fd),
      limits_(limits),
      remote_(std::move(remote)),
      local_(std::move(local)) {}

void ConnectionStream::begin_request() {
  consumed_ = 0;
  started_ = pos_ < len_;  // a pipelined request is already here
  deadline_ = Clock::now() + (started_ ? limits_.request : limits_.idle);
}

ConnectionStream::Wait ConnectionStream::wait_for(short events, Clock::time_point deadline) const {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return Wait::timeout;
    pollfd fds[2] = {{fd_, events, 0}, {stop_fd_, POLLIN, 0}};
    const int n = ::poll(fds, stop_fd_ >= 0 ? 2 : 1, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || (stop_fd_ >= 0 && (fds[1].revents & POLLIN) != 0)) return Wait::stopped;
    if (n > 0) return Wait::ready;
  }
}

bool ConnectionStream::fill() {
  const Wait w = wait_for(POLLIN, deadline_);
  if (w != Wait::ready) {
    // Before its first byte a request is only waited for; an idle end is no fault.
    fault_ = w == Wait::stopped ? Fault::stopped : started_ ? Fault::timed_out : Fault::closed;
    return false;
  }
  ssize_t n = 0;
  do {
    n = ::recv(fd_, buf_.data(), buf_.size(), 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) {
    fault_ = Fault::closed;
    return false;
  }
  pos_ = 0;
  len_ = static_cast<std::size_t>(n);
  if (!started_) {
    started_ = true;
    deadline_ = Clock::now() + limits_.request;
  }
  return true;
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (fault_ != Fault::none) return -1;
  if (pos_ == len_ && !fill()) return -1;
  if (consumed_ >= limits_.request_bytes) {
    fault_ = Fault::too_large;
    return -1;
  }
  const std::size_t n = std::min({size, len_ - pos_, limits_.request_bytes - consumed_});
  std::memcpy(ptr, buf_.data() + pos_, n);
  pos_ += n;
  consumed_ += n;
  return static_cast<ssize_t>(n);
}

bool ConnectionStream::is_readable() const {
  if (pos_ < len_) return true;
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

bool ConnectionStream::is_writable() const {
  // A stream's client that hung up is noticed here, not a write timeout later.
  pollfd p{fd_, static_cast<short>(POLLOUT | POLLRDHUP), 0};
  const int n = ::poll(&p, 1, static_cast<int>(limits_.write.count()));
  return fault_ == Fault::none && n > 0 && (p.revents & (POLLRDHUP | POLLERR | POLLHUP)) == 0;
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  // After a timeout or an oversized request the server answers itself (408, 413).
  if (fault_ == Fault::timed_out || fault_ == Fault::too_large) return -1;
  return write_all(std::string_view(ptr, size)) ? static_cast<ssize_t>(size) : -1;
}

bool ConnectionStream::write_all(std::string_view bytes) {
  const auto deadline = Clock::now() + limits_.write;
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    const bool blocked = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    if (!blocked || wait_for(POLLOUT, deadline) != Wait::ready) {
      fault_ = Fault::write_failed;
      return false;
    }
  }
  return true;
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = remote_.ip;
  port = remote_.port;
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip = local_.ip;
  port = local_.port;
}

}  // namespace softbms::host::web
