// The virtual device as a JK-PB master of a bank (--packs) and as a battery for inverters.
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "host/device/virtual_device.hpp"

namespace softbms::host {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "softbms-links-XXXXXX";
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { [[maybe_unused]] int rc = std::system(("rm -rf '" + path_ + "'").c_str()); }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

DeviceConfig bank_config(const std::string& dir, int packs) {
  DeviceConfig c;
  c.settings = core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
  c.state_dir = dir;
  c.address = 0;
  c.world.load_a = 10.0;
  c.parallel.packs = packs;
  c.parallel.cycle = Milliseconds(200);
  return c;
}

TEST(PackOffline, addr_from_to_and_open_ended_windows_parse_and_bad_ones_name_the_part) {
  const OfflineWindow w = parse_offline_window("3@20-40").value();
  EXPECT_EQ(w.address, 3);
  EXPECT_FALSE(w.covers(Milliseconds(19'999)));
  EXPECT_TRUE(w.covers(Milliseconds(20'000)));
  EXPECT_FALSE(w.covers(Milliseconds(40'000)));
  const OfflineWindow open = parse_offline_window("2@5").value();
  EXPECT_TRUE(open.covers(Milliseconds(86'400'000)));
  EXPECT_EQ(parse_offline_window("3").error().part, "pack-offline");
  EXPECT_EQ(parse_offline_window("0@1-2").error().part, "address");
  EXPECT_EQ(parse_offline_window("16@1-2").error().part, "address");
  EXPECT_EQ(parse_offline_window("3@x-2").error().part, "from");
  EXPECT_EQ(parse_offline_window("3@9-4").error().part, "to");
}

TEST(Links, one_pack_feeds_inverters_its_own_limits_as_one_module) {
  TempDir dir;
  DeviceConfig c = bank_config(dir.path(), 0);
  EventLoop loop;
  auto d = VirtualDevice::start(loop, c, nullptr);
  ASSERT_TRUE(d) << d.error().message;
  const BatteryFeed f = d.value()->battery_feed();
  EXPECT_EQ(f.module_count, 1);
  EXPECT_FALSE(f.bank_counts);
  EXPECT_EQ(f.charge.limits.charge_voltage,
            d.value()->bms().charge_control().limits.charge_voltage);
  EXPECT_GT(f.charge.limits.charge_voltage.count(), 50'000);
  EXPECT_EQ(d.value()->bank(), nullptr);
  EXPECT_TRUE(d.value()->status_json()["inverters"].empty());
}

TEST(Links, packs_out_of_2_to_15_are_refused) {
  TempDir dir;
  EventLoop loop;
  auto d = VirtualDevice::start(loop, bank_config(dir.path(), 16), nullptr);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().part, "packs");
}

TEST(Links, a_bank_of_three_drops_a_silent_slave_with_internal_comm_and_takes_it_back) {
  TempDir dir;
  DeviceConfig c = bank_config(dir.path(), 3);
  c.speed = 5;
  // Slave 2 is off the line from 5 s to 25 s of simulated time: 1 s to 5 s of wall time.
  c.parallel.offline.push_back(parse_offline_window("2@5-25").value());
  EventLoop loop;
  auto started = VirtualDevice::start(loop, c, nullptr);
  ASSERT_TRUE(started) << started.error().message;
  VirtualDevice& d = *started.value();

  ASSERT_TRUE(loop.run_for(Milliseconds(900)));
  nlohmann::json bank = d.status_json()["bank"];
  EXPECT_EQ(bank["online"], 3);
  EXPECT_EQ(bank["packs"][0]["role"], "master");
  EXPECT_EQ(d.battery_feed().module_count, 3);
  EXPECT_DOUBLE_EQ(bank["battery"]["full_capacity_ah"].get<double>(), 280.0 + 280.0 + 230.0);

  ASSERT_TRUE(loop.run_for(Milliseconds(2600)));
  bank = d.status_json()["bank"];
  EXPECT_EQ(bank["online"], 2);
  EXPECT_EQ(bank["missing"], nlohmann::json::array({2}));
  EXPECT_EQ(bank["packs"][2]["state"], "offline");
  // The packs run on their factory passwords (JK bit 19): each pack shows it, the bank does not
  // (core::kBoardOnlyAlarms, docs/parallel.md).
  EXPECT_EQ(bank["battery"]["alarms"], nlohmann::json::array({"internal_comm"}));
  EXPECT_EQ(bank["packs"][1]["alarms"], nlohmann::json::array({"modify_password"}));
  EXPECT_DOUBLE_EQ(bank["battery"]["full_capacity_ah"].get<double>(), 280.0 + 280.0);
  const BatteryFeed f = d.battery_feed();
  EXPECT_EQ(f.module_count, 2);
  EXPECT_TRUE(f.bank_counts);
  EXPECT_EQ(f.offline, 1);

  ASSERT_TRUE(loop.run_for(Milliseconds(3000)));
  bank = d.status_json()["bank"];
  EXPECT_EQ(bank["online"], 3);
  EXPECT_TRUE(bank["missing"].empty());
  EXPECT_TRUE(bank["battery"]["alarms"].empty());
  EXPECT_EQ(bank["packs"][2]["drops"], 1);
  EXPECT_EQ(d.battery_feed().offline, 0);
}

}  // namespace
}  // namespace softbms::host
