#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <string>
#include <vector>

#include "host/device/jk_framing.hpp"
#include "host/device/responders.hpp"
#include "host/device/virtual_device.hpp"
#include "host/device/world_setup.hpp"
#include "protocols/jk/modbus.hpp"
#include "protocols/jk/nw_frame.hpp"
#include "protocols/jk/wire.hpp"

namespace softbms::host {
namespace {

namespace jk = protocols::jk;
using Bytes = std::vector<uint8_t>;

core::Settings pack16() {
  return core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
}

// A core that has published one Snapshot, as the device's is before any endpoint opens.
struct Core {
  sim::ClosedLoop loop{sim::pack_for(pack16(), 0.5, 1),
                       make_world(WorldOptions{std::nullopt, 20.0}, pack16()), pack16()};
  Core() { loop.tick(); }
  core::Bms& bms() { return loop.bms(); }
};

Bytes with_crc(Bytes f) {
  const uint16_t crc = jk::crc16_modbus(f);
  f.push_back(static_cast<uint8_t>(crc & 0xFF));
  f.push_back(static_cast<uint8_t>(crc >> 8));
  return f;
}

Bytes fc16(uint8_t address, uint16_t reg, std::vector<uint16_t> words) {
  Bytes f{address,
          0x10,
          static_cast<uint8_t>(reg >> 8),
          static_cast<uint8_t>(reg),
          0,
          static_cast<uint8_t>(words.size()),
          static_cast<uint8_t>(2 * words.size())};
  for (uint16_t w : words) {
    f.push_back(static_cast<uint8_t>(w >> 8));
    f.push_back(static_cast<uint8_t>(w));
  }
  return with_crc(f);
}

Bytes ble(uint8_t reg, uint32_t value) {
  Bytes f(20, 0);
  f[0] = 0xAA, f[1] = 0x55, f[2] = 0x90, f[3] = 0xEB, f[4] = reg, f[5] = 4;
  for (int i = 0; i < 4; ++i) f[6 + i] = static_cast<uint8_t>(value >> (8 * i));
  f[19] = jk::sum8(std::span<const uint8_t>(f).first(19));
  return f;
}

core::Command set(core::Param p, int32_t v) {
  core::Command c;
  c.kind = core::CommandKind::set_param;
  c.authority = core::Authority::settings;
  c.param = p;
  c.value = v;
  return c;
}

// --- framing ------------------------------------------------------------------------------------

TEST(Framing, modbus_requests_are_cut_by_function_code_and_unknown_codes_by_silence) {
  const Bytes read = with_crc({1, 0x03, 0x12, 0x00, 0, 16});
  EXPECT_EQ(size_modbus_request(read, false).status, FrameStatus::complete);
  EXPECT_EQ(size_modbus_request(read, false).length, 8u);
  const Bytes write = fc16(1, 0x1070, {0, 0});
  EXPECT_EQ(size_modbus_request(std::span(write).first(10), false).status, FrameStatus::incomplete);
  EXPECT_EQ(size_modbus_request(write, false).length, 13u);
  const Bytes odd{1, 0x2B, 0x0E, 0x01};
  EXPECT_EQ(size_modbus_request(odd, false).status, FrameStatus::incomplete);
  EXPECT_EQ(size_modbus_request(odd, true).length, 4u);
}

TEST(Framing, a_4e57_frame_is_cut_at_its_length_and_junk_before_it_is_garbage) {
  std::array<uint8_t, 32> req{};
  const auto n = jk::encode_nw_read_all_request(3, req);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(size_nw_request(std::span(req).first(n.value()), false).length, 21u);
  const Bytes junk{0x00, 0x11, 0x4E, 0x57};
  EXPECT_EQ(size_nw_request(junk, false).status, FrameStatus::garbage);
  EXPECT_EQ(size_nw_request(junk, false).length, 2u);
  const Bytes absurd_length{0x4E, 0x57, 0xFF, 0xFF};
  EXPECT_EQ(size_nw_request(absurd_length, false).status, FrameStatus::garbage);
}

TEST(Framing, ble_commands_are_20_bytes_after_aa_55_90_eb) {
  const Bytes cmd = ble(0x96, 0);
  EXPECT_EQ(size_ble_command(cmd, false).length, 20u);
  const Bytes wrong{0xAA, 0x55, 0x00};
  EXPECT_EQ(size_ble_command(wrong, false).status, FrameStatus::garbage);
}

// --- JK-PB --------------------------------------------------------------------------------------

TEST(JkPb, charge_switch_write_with_settings_policy_is_echoed_and_opens_the_charge_switch) {
  Core c;
  const Bytes req = fc16(1, 0x1070, {0, 0});
  const Answer a = answer_jk_pb(req, 1, core::Authority::settings, c.bms(), c.loop.now());
  EXPECT_EQ(a.verdict, Verdict::answered);
  EXPECT_EQ(a.reply, with_crc({1, 0x10, 0x10, 0x70, 0, 2}));
  EXPECT_EQ(c.bms().settings().raw(core::Param::charge_enabled), 0);
}

TEST(JkPb, read_only_policy_answers_exception_01_and_changes_nothing) {
  Core c;
  const Answer a =
      answer_jk_pb(fc16(1, 0x1070, {0, 0}), 1, core::Authority::read_only, c.bms(), c.loop.now());
  EXPECT_EQ(a.verdict, Verdict::rejected);
  EXPECT_EQ(a.reply, with_crc({1, 0x90, 0x01}));
  EXPECT_EQ(c.bms().settings().raw(core::Param::charge_enabled), 1);
}

TEST(JkPb, switches_policy_may_switch_but_not_move_a_threshold) {
  Core c;
  EXPECT_EQ(
      answer_jk_pb(fc16(1, 0x1070, {0, 0}), 1, core::Authority::switches, c.bms(), c.loop.now())
          .verdict,
      Verdict::answered);
  const Answer a =
      answer_jk_pb(fc16(1, 0x100C, {0, 3500}), 1, core::Authority::switches, c.bms(), c.loop.now());
  EXPECT_EQ(a.reply, with_crc({1, 0x90, 0x01}));
  EXPECT_EQ(c.bms().settings().raw(core::Param::cell_ovp), 3600);
}

TEST(JkPb, bad_crc_gets_silence_and_is_rejected_another_address_is_ignored) {
  Core c;
  Bytes bad = fc16(1, 0x1620, {0});
  bad.back() ^= 0xFF;
  const Answer a = answer_jk_pb(bad, 1, core::Authority::settings, c.bms(), c.loop.now());
  EXPECT_EQ(a.verdict, Verdict::rejected);
  EXPECT_TRUE(a.reply.empty());
  const Answer other =
      answer_jk_pb(fc16(3, 0x1620, {0}), 1, core::Authority::settings, c.bms(), c.loop.now());
  EXPECT_EQ(other.verdict, Verdict::ignored);
  EXPECT_TRUE(other.reply.empty());
}

TEST(JkPb, status_trigger_answers_the_frame_with_byte5_zero_then_the_ack) {
  Core c;
  const Answer a =
      answer_jk_pb(fc16(1, 0x1620, {0}), 1, core::Authority::read_only, c.bms(), c.loop.now());
  ASSERT_EQ(a.reply.size(), 308u);
  EXPECT_EQ(a.reply[4], 0x02);
  EXPECT_EQ(a.reply[5], 0x00);
  EXPECT_EQ(Bytes(a.reply.begin() + 300, a.reply.end()), with_crc({1, 0x10, 0x16, 0x20, 0, 1}));
  const uint16_t cell1 = static_cast<uint16_t>(a.reply[6] | (a.reply[7] << 8));
  EXPECT_EQ(cell1, c.bms().snapshot().cell[0].count());
}

// --- one write, one step of the core --------------------------------------------------------

// Issue 11: FC10 at 0x1004 raising cell_uvp 2600 -> 3050 and cell_uvpr 3000 -> 3100 (LFP) is
// valid as a whole; applied field by field, uvp 3050 > uvpr 3000 broke uvp_below_uvpr (exc. 03).
TEST(JkPb, an_fc10_raising_uvp_above_the_old_uvpr_together_with_uvpr_is_applied_as_one_step) {
  Core c;
  const Bytes req = fc16(1, 0x1004, {0, 3050, 0, 3100});
  const Answer a = answer_jk_pb(req, 1, core::Authority::settings, c.bms(), c.loop.now());
  EXPECT_EQ(a.verdict, Verdict::answered);
  EXPECT_TRUE(a.wrote);
  EXPECT_EQ(a.reply, with_crc({1, 0x10, 0x10, 0x04, 0, 4}));
  EXPECT_EQ(c.bms().settings().raw(core::Param::cell_uvp), 3050);
  EXPECT_EQ(c.bms().settings().raw(core::Param::cell_uvpr), 3100);
}

TEST(JkPb, an_fc10_whose_second_field_is_refused_changes_nothing_and_answers_exception_03) {
  Core c;
  // cell_uvp 2700 is fine alone; cell_uvpr 9999 mV is out of range: neither may stay.
  const Answer a = answer_jk_pb(fc16(1, 0x1004, {0, 2700, 0, 9999}), 1, core::Authority::settings,
                                c.bms(), c.loop.now());
  EXPECT_EQ(a.verdict, Verdict::rejected);
  EXPECT_FALSE(a.wrote);
  EXPECT_EQ(a.reply, with_crc({1, 0x90, 0x03}));
  EXPECT_EQ(c.bms().settings(), pack16());
}

TEST(JkPb, a_write_that_could_not_be_saved_gets_exception_04_and_no_acknowledge) {
  Core c;
  const Bytes req = fc16(1, 0x1070, {0, 0});
  Answer a = answer_jk_pb(req, 1, core::Authority::settings, c.bms(), c.loop.now());
  ASSERT_TRUE(a.wrote);
  refuse_unsaved(a, "jk-pb", req, Status(Errc::bad_state, 28));  // ENOSPC
  EXPECT_EQ(a.verdict, Verdict::rejected);
  EXPECT_EQ(a.reply, with_crc({1, 0x90, 0x04}));
  Answer nw{Verdict::answered, {1, 2, 3}, ok_status(), false, true};
  refuse_unsaved(nw, "jk-4e57", req, Status(Errc::bad_state, 5));
  EXPECT_TRUE(nw.reply.empty());  // 4E57 and jk02 have no error frame: silence
}

// --- 4E57 ---------------------------------------------------------------------------------------

TEST(Nw, read_all_reply_echoes_the_command_and_carries_16_cells) {
  Core c;
  std::array<uint8_t, 32> req{};
  const auto n = jk::encode_nw_read_all_request(3, req);
  ASSERT_TRUE(n.ok());
  const Answer a = answer_4e57(std::span(req).first(n.value()), core::Authority::read_only, c.bms(),
                               c.loop.now());
  ASSERT_EQ(a.verdict, Verdict::answered);
  EXPECT_EQ(a.reply.size(), jk::nw_read_all_size(16));
  EXPECT_EQ(a.reply[8], 0x06);
  const auto decoded = jk::decode_nw_reply(a.reply, pack16());
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded.value().snapshot.cell[5], c.bms().snapshot().cell[5]);
}

// The codecs decode only; the core refuses a value out of range, the same on every protocol.
TEST(Nw, a_value_the_core_refuses_gets_no_reply_and_changes_nothing) {
  Core c;
  std::array<uint8_t, 32> req{};
  const auto n = jk::encode_nw_write_request(0x90, 9000, req);  // 9 V cell OVP
  ASSERT_TRUE(n.ok());
  const Answer a = answer_4e57(std::span(req).first(n.value()), core::Authority::settings, c.bms(),
                               c.loop.now());
  EXPECT_EQ(a.verdict, Verdict::rejected);
  EXPECT_EQ(a.why.code(), Errc::out_of_range);
  EXPECT_TRUE(a.reply.empty());
  EXPECT_EQ(c.bms().settings(), pack16());
  Jk02Session session;
  const Answer b =
      answer_jk02(ble(0x04, 6000), core::Authority::settings, c.bms(), c.loop.now(), session);
  EXPECT_EQ(b.verdict, Verdict::rejected);
  EXPECT_TRUE(b.reply.empty());
  EXPECT_EQ(c.bms().settings(), pack16());
}

TEST(Nw, a_write_on_a_read_only_line_is_refused_without_reply_and_a_settings_line_applies_it) {
  Core c;
  std::array<uint8_t, 32> req{};
  const auto n = jk::encode_nw_write_request(0xAB, 0, req);  // charging off
  ASSERT_TRUE(n.ok());
  const std::span<const uint8_t> frame = std::span(req).first(n.value());
  const Answer refused = answer_4e57(frame, core::Authority::read_only, c.bms(), c.loop.now());
  EXPECT_EQ(refused.verdict, Verdict::rejected);
  EXPECT_TRUE(refused.reply.empty());
  EXPECT_EQ(c.bms().settings().raw(core::Param::charge_enabled), 1);
  const Answer ok = answer_4e57(frame, core::Authority::settings, c.bms(), c.loop.now());
  EXPECT_EQ(ok.verdict, Verdict::answered);
  EXPECT_EQ(ok.reply[10], 0x01);  // a reply frame
  EXPECT_EQ(c.bms().settings().raw(core::Param::charge_enabled), 0);
}

TEST(Nw, a_flipped_checksum_is_rejected) {
  Core c;
  std::array<uint8_t, 32> req{};
  const auto n = jk::encode_nw_read_all_request(3, req);
  ASSERT_TRUE(n.ok());
  req[n.value() - 1] ^= 1;
  const Answer a = answer_4e57(std::span(req).first(n.value()), core::Authority::settings, c.bms(),
                               c.loop.now());
  EXPECT_EQ(a.verdict, Verdict::rejected);
  EXPECT_EQ(a.why.code(), Errc::corrupt);
}

// --- jk02 ---------------------------------------------------------------------------------------

TEST(Jk02, request_0x96_answers_settings_and_starts_the_stream_with_counting_byte5) {
  Core c;
  Jk02Session session;
  const Answer a =
      answer_jk02(ble(0x96, 0), core::Authority::read_only, c.bms(), c.loop.now(), session);
  ASSERT_EQ(a.reply.size(), 300u);
  EXPECT_EQ(a.reply[4], 0x01);
  EXPECT_TRUE(a.start_stream);
  const auto first = jk02_cell_info(c.bms(), session);
  const auto second = jk02_cell_info(c.bms(), session);
  EXPECT_EQ(first[4], 0x02);
  EXPECT_EQ(second[5], static_cast<uint8_t>(first[5] + 1));
}

TEST(Jk02, a_switch_command_is_acknowledged_with_c8_only_when_the_policy_allows) {
  Core c;
  Jk02Session session;
  const Answer refused =
      answer_jk02(ble(0x1D, 0), core::Authority::read_only, c.bms(), c.loop.now(), session);
  EXPECT_EQ(refused.verdict, Verdict::rejected);
  EXPECT_TRUE(refused.reply.empty());
  const Answer ok =
      answer_jk02(ble(0x1D, 0), core::Authority::switches, c.bms(), c.loop.now(), session);
  ASSERT_EQ(ok.reply.size(), 20u);
  EXPECT_EQ(ok.reply[4], 0xC8);
  EXPECT_EQ(c.bms().settings().raw(core::Param::charge_enabled), 0);
}

TEST(Jk02, firmware_11_and_later_speak_the_32_cell_layout) {
  EXPECT_EQ(layout_for_sw_version("19.27"), jk::Layout::jk02_32s);
  EXPECT_EQ(layout_for_sw_version("11.26"), jk::Layout::jk02_32s);
  EXPECT_EQ(layout_for_sw_version("10.07"), jk::Layout::jk02_24s);
}

// --- the device ---------------------------------------------------------------------------------

TEST(World, a_constant_charger_and_load_replace_the_home_day) {
  const sim::World w = make_world(WorldOptions{5.0, 20.0}, pack16());
  const sim::WorldState at_noon = w.at(12 * 3600.0);
  EXPECT_TRUE(at_noon.charger_present);
  EXPECT_DOUBLE_EQ(at_noon.charger_a, 20.0);
  EXPECT_NEAR(at_noon.charger_v, 16 * 3.45, 1e-9);
  EXPECT_DOUBLE_EQ(at_noon.load_a, 5.0);
}

TEST(World, the_home_day_follows_the_wall_clock_hour) {
  WorldOptions night;
  night.day_start_s = 0.0;  // midnight: no sun
  EXPECT_FALSE(make_world(night, pack16()).at(0.0).charger_present);
  WorldOptions noon;
  noon.day_start_s = 12 * 3600.0;
  EXPECT_TRUE(make_world(noon, pack16()).at(0.0).charger_present);
}

class FakeClock {
 public:
  Milliseconds now{0};
};

// A fresh state dir under the test temp dir, removed when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "softbms-device-XXXXXX";
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { [[maybe_unused]] int rc = std::system(("rm -rf '" + path_ + "'").c_str()); }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(Device, at_speed_10_one_wall_second_runs_ten_simulated_seconds) {
  FakeClock clock;
  EventLoop loop([&clock] { return clock.now; });
  DeviceConfig config;
  config.settings = pack16();
  config.speed = 10;
  config.world.charge_a = 20;
  TempDir dir;
  config.state_dir = dir.path();
  auto d = VirtualDevice::start(loop, config, nullptr);
  ASSERT_TRUE(d) << d.error().message;
  const Milliseconds start = d.value()->core_now();
  for (int i = 0; i < 100; ++i) {
    clock.now += Milliseconds(10);
    ASSERT_TRUE(loop.run_once(Milliseconds(0)));
  }
  EXPECT_NEAR(static_cast<double>((d.value()->core_now() - start).count()), 10000.0, 100.0);
  EXPECT_GT(d.value()->bms().snapshot().current.count(), 15000);
  EXPECT_EQ(d.value()->status_json()["sim"]["speed"], 10.0);
}

TEST(Device, a_setting_changed_through_an_endpoint_is_in_the_store_before_the_next_request) {
  TempDir temp;
  const std::string dir = temp.path();
  FakeClock clock;
  EventLoop loop([&clock] { return clock.now; });
  DeviceConfig config;
  config.settings = pack16();
  config.state_dir = dir;
  {
    auto d = VirtualDevice::start(loop, config, nullptr);
    ASSERT_TRUE(d);
    ASSERT_TRUE(
        d.value()->bms().apply(set(core::Param::cell_ovp, 3550), d.value()->core_now()).ok());
    ASSERT_TRUE(d.value()->after_request().ok());
    // No save_now(): a crash right here must not lose the setting.
  }
  auto again = VirtualDevice::start(loop, config, nullptr);
  ASSERT_TRUE(again);
  EXPECT_EQ(again.value()->bms().settings().raw(core::Param::cell_ovp), 3550);
  EXPECT_EQ(again.value()->load_report()[0], "settings: loaded");
  EXPECT_EQ(again.value()->bms().snapshot().power_on_count, 2u);
}

TEST(Device, the_dip_address_and_identity_overrides_show_in_settings_and_device_info) {
  FakeClock clock;
  EventLoop loop([&clock] { return clock.now; });
  DeviceConfig config;
  config.settings = pack16();
  TempDir dir;
  config.state_dir = dir.path();
  config.address = 3;
  config.identity.sw_version = "10.07";
  config.identity.serial = "ABC123";
  auto d = VirtualDevice::start(loop, config, nullptr);
  ASSERT_TRUE(d);
  EXPECT_EQ(d.value()->bms().settings().raw(core::Param::device_address), 3);
  EXPECT_EQ(d.value()->bms().device().sw_version.view(), "10.07");
  EXPECT_EQ(d.value()->bms().device().serial_number.view(), "ABC123");
  EXPECT_EQ(d.value()->bms().device().model.view(), "JK_PB2A16S20P");
}

}  // namespace
}  // namespace softbms::host
