#include "host/client/link.hpp"

#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <thread>

#include "host/loop/event_loop.hpp"

namespace softbms::host::client {
namespace {

// Polls before every read: a serial device or pty in raw mode (VMIN = VTIME = 0) reads 0 bytes
// when nothing is waiting, which Transport::read_some takes for a closed peer.
bool readable(int fd, Milliseconds timeout) {
  const Milliseconds deadline = monotonic_now() + timeout;
  for (;;) {
    const int64_t left = std::max<int64_t>((deadline - monotonic_now()).count(), 0);
    pollfd p{fd, POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

}  // namespace

void Link::drain() {
  // Bytes from before the request (a reply we gave up on, another master's traffic) would be
  // taken for the answer.
  std::array<uint8_t, 512> buf{};
  for (int i = 0; i < 64 && readable(t_.fd(), Milliseconds(0)); ++i) {
    auto n = t_.read_some(buf);
    if (!n || n.value() == 0) break;
  }
  rx_.clear();
}

void Link::keep_gap() {
  const Milliseconds due = last_request_ + timing_.gap;
  const Milliseconds now = monotonic_now();
  if (now < due) std::this_thread::sleep_for(std::chrono::milliseconds((due - now).count()));
  last_request_ = monotonic_now();
}

Expected<std::vector<uint8_t>> Link::listen(const Scanner& scan, Milliseconds window) {
  const Milliseconds deadline = monotonic_now() + window;
  std::array<uint8_t, 1024> buf{};
  for (;;) {
    const Scan s = scan(rx_);
    if (s.complete()) {
      std::vector<uint8_t> reply(rx_.begin() + static_cast<std::ptrdiff_t>(s.begin),
                                 rx_.begin() + static_cast<std::ptrdiff_t>(s.end));
      rx_.erase(rx_.begin(), rx_.begin() + static_cast<std::ptrdiff_t>(s.end));
      return reply;
    }
    const Milliseconds left = deadline - monotonic_now();
    if (left <= Milliseconds(0)) return std::vector<uint8_t>{};
    if (!readable(t_.fd(), left)) continue;
    auto n = t_.read_some(buf);
    if (!n) return n.error();
    if (n.value() > 0 && trace_) trace_("<-", Bytes(buf).first(n.value()));
    rx_.insert(rx_.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n.value()));
    if (rx_.size() > 64 * 1024) rx_.erase(rx_.begin(), rx_.end() - 4096);
  }
}

Expected<std::vector<uint8_t>> Link::exchange(Bytes request, const Scanner& scan,
                                              Milliseconds window) {
  keep_gap();
  drain();
  if (trace_) trace_("->", request);
  if (Done d = t_.write_all(request, window); !d) return d.error();
  return listen(scan, window);
}

Expected<std::vector<uint8_t>> Link::ask(Bytes request, const Scanner& scan, Milliseconds window,
                                         int attempts) {
  for (int i = 0; i < attempts; ++i) {
    auto r = exchange(request, scan, window);
    if (!r || !r.value().empty()) return r;
  }
  return std::vector<uint8_t>{};
}

}  // namespace softbms::host::client
