#include <gtest/gtest.h>

#include "host/parallel/master.hpp"
#include "host/parallel/stream_pair.hpp"
#include "host/parallel/virtual_bank.hpp"
#include "host/parallel/virtual_slave_bus.hpp"

namespace softbms::host {
namespace {
using namespace softbms::literals;
using core::alarm_mask;
using core::AlarmBit;

struct Bank : ::testing::Test {
  void SetUp() override {
    VirtualBankOptions bo;
    bo.packs = 4;
    bank = std::make_unique<VirtualBank>(bo);
    bank->advance_to(2000_ms);
    auto pair = make_stream_pair("rs485");
    ASSERT_TRUE(pair);
    auto b = VirtualSlaveBus::open(loop, std::move(pair.value().b));
    ASSERT_TRUE(b);
    bus = std::move(b).value();
    bank->attach(*bus);
    MasterOptions mo;
    mo.addresses = {1, 2, 3, 4};
    mo.cycle = 200_ms;
    mo.timeout = 60_ms;
    auto m = Master::open(loop, std::move(pair.value().a), mo);
    ASSERT_TRUE(m) << m.error().message;
    master = std::move(m).value();
  }
  // Runs the loop until `done` or 5 s.
  template <typename F>
  bool run_until(F done) {
    for (int i = 0; i < 250 && !done(); ++i) (void)loop.run_for(20_ms);
    return done();
  }
  const core::Snapshot& pack(std::size_t i) const { return bank->pack(i).bms().snapshot(); }

  EventLoop loop;
  std::unique_ptr<VirtualBank> bank;
  std::unique_ptr<VirtualSlaveBus> bus;
  std::unique_ptr<Master> master;
};

TEST_F(Bank, four_virtual_packs_come_online_and_the_aggregate_follows_their_snapshots) {
  ASSERT_TRUE(run_until([&] {
    const auto& s = master->slaves();
    return master->aggregate().online == 4 &&
           std::all_of(s.begin(), s.end(), [](const SlaveView& v) { return v.has_settings; });
  }));
  const core::Aggregate& a = master->aggregate();
  int64_t weighted = 0, capacity = 0;
  Millivolts lowest = pack(0).cell_min;
  int32_t current = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    // The status frame carries whole percent: that is what the master weighs.
    weighted += int64_t{pack(i).soc_percent} * 10 * pack(i).full_capacity.count();
    capacity += pack(i).full_capacity.count();
    lowest = std::min(lowest, pack(i).cell_min);
    current += pack(i).current.count();
  }
  EXPECT_EQ(capacity, (280 + 230 + 314 + 280) * 1000) << "each pack keeps its own capacity";
  EXPECT_EQ(a.snapshot.full_capacity, MilliampHours(capacity));
  EXPECT_EQ(a.snapshot.soc_permille, (weighted + capacity / 2) / capacity);
  EXPECT_EQ(a.snapshot.cell_min, lowest);
  EXPECT_EQ(a.snapshot.current, Milliamps(current));
  EXPECT_EQ(a.missing_mask, 0u);
  EXPECT_EQ(a.snapshot.alarms & alarm_mask(AlarmBit::internal_comm), 0u);
  EXPECT_EQ(master->feed().module_count, 4);
  for (const SlaveView& s : master->slaves()) {
    EXPECT_TRUE(s.has_settings) << "slave " << int(s.address);
    EXPECT_EQ(s.settings.raw(core::Param::device_address), s.address);
  }
}

TEST_F(Bank, a_slave_that_stops_answering_is_dropped_with_an_alarm_and_rejoins_when_it_answers) {
  ASSERT_TRUE(run_until([&] { return master->aggregate().online == 4; }));
  const Milliamps four = master->aggregate().target.discharge_current;
  bus->set_answering(3, false);
  ASSERT_TRUE(run_until([&] { return master->aggregate().online == 3; }));
  const core::Aggregate& a = master->aggregate();
  EXPECT_EQ(a.missing_mask, 1u << 3);
  EXPECT_NE(a.snapshot.alarms & alarm_mask(AlarmBit::internal_comm), 0u);
  Milliamps three{};
  for (const SlaveView& s : master->slaves()) {
    if (s.address != 3)
      three += core::pack_allowance(s.snapshot, s.settings).limits.discharge_current;
  }
  EXPECT_EQ(a.target.discharge_current, three);
  EXPECT_LT(a.target.discharge_current, four);
  EXPECT_EQ(a.snapshot.full_capacity, MilliampHours((280 + 230 + 280) * 1000));
  EXPECT_EQ(master->slaves()[2].tracker.drops(), 1u);

  bus->set_answering(3, true);
  ASSERT_TRUE(run_until([&] { return master->aggregate().online == 4; }));
  EXPECT_EQ(master->aggregate().missing_mask, 0u);
  EXPECT_EQ(master->aggregate().snapshot.alarms & alarm_mask(AlarmBit::internal_comm), 0u);
  EXPECT_EQ(master->aggregate().target.discharge_current, four);
}

TEST(Master, refuses_the_master_address_and_addresses_above_fifteen) {
  EventLoop loop;
  for (uint8_t bad : {uint8_t{0}, uint8_t{16}}) {
    auto pair = make_stream_pair("rs485");
    ASSERT_TRUE(pair);
    MasterOptions o;
    o.addresses = {1, bad};
    auto m = Master::open(loop, std::move(pair.value().a), o);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().part, "addr");
  }
}

TEST(ModbusRequestSize, triggers_are_eleven_bytes_and_reads_eight) {
  const uint8_t trigger[] = {0x01, 0x10, 0x16, 0x20, 0x00, 0x01, 0x02, 0x00, 0x00, 0xD6, 0xF1};
  EXPECT_EQ(modbus_request_size(trigger, false).length, 11u);
  EXPECT_EQ(modbus_request_size({trigger, 6}, false).status, FrameStatus::incomplete);
  const uint8_t read[] = {0x01, 0x03, 0x12, 0x00, 0x00, 0x0A, 0xC1, 0x75};
  EXPECT_EQ(modbus_request_size(read, false).length, 8u);
  const uint8_t odd[] = {0x01, 0x2B, 0x0E};
  EXPECT_EQ(modbus_request_size(odd, false).status, FrameStatus::incomplete);
  EXPECT_EQ(modbus_request_size(odd, true).length, 3u);
}

}  // namespace
}  // namespace softbms::host
