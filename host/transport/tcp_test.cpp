#include "host/transport/tcp.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "host/loop/event_loop.hpp"
#include "host/transport/test_util.hpp"

namespace softbms::host {
namespace {

using namespace softbms::literals;
using Bytes = std::vector<uint8_t>;

std::unique_ptr<TcpServer> listen_local() {
  auto server = TcpServer::listen({"127.0.0.1", 0}, 4);
  EXPECT_TRUE(server) << server.error().message;
  return server ? std::move(server).value() : nullptr;
}

std::unique_ptr<TcpStream> connect_local(uint16_t port) {
  auto c = TcpStream::connect({"127.0.0.1", port}, 1000_ms);
  EXPECT_TRUE(c) << c.error().message;
  return c ? std::move(c).value() : nullptr;
}

TEST(Tcp, server_chooses_a_port_when_asked_for_port_0) {
  auto server = listen_local();
  ASSERT_TRUE(server);
  EXPECT_GT(server->port(), 0);
  EXPECT_EQ(server->describe(), "tcp server 127.0.0.1:" + std::to_string(server->port()));
}

// A loop-driven server: each client gets its own replies, tagged with its accept order.
TEST(Tcp, server_in_a_loop_serves_two_clients_each_its_own_replies) {
  auto server = listen_local();
  ASSERT_TRUE(server);
  EventLoop loop;
  std::vector<std::unique_ptr<TcpStream>> conns;
  loop.watch(server->fd(), [&](IoEvents) {
    for (auto c = server->accept(); c && c.value(); c = server->accept()) {
      conns.push_back(std::move(c).value());
      TcpStream* s = conns.back().get();
      const auto tag = static_cast<uint8_t>(conns.size());
      loop.watch(s->fd(), [s, tag](IoEvents) {
        uint8_t buf[64];
        for (auto n = s->read_some(buf); n && n.value() > 0; n = s->read_some(buf)) {
          Bytes reply{tag};
          reply.insert(reply.end(), buf, buf + n.value());
          ASSERT_TRUE(s->write_all(reply, 100_ms));
        }
      });
    }
  });
  auto a = connect_local(server->port());
  ASSERT_TRUE(a);
  ASSERT_TRUE(loop.run_for(30_ms));
  auto b = connect_local(server->port());
  ASSERT_TRUE(b);
  ASSERT_TRUE(loop.run_for(30_ms));
  ASSERT_EQ(conns.size(), 2u);
  ASSERT_TRUE(b->write_all(Bytes{0xB0, 0xB1}, 100_ms));
  ASSERT_TRUE(a->write_all(Bytes{0xA0}, 100_ms));
  ASSERT_TRUE(loop.run_for(30_ms));
  EXPECT_EQ(testing::read_transport(*a, 2, 500_ms), (Bytes{1, 0xA0}));
  EXPECT_EQ(testing::read_transport(*b, 3, 500_ms), (Bytes{2, 0xB0, 0xB1}));
}

TEST(Tcp, a_client_that_closes_is_seen_as_peer_closed_and_writing_to_it_does_not_kill_us) {
  auto server = listen_local();
  ASSERT_TRUE(server);
  auto client = connect_local(server->port());
  ASSERT_TRUE(client);
  uint8_t buf[8];
  std::unique_ptr<TcpStream> conn;
  for (int i = 0; i < 100 && !conn; ++i) {
    auto c = server->accept();
    ASSERT_TRUE(c);
    conn = std::move(c).value();
    if (!conn) ::usleep(1000);
  }
  ASSERT_TRUE(conn);
  EXPECT_TRUE(conn->peer().starts_with("127.0.0.1:"));
  client->close();
  auto n = conn->read_wait(buf, 500_ms);
  ASSERT_FALSE(n);
  EXPECT_TRUE(is_peer_closed(n.error()));
  // The first write may still be accepted by the kernel; a later one must fail cleanly.
  Done d;
  for (int i = 0; i < 10 && d; ++i) {
    d = conn->write_all(Bytes(1000, 0x55), 100_ms);
    ::usleep(2000);
  }
  ASSERT_FALSE(d);
  EXPECT_TRUE(is_peer_closed(d.error())) << d.error().message;
}

TEST(Tcp, connect_to_a_port_nobody_listens_on_fails_naming_the_address) {
  uint16_t port = 0;
  {
    auto server = listen_local();
    ASSERT_TRUE(server);
    port = server->port();
  }
  auto c = TcpStream::connect({"127.0.0.1", port}, 500_ms);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().sys_errno, ECONNREFUSED);
  EXPECT_NE(c.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos);
}

TEST(Tcp, unknown_host_name_is_refused_naming_the_host) {
  auto c = TcpStream::connect({"no-such-host.invalid", 502}, 500_ms);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().part, "host");
  EXPECT_NE(c.error().message.find("no-such-host.invalid"), std::string::npos);
}

TEST(Tcp, second_server_on_the_same_port_is_refused_as_in_use) {
  auto first = listen_local();
  ASSERT_TRUE(first);
  auto second = TcpServer::listen({"127.0.0.1", first->port()});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().sys_errno, EADDRINUSE);
  EXPECT_EQ(second.error().code, Errc::locked);
}

}  // namespace
}  // namespace softbms::host
