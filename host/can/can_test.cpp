#include <gtest/gtest.h>

#include <string>

#include "host/can/open_can.hpp"
#include "host/can/slcan_transport.hpp"
#include "host/can/socketcan_transport.hpp"
#include "host/transport/pty.hpp"
#include "host/transport/test_util.hpp"

namespace softbms::host {
namespace {
using testing::open_raw_client;
using testing::read_fd;
using testing::temp_path;

std::string text(const std::vector<uint8_t>& b) {
  return std::string(b.begin(), b.end());
}
void write_text(int fd, const std::string& s) {
  ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size()));
}

CanFrame limits_frame() {
  CanFrame f = protocols::inverter::make_frame(0x351, 8);
  f.data = {0x28, 0x02, 0xE8, 0x03, 0xE8, 0x03, 0xC0, 0x01};
  return f;
}

struct AdapterOnPty : ::testing::Test {
  void SetUp() override {
    auto pty = PtyTransport::open(temp_path("slcan"));
    ASSERT_TRUE(pty) << pty.error().message;
    device = pty.value()->device_path();
    auto t = SlcanTransport::open(std::move(pty).value());
    ASSERT_TRUE(t);
    slcan = std::move(t).value();
    client = open_raw_client(device);
    ASSERT_TRUE(client.valid());
  }
  // Runs the adapter on what the client wrote and returns what it answered.
  std::string exchange(const std::string& request, size_t reply_bytes) {
    write_text(client.get(), request);
    std::string got;
    for (int i = 0; i < 50 && got.size() < reply_bytes; ++i) {
      (void)read_fd(slcan->fd(), 0, 10);
      auto n = slcan->receive([this](const CanFrame& f) { frames.push_back(f); });
      EXPECT_TRUE(n);
      got += text(read_fd(client.get(), reply_bytes - got.size(), 20));
    }
    return got;
  }
  std::string device;
  std::unique_ptr<SlcanTransport> slcan;
  UniqueFd client;
  std::vector<CanFrame> frames;
};

TEST_F(AdapterOnPty, answers_python_can_open_sequence_and_sends_frames_only_while_open) {
  EXPECT_EQ(slcan->send(limits_frame()).value(), false) << "closed: nobody listens";
  EXPECT_EQ(slcan->counters().dropped, 1u);
  EXPECT_EQ(exchange("C\rS6\rO\r", 3), "\r\r\r");
  EXPECT_TRUE(slcan->channel_open());
  EXPECT_EQ(slcan->bitrate(), 500'000u);
  EXPECT_EQ(exchange("V\rN\r", 12), "V0101\rNSBMS\r");
  ASSERT_EQ(slcan->send(limits_frame()).value(), true);
  EXPECT_EQ(text(read_fd(client.get(), 22)), "t35182802E803E803C001\r");
  EXPECT_EQ(exchange("C\r", 1), "\r");
  EXPECT_EQ(slcan->send(limits_frame()).value(), false);
}

TEST_F(AdapterOnPty, frames_from_the_host_reach_the_sink_and_are_acknowledged_with_z) {
  EXPECT_EQ(exchange("t30580001020304050660\r", 1), "\a") << "channel closed: refused";
  EXPECT_TRUE(frames.empty());
  EXPECT_EQ(exchange("S6\rO\rt30580001020304050660\r", 4), "\r\rz\r");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].id, 0x305u);
  EXPECT_EQ(frames[0].dlc, 8);
  EXPECT_EQ(frames[0].data[7], 0x60);
  EXPECT_EQ(slcan->counters().received, 1u);
}

TEST_F(AdapterOnPty, a_bitrate_change_while_open_and_garbage_get_the_error_bell) {
  EXPECT_EQ(exchange("O\rS4\rxyz\r", 3), "\r\a\a");
  EXPECT_EQ(slcan->counters().bad_input, 1u);
}

