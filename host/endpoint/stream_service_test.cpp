#include "host/endpoint/stream_service.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "host/endpoint/test_framing.hpp"
#include "host/transport/test_util.hpp"

namespace softbms::host {
namespace {

using namespace softbms::literals;
using Bytes = std::vector<uint8_t>;

struct EchoFixture {
  EventLoop loop;
  std::vector<std::string> notices;
  std::vector<uint32_t> served_by;  // connection id per frame
  std::unique_ptr<StreamService> service;

  Done open(const std::string& transport, ServiceOptions options = {}) {
    auto spec = parse_transport(transport);
    if (!spec) return spec.error();
    auto s = StreamService::open(
        loop, spec.value(), 115200, {echo_framing::size_frame, 40_ms, 300},
        [this](StreamService::Connection& c, std::span<const uint8_t> frame) {
          served_by.push_back(c.id());
          Bytes reply(frame.begin(), frame.end());
          reply[0] = echo_framing::kReplyStart;
          EXPECT_TRUE(c.reply(reply));
        },
        options);
    if (!s) return s.error();
    service = std::move(s).value();
    service->set_notice([this](const std::string& n) { notices.push_back(n); });
    return {};
  }
};

TEST(StreamService, pty_service_answers_each_frame_and_keeps_serving_across_reopens) {
  const std::string link = testing::temp_path("svc1");
  EchoFixture f;
  ASSERT_TRUE(f.open("pty:" + link));
  for (uint8_t round = 0; round < 2; ++round) {
    UniqueFd client = testing::open_raw_client(link);
    ASSERT_TRUE(client.valid());
    // Garbage, then two frames in one write.
    const Bytes sent = {0x00, 0x13, 0xA5, 1, round, 0xA5, 2, 0x0D, 0x0A};
    ASSERT_EQ(::write(client.get(), sent.data(), sent.size()), ssize_t(sent.size()));
    ASSERT_TRUE(f.loop.run_for(30_ms));
    EXPECT_EQ(testing::read_fd(client.get(), 7), (Bytes{0x5A, 1, round, 0x5A, 2, 0x0D, 0x0A}));
  }
  EXPECT_EQ(f.service->totals().frames, 4u);
  EXPECT_EQ(f.service->totals().garbage_bytes, 4u);
  EXPECT_EQ(f.service->connection_count(), 1u);
}

TEST(StreamService, reply_a_departed_pty_client_never_read_does_not_reach_the_next_client) {
  const std::string link = testing::temp_path("svc4");
  EchoFixture f;
  ASSERT_TRUE(f.open("pty:" + link));
  {
    UniqueFd gone = testing::open_raw_client(link);
    const Bytes req = {0xA5, 1, 0x01};
    ASSERT_EQ(::write(gone.get(), req.data(), req.size()), 3);
    ASSERT_TRUE(f.loop.run_for(20_ms));  // answered, but never read
  }
  ASSERT_TRUE(f.loop.run_for(50_ms));
  UniqueFd next = testing::open_raw_client(link);
  const Bytes req = {0xA5, 1, 0x02};
  ASSERT_EQ(::write(next.get(), req.data(), req.size()), 3);
  ASSERT_TRUE(f.loop.run_for(20_ms));
  EXPECT_EQ(testing::read_fd(next.get(), 6, 100), (Bytes{0x5A, 1, 0x02}));
}

TEST(StreamService, fragmented_request_is_answered_once_complete_and_a_stale_half_is_dropped) {
  const std::string link = testing::temp_path("svc2");
  EchoFixture f;
  ASSERT_TRUE(f.open("pty:" + link));
  UniqueFd client = testing::open_raw_client(link);
  const Bytes half = {0xA5, 3, 0x01};
  ASSERT_EQ(::write(client.get(), half.data(), half.size()), 3);
  ASSERT_TRUE(f.loop.run_for(100_ms));  // longer than the 40 ms inter-byte timeout
  EXPECT_EQ(f.service->totals().timed_out_bytes, 3u);
  const Bytes parts[] = {{0xA5, 2}, {0x07}, {0x08}};
  for (const Bytes& p : parts) {
    ASSERT_EQ(::write(client.get(), p.data(), p.size()), ssize_t(p.size()));
    ASSERT_TRUE(f.loop.run_for(10_ms));
  }
  EXPECT_EQ(testing::read_fd(client.get(), 4), (Bytes{0x5A, 2, 0x07, 0x08}));
  EXPECT_EQ(f.service->totals().frames, 1u);
}

TEST(StreamService, tcp_service_serves_two_clients_each_on_its_own_connection) {
  EchoFixture f;
  ASSERT_TRUE(f.open("tcp:127.0.0.1:0"));
  ASSERT_GT(f.service->tcp_port(), 0);
  auto a = TcpStream::connect({"127.0.0.1", f.service->tcp_port()}, 500_ms);
  auto b = TcpStream::connect({"127.0.0.1", f.service->tcp_port()}, 500_ms);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(f.loop.run_for(20_ms));
  EXPECT_EQ(f.service->connection_count(), 2u);
  // Each client sends half a frame first: the halves must not mix across connections.
  ASSERT_TRUE(a.value()->write_all(Bytes{0xA5, 2, 0xAA}, 100_ms));
  ASSERT_TRUE(b.value()->write_all(Bytes{0xA5, 1}, 100_ms));
  ASSERT_TRUE(f.loop.run_for(10_ms));
  ASSERT_TRUE(b.value()->write_all(Bytes{0xBB}, 100_ms));
  ASSERT_TRUE(a.value()->write_all(Bytes{0xAB}, 100_ms));
  ASSERT_TRUE(f.loop.run_for(20_ms));
  EXPECT_EQ(testing::read_transport(*a.value(), 4, 300_ms), (Bytes{0x5A, 2, 0xAA, 0xAB}));
  EXPECT_EQ(testing::read_transport(*b.value(), 3, 300_ms), (Bytes{0x5A, 1, 0xBB}));
  ASSERT_EQ(f.served_by.size(), 2u);
  EXPECT_NE(f.served_by[0], f.served_by[1]);
  a.value()->close();
  ASSERT_TRUE(f.loop.run_for(20_ms));
  EXPECT_EQ(f.service->connection_count(), 1u);
  EXPECT_TRUE(f.notices.back().starts_with("closed: tcp 127.0.0.1:")) << f.notices.back();
}

TEST(StreamService, clients_beyond_the_limit_are_refused_and_told_by_a_closed_connection) {
  EchoFixture f;
  ServiceOptions o;
  o.max_clients = 1;
  ASSERT_TRUE(f.open("tcp:127.0.0.1:0", o));
  auto a = TcpStream::connect({"127.0.0.1", f.service->tcp_port()}, 500_ms);
  ASSERT_TRUE(f.loop.run_for(20_ms));
  auto b = TcpStream::connect({"127.0.0.1", f.service->tcp_port()}, 500_ms);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(f.loop.run_for(20_ms));
  EXPECT_EQ(f.service->connection_count(), 1u);
  uint8_t buf[4];
  auto n = b.value()->read_wait(buf, 300_ms);
  ASSERT_FALSE(n);
  EXPECT_TRUE(is_peer_closed(n.error()));
  EXPECT_NE(f.notices.back().find("1 clients already connected"), std::string::npos);
}

TEST(StreamService, can_transports_are_refused_as_not_a_byte_stream) {
  EchoFixture f;
  Done d = f.open("socketcan:can0");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().part, "transport");
}

TEST(StreamService, closing_the_service_removes_the_pty_symlink_and_its_watches) {
  const std::string link = testing::temp_path("svc3");
  EchoFixture f;
  ASSERT_TRUE(f.open("pty:" + link));
  EXPECT_EQ(f.loop.watch_count(), 1u);
  f.service.reset();
  EXPECT_EQ(f.loop.watch_count(), 0u);
  struct stat st {};
  EXPECT_NE(::lstat(link.c_str(), &st), 0);
}

}  // namespace
}  // namespace softbms::host
