// Helpers for transport tests: a client that opens a device with plain open()/termios, as
// any serial program would, and waits for bytes with poll().
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "host/loop/unique_fd.hpp"
#include "host/transport/transport.hpp"

namespace softbms::host::testing {

inline UniqueFd open_raw_client(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_NOCTTY));
  if (!fd.valid()) return fd;
  termios t{};
  ::tcgetattr(fd.get(), &t);
  ::cfmakeraw(&t);
  ::cfsetspeed(&t, B115200);
  ::tcsetattr(fd.get(), TCSANOW, &t);
  return fd;
}

// Reads until `want` bytes came or `timeout_ms` passed without any.
inline std::vector<uint8_t> read_fd(int fd, size_t want, int timeout_ms = 1000) {
  std::vector<uint8_t> got;
  while (got.size() < want) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) break;
    uint8_t buf[256];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.insert(got.end(), buf, buf + n);
  }
  return got;
}

inline std::vector<uint8_t> read_transport(Transport& t, size_t want, Milliseconds timeout) {
  std::vector<uint8_t> got;
  while (got.size() < want) {
    uint8_t buf[256];
    auto n = t.read_wait(buf, timeout);
    if (!n || n.value() == 0) break;
    got.insert(got.end(), buf, buf + n.value());
  }
  return got;
}

inline std::string temp_path(const std::string& leaf) {
  return (::testing::TempDir().empty() ? std::string("/tmp/") : ::testing::TempDir()) + "softbms_" +
         std::to_string(::getpid()) + "_" + leaf;
}

}  // namespace softbms::host::testing
