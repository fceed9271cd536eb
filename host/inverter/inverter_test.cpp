#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <deque>
#include <vector>

#include "host/inverter/inverter_service.hpp"
#include "host/inverter/pylon485_service.hpp"
#include "host/transport/test_util.hpp"
#include "protocols/inverter/can_decode.hpp"
#include "protocols/inverter/pylon_rs485_frame.hpp"

namespace softbms::host {
namespace {
using namespace softbms::literals;
namespace inv = protocols::inverter;

// A CAN bus in memory: sent frames are kept, frames to receive are queued behind a pipe so the
// loop sees the descriptor readable.
class FakeCan : public CanTransport {
 public:
  FakeCan() {
    int p[2];
    EXPECT_EQ(::pipe2(p, O_NONBLOCK), 0);
    rd_ = UniqueFd(p[0]);
    wr_ = UniqueFd(p[1]);
  }
  int fd() const override { return rd_.get(); }
  std::string describe() const override { return "fake can"; }
  void close() override { rd_.reset(); }
  Expected<bool> send(const CanFrame& f) override {
    sent->push_back(f);
    ++counters_.sent;
    return true;
  }
  Expected<size_t> receive(const FrameSink& sink) override {
    char b[64];
    while (::read(rd_.get(), b, sizeof b) > 0) {
    }
    size_t n = 0;
    for (; !inbox->empty(); ++n) {
      sink(inbox->front());
      inbox->pop_front();
    }
    return n;
  }
  const CanCounters& counters() const override { return counters_; }
  void push(const CanFrame& f) {
    inbox->push_back(f);
    ASSERT_EQ(::write(wr_.get(), "x", 1), 1);
  }
  std::shared_ptr<std::vector<CanFrame>> sent = std::make_shared<std::vector<CanFrame>>();
  std::shared_ptr<std::deque<CanFrame>> inbox = std::make_shared<std::deque<CanFrame>>();

