#include "host/transport/pty.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>

#include <vector>

#include "host/loop/event_loop.hpp"
#include "host/transport/test_util.hpp"

namespace softbms::host {
namespace {

using namespace softbms::literals;
using testing::open_raw_client;
using testing::read_fd;
using testing::read_transport;
using testing::temp_path;
using Bytes = std::vector<uint8_t>;

std::string readlink_str(const std::string& p) {
  char buf[256];
  const ssize_t n = ::readlink(p.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

TEST(Pty, symlink_points_to_the_pty_device_and_is_removed_on_close) {
  const std::string link = temp_path("link1");
  auto pty = PtyTransport::open(link);
  ASSERT_TRUE(pty) << pty.error().message;
  EXPECT_TRUE(pty.value()->device_path().starts_with("/dev/pts/"));
  EXPECT_EQ(readlink_str(link), pty.value()->device_path());
  EXPECT_EQ(pty.value()->describe(), "pty " + link + " -> " + pty.value()->device_path());
  pty.value()->close();
  struct stat st {};
  EXPECT_NE(::lstat(link.c_str(), &st), 0);
  EXPECT_FALSE(pty.value()->is_open());
}

TEST(Pty, bytes_flow_both_ways_and_survive_the_client_closing_and_reopening) {
  const std::string link = temp_path("link2");
  auto opened = PtyTransport::open(link);
  ASSERT_TRUE(opened) << opened.error().message;
  PtyTransport& pty = *opened.value();
  for (uint8_t round = 0; round < 3; ++round) {
    UniqueFd client = open_raw_client(link);
    ASSERT_TRUE(client.valid()) << "round " << int(round);
    // A 4E57-style request with bytes a cooked tty would mangle: CR, LF, ^C, ^S, 0xFF.
    const Bytes request = {0x4E, 0x57, 0x00, 0x13, 0x0D, 0x0A, 0x03, 0x13, 0xFF, round};
    ASSERT_EQ(::write(client.get(), request.data(), request.size()), ssize_t(request.size()));
    EXPECT_EQ(read_transport(pty, request.size(), 1000_ms), request);
    const Bytes reply = {0x55, 0xAA, 0xEB, 0x90, 0x02, round, 0x0A, 0x0D};
    ASSERT_TRUE(pty.write_all(reply, 1000_ms));
    EXPECT_EQ(read_fd(client.get(), reply.size()), reply);
    client.reset();
    // Between clients the server side reads nothing and is not told about a hang-up, so a
    // loop watching it does not spin.
    uint8_t buf[8];
    auto n = pty.read_some(buf);
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(n.value(), 0u);
    pollfd p{pty.fd(), POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 20), 0);
  }
}

TEST(Pty, reply_left_unread_by_a_departed_client_reaches_the_next_one_unless_discarded) {
  const std::string link = temp_path("link3");
  auto opened = PtyTransport::open(link);
  ASSERT_TRUE(opened) << opened.error().message;
  PtyTransport& pty = *opened.value();
  const Bytes stale = {0xDE, 0xAD};
  ASSERT_TRUE(pty.write_all(stale, 100_ms));  // nobody has the port open
  {
    UniqueFd client = open_raw_client(link);
    EXPECT_EQ(read_fd(client.get(), 2, 100), stale);  // why discarding is needed
  }
  ASSERT_TRUE(pty.write_all(stale, 100_ms));
  pty.discard_unread_output();
  UniqueFd client = open_raw_client(link);
  EXPECT_TRUE(read_fd(client.get(), 1, 100).empty());
  const Bytes fresh = {0x01, 0x03};
  ASSERT_TRUE(pty.write_all(fresh, 100_ms));
  EXPECT_EQ(read_fd(client.get(), 2), fresh);
}

TEST(Pty, stale_symlink_is_replaced_and_a_regular_file_is_refused_and_kept) {
  const std::string link = temp_path("link4");
  ASSERT_EQ(::symlink("/dev/pts/nonexistent", link.c_str()), 0);
  {
    auto pty = PtyTransport::open(link);
    ASSERT_TRUE(pty) << pty.error().message;
    EXPECT_EQ(readlink_str(link), pty.value()->device_path());
  }
  struct stat st {};
  EXPECT_NE(::lstat(link.c_str(), &st), 0);  // the destructor removed it too

  UniqueFd file(::open(link.c_str(), O_CREAT | O_WRONLY, 0600));
  ASSERT_TRUE(file.valid());
  auto refused = PtyTransport::open(link);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().part, "link");
  EXPECT_NE(refused.error().message.find(link), std::string::npos);
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  ::unlink(link.c_str());
}

TEST(Pty, link_another_process_took_over_is_not_removed) {
  const std::string link = temp_path("link5");
  auto pty = PtyTransport::open(link);
  ASSERT_TRUE(pty);
  ::unlink(link.c_str());
  ASSERT_EQ(::symlink("/dev/null", link.c_str()), 0);
  pty.value()->close();
  EXPECT_EQ(readlink_str(link), "/dev/null");
  ::unlink(link.c_str());
}

TEST(Pty, event_loop_echo_serves_a_client_through_the_symlink) {
  const std::string link = temp_path("link6");
  auto opened = PtyTransport::open(link);
  ASSERT_TRUE(opened);
  PtyTransport& pty = *opened.value();
  EventLoop loop;
  int wakeups = 0;
  loop.watch(pty.fd(), [&](IoEvents) {
    ++wakeups;
    uint8_t buf[64];
    for (auto n = pty.read_some(buf); n && n.value() > 0; n = pty.read_some(buf)) {
      ASSERT_TRUE(pty.write_all(std::span(buf, n.value()), 100_ms));
    }
  });
  UniqueFd client = open_raw_client(link);
  const Bytes msg = {0x01, 0x10, 0x16, 0x20, 0x00, 0x01, 0x02, 0x00, 0x00, 0xD6, 0xF1};
  ASSERT_EQ(::write(client.get(), msg.data(), msg.size()), ssize_t(msg.size()));
  ASSERT_TRUE(loop.run_for(50_ms));
  EXPECT_EQ(read_fd(client.get(), msg.size()), msg);
  client.reset();
  const int before = wakeups;
  ASSERT_TRUE(loop.run_for(50_ms));  // no client: the loop sleeps instead of spinning
  EXPECT_EQ(wakeups, before);
}

}  // namespace
}  // namespace softbms::host
