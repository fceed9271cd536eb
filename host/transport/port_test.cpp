#include "host/transport/port.hpp"

#include <gtest/gtest.h>

#include "host/transport/pty.hpp"
#include "host/transport/tcp.hpp"
#include "host/transport/test_util.hpp"

namespace softbms::host {
namespace {

using namespace softbms::literals;
using Bytes = std::vector<uint8_t>;

TEST(OpenPort, a_pty_symlink_opens_as_a_serial_port_at_the_given_baud) {
  const std::string link = testing::temp_path("port1");
  auto pty = PtyTransport::open(link);
  ASSERT_TRUE(pty);
  PortOptions o;
  o.serial.baud = 115200;
  auto port = open_port(link, o);
  ASSERT_TRUE(port) << port.error().message;
  EXPECT_EQ(port.value()->describe(), "serial " + link + " 115200 8N1");
  const Bytes ping = {0xAA, 0x55, 0x90, 0xEB, 0x97};
  ASSERT_TRUE(port.value()->write_all(ping, 200_ms));
  EXPECT_EQ(testing::read_transport(*pty.value(), ping.size(), 500_ms), ping);
}

TEST(OpenPort, tcp_url_connects_to_a_server) {
  auto server = TcpServer::listen({"127.0.0.1", 0});
  ASSERT_TRUE(server);
  auto port = open_port("tcp://127.0.0.1:" + std::to_string(server.value()->port()));
  ASSERT_TRUE(port) << port.error().message;
  EXPECT_TRUE(port.value()->describe().starts_with("tcp 127.0.0.1:"));
}

TEST(OpenPort, unknown_scheme_and_bad_tcp_address_are_refused_naming_the_part) {
  auto udp = open_port("udp://127.0.0.1:502");
  ASSERT_FALSE(udp);
  EXPECT_EQ(udp.error().part, "port");
  EXPECT_EQ(open_port("tcp://127.0.0.1").error().part, "port");
  EXPECT_EQ(open_port("tcp://:502").error().part, "host");
  EXPECT_EQ(open_port("").error().part, "port");
}

}  // namespace
}  // namespace softbms::host