TEST(SlcanHostRole, opens_the_adapter_at_the_bitrate_and_reads_its_frames) {
  auto pty = PtyTransport::open(temp_path("slcan_host"));
  ASSERT_TRUE(pty);
  UniqueFd adapter = open_raw_client(pty.value()->device_path());
  auto t = SlcanTransport::open(std::move(pty).value(), {SlcanRole::host, 250'000});
  ASSERT_TRUE(t);
  EXPECT_EQ(text(read_fd(adapter.get(), 7)), "C\rS5\rO\r");
  ASSERT_TRUE(t.value()->send(limits_frame()).value());
  EXPECT_EQ(text(read_fd(adapter.get(), 22)), "t35182802E803E803C001\r");
  write_text(adapter.get(), "z\r\at30520102\r");
  std::vector<CanFrame> got;
  for (int i = 0; i < 20 && got.empty(); ++i) {
    (void)read_fd(t.value()->fd(), 0, 10);
    ASSERT_TRUE(t.value()->receive([&got](const CanFrame& f) { got.push_back(f); }));
  }
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, 0x305u);
  EXPECT_EQ(got[0].dlc, 2);
  EXPECT_EQ(t.value()->counters().bad_input, 1u) << "the bell";
}

TEST(Slcan, a_bitrate_without_an_s_code_is_refused) {
  auto pty = PtyTransport::open(temp_path("slcan_bad"));
  ASSERT_TRUE(pty);
  auto t = SlcanTransport::open(std::move(pty).value(), {SlcanRole::adapter, 333'000});
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().part, "bitrate");
  EXPECT_EQ(slcan_bitrate_code(500'000), '6');
  EXPECT_EQ(slcan_bitrate_code(1'000'000), '8');
}

TEST(SocketCan, frames_convert_to_the_kernel_layout_and_back) {
  CanFrame ext = limits_frame();
  ext.id = 0x1ABCDE12;
  ext.extended = true;
  const struct can_frame k = to_linux(ext);
  EXPECT_EQ(k.can_id, 0x1ABCDE12u | CAN_EFF_FLAG);
  EXPECT_EQ(k.can_dlc, 8);
  EXPECT_EQ(k.data[6], 0xC0);
  EXPECT_EQ(from_linux(k).value(), ext);
  const struct can_frame s = to_linux(limits_frame());
  EXPECT_EQ(s.can_id, 0x351u);
  EXPECT_EQ(from_linux(s).value(), limits_frame());
}

TEST(SocketCan, remote_and_error_frames_are_not_data) {
  struct can_frame k {};
  k.can_id = 0x305 | CAN_RTR_FLAG;
  EXPECT_FALSE(from_linux(k).ok());
  k.can_id = CAN_ERR_FLAG | 0x4;
  EXPECT_FALSE(from_linux(k).ok());
}

TEST(SocketCan, a_missing_interface_says_how_to_create_one_and_long_names_are_refused) {
  auto t = SocketCanTransport::open("sbmsnone0");
  ASSERT_FALSE(t);
  // Without AF_CAN in the kernel (containers) socket() itself fails; either way no transport.
  if (t.error().code == Errc::not_found) {
    EXPECT_NE(t.error().message.find("type vcan"), std::string::npos);
  }
  auto long_name = SocketCanTransport::open("a-name-that-is-too-long");
  ASSERT_FALSE(long_name);
  EXPECT_EQ(long_name.error().part, "interface");
}

TEST(OpenCan, slcan_pty_makes_an_adapter_and_a_stream_kind_is_refused) {
  auto spec = parse_transport("slcan:pty:" + temp_path("open_can"));
  ASSERT_TRUE(spec);
  auto t = open_can_transport(spec.value());
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_NE(t.value()->describe().find("slcan adapter"), std::string::npos);
  auto pty = parse_transport("pty:/tmp/x");
  ASSERT_TRUE(pty);
  EXPECT_FALSE(open_can_transport(pty.value()));
}

}  // namespace
}  // namespace softbms::host