 private:
  UniqueFd rd_, wr_;
  CanCounters counters_;
};

BatteryFeed feed_50a() {
  BatteryFeed f;
  f.snapshot.soc_percent = 64;
  f.snapshot.soh_percent = 100;
  f.snapshot.pack_voltage = 53'120_mV;
  f.snapshot.current = -12'300_mA;
  f.charge.limits = {56'000_mV, 50'000_mA, 80'000_mA, 48'000_mV};
  f.charge.request.charge_enable = f.charge.request.discharge_enable = true;
  return f;
}

struct Link : ::testing::Test {
  void SetUp() override {
    auto can = std::make_unique<FakeCan>();
    fake = can.get();
    sent = can->sent;
    InverterOptions o;
    o.keepalive.timeout = 10'000_ms;
    auto s = InverterService::open(
        loop, std::move(can), [] { return feed_50a(); }, o);
    ASSERT_TRUE(s) << s.error().message;
    service = std::move(s).value();
  }
  std::vector<uint32_t> ids() const {
    std::vector<uint32_t> v;
    for (const CanFrame& f : *sent) v.push_back(f.id);
    return v;
  }
  Milliseconds clock{0};
  EventLoop loop{[this] { return clock; }};
  FakeCan* fake = nullptr;
  std::shared_ptr<std::vector<CanFrame>> sent;
  std::unique_ptr<InverterService> service;
};

TEST_F(Link, sends_the_pylon_set_at_once_and_then_once_a_second) {
  EXPECT_EQ(ids(), (std::vector<uint32_t>{0x351, 0x355, 0x356, 0x359, 0x35C, 0x35E}));
  const auto limits = inv::decode_limits(sent->front());
  ASSERT_TRUE(limits.ok());
  EXPECT_EQ(limits.value().charge_current, 50'000_mA);
  EXPECT_EQ(limits.value().discharge_current, 80'000_mA);
  sent->clear();
  service->tick(500_ms);
  EXPECT_TRUE(sent->empty());
  service->tick(1000_ms);
  EXPECT_EQ(sent->size(), 6u);
}

TEST_F(Link, keepalive_loss_after_ten_seconds_stops_charge_and_keeps_discharge_on_the_wire) {
  EXPECT_EQ(service->link_state(), inv::LinkState::waiting);
  fake->push(inv::make_frame(0x305, 8));
  ASSERT_TRUE(loop.run_once(0_ms));
  EXPECT_EQ(service->link_state(), inv::LinkState::present);
  EXPECT_EQ(service->link().keepalives(), 1u);

  clock = 9'900_ms;
  service->tick(clock);
  EXPECT_EQ(service->link_state(), inv::LinkState::present);
  EXPECT_EQ(service->announced().limits.charge_current, 50'000_mA);

  sent->clear();
  clock = 10'900_ms;  // the next 1 s slot after the 10 s timeout
  service->tick(clock);
  EXPECT_EQ(service->link_state(), inv::LinkState::lost);
  ASSERT_FALSE(sent->empty());
  const auto limits = inv::decode_limits(sent->front());
  ASSERT_TRUE(limits.ok());
  EXPECT_EQ(limits.value().charge_current, 0_mA);
  EXPECT_EQ(limits.value().discharge_current, 80'000_mA);
  const auto req = std::find_if(sent->begin(), sent->end(), [](auto& f) { return f.id == 0x35C; });
  ASSERT_NE(req, sent->end());
  EXPECT_EQ(req->data[0] & 0x80, 0) << "charge enable cleared";
  EXPECT_EQ(req->data[0] & 0x40, 0x40) << "discharge enable kept";

  fake->push(inv::make_frame(0x305, 8));
  ASSERT_TRUE(loop.run_once(0_ms));
  service->tick(11'000_ms);
  EXPECT_EQ(service->link_state(), inv::LinkState::present);
  EXPECT_EQ(service->announced().limits.charge_current, 50'000_mA) << "a keep-alive restores it";
}

TEST(InverterService, refuses_a_protocol_softbms_does_not_speak) {
  EventLoop loop;
  InverterOptions o;
  o.protocol = inv::CanProtocol::growatt;
  auto s = InverterService::open(
      loop, std::make_unique<FakeCan>(), [] { return feed_50a(); }, o);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().part, "protocol");
  EXPECT_EQ(can_protocol_for_endpoint("victron-can"), inv::CanProtocol::victron);
  EXPECT_EQ(can_protocol_for_endpoint("jk-pb"), std::nullopt);
}

TEST(PylonFrameSize, cuts_at_carriage_return_and_drops_noise_before_the_tilde) {
  const std::string in = "xx~20024642E00202FD33\r";
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  const FrameCheck noise = pylon_frame_size({p, in.size()}, false);
  EXPECT_EQ(noise.status, FrameStatus::garbage);
  EXPECT_EQ(noise.length, 2u);
  const FrameCheck whole = pylon_frame_size({p + 2, in.size() - 2}, false);
  EXPECT_EQ(whole.status, FrameStatus::complete);
  EXPECT_EQ(whole.length, in.size() - 2);
  EXPECT_EQ(pylon_frame_size({p + 2, 5}, false).status, FrameStatus::incomplete);
}

TEST(Pylon485Service, answers_0x92_with_the_feeds_limits_on_a_pty) {
  EventLoop loop;
  const std::string link = testing::temp_path("pylon485");
  auto spec = parse_transport("pty:" + link);
  ASSERT_TRUE(spec);
  auto s = Pylon485Service::open(loop, spec.value(), 9600, [] { return feed_50a(); });
  ASSERT_TRUE(s) << s.error().message;
  UniqueFd client = testing::open_raw_client(link);
  ASSERT_TRUE(client.valid());
  inv::PylonFrame req;
  req.adr = 2;
  req.cid2 = 0x92;
  req.info[req.info_size++] = 2;
  std::array<char, 64> buf{};
  const auto n = inv::build_pylon(req, buf);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(::write(client.get(), buf.data(), n.value()), static_cast<ssize_t>(n.value()));
  std::string reply;
  for (int i = 0; i < 50 && (reply.empty() || reply.back() != '\r'); ++i) {
    ASSERT_TRUE(loop.run_once(20_ms));
    const auto got = testing::read_fd(client.get(), 1, 5);
    reply.append(got.begin(), got.end());
  }
  const auto f = inv::parse_pylon(reply);
  ASSERT_TRUE(f.ok()) << reply;
  EXPECT_EQ(f.value().cid2, 0x00) << "RTN normal";
  const auto b = f.value().info_bytes();
  ASSERT_GE(b.size(), 10u);
  EXPECT_EQ((b[1] << 8) | b[2], 56'000) << "CVL mV";
  EXPECT_EQ((b[5] << 8) | b[6], 500) << "CCL 0.1 A";
  EXPECT_EQ(static_cast<int16_t>((b[7] << 8) | b[8]), -800) << "DCL 0.1 A, negative as a UP2500";
  EXPECT_EQ(s.value()->answered(), 1u);
}

}  // namespace
}  // namespace softbms::host
