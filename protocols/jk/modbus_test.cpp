#include <gtest/gtest.h>

#include "protocols/jk/modbus.hpp"
#include "protocols/jk/test_vectors.hpp"

namespace softbms::protocols::jk {
namespace {

using core::CommandKind;
using core::Param;
using testing::from_hex;

class JkModbus : public ::testing::Test {
 protected:
  JkModbus() {
    snap.cell_count = 16;
    for (std::size_t i = 0; i < 16; ++i) {
      snap.cell[i] = Millivolts(static_cast<int32_t>(3300 + i));
      snap.cell_present_mask |= uint32_t{1} << i;
    }
    snap.pack_voltage = Millivolts(52920);
    snap.current = Milliamps(-10500);
    snap.soc_percent = 77;
    snap.balance_state = core::BalanceState::charging_cell;
    info.model.assign("JK_PB2A16S20P");
    settings.set_raw(Param::device_address, 1);
  }
  ModbusOutcome ask(const std::vector<uint8_t>& req, uint8_t address = 1) {
    return handle_modbus(req, address, BmsView{snap, settings, info}, reply);
  }
  std::vector<uint8_t> replied(const ModbusOutcome& o) const {
    return {reply.begin(), reply.begin() + static_cast<long>(o.reply_size)};
  }
  static std::vector<uint8_t> with_crc(std::vector<uint8_t> f) {
    f.resize(f.size() + 2);
    append_crc(f, f.size() - 2);
    return f;
  }

  core::Snapshot snap;
  core::Settings settings =
      core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
  core::DeviceInfo info;
  std::array<uint8_t, kModbusMaxReply> reply{};
};

TEST_F(JkModbus, our_trigger_requests_match_the_captured_ones) {
  std::array<uint8_t, 11> f{};
  encode_trigger(1, kTriggerStatus, f);
  EXPECT_EQ(std::vector<uint8_t>(f.begin(), f.end()), from_hex("011016200001020000D6F1"));
  encode_trigger(3, kTriggerStatus, f);
  EXPECT_EQ(std::vector<uint8_t>(f.begin(), f.end()), from_hex("031016200001020000CF91"));
}

TEST_F(JkModbus, a_status_trigger_is_answered_by_a_32s_frame_with_byte5_zero_then_the_ack) {
  const auto o = ask(from_hex("011016200001020000D6F1"));
  ASSERT_EQ(o.reply_size, 308u);
  const auto r = replied(o);
  EXPECT_TRUE(check_frame(Bytes(r).first(kFrameSize), FrameType::cell_info).ok());
  EXPECT_EQ(r[5], 0x00);
  EXPECT_NE(r[287], 0x00);
  EXPECT_EQ(std::vector<uint8_t>(r.begin() + 300, r.end()), from_hex("011016200001044B"));
  EXPECT_FALSE(o.writes());
}

TEST_F(JkModbus, settings_and_about_triggers_answer_with_their_frames) {
  const auto s = ask(with_crc({0x01, 0x10, 0x16, 0x1E, 0x00, 0x01, 0x02, 0x00, 0x00}));
  ASSERT_EQ(s.reply_size, 308u);
  EXPECT_EQ(reply[4], 0x01);
  EXPECT_EQ(get_le(reply, 270, 4), 1u);  // the sniffer's responder address
  const auto a = ask(with_crc({0x01, 0x10, 0x16, 0x1C, 0x00, 0x01, 0x02, 0x00, 0x00}));
  ASSERT_EQ(a.reply_size, 308u);
  EXPECT_EQ(reply[4], 0x03);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&reply[6]), 13), "JK_PB2A16S20P");
}

TEST_F(JkModbus, fc03_reads_cell_voltages_big_endian_two_bytes_per_register_count) {
  const auto o = ask(with_crc({0x01, 0x03, 0x12, 0x00, 0x00, 0x02}));
  const auto r = replied(o);
  ASSERT_EQ(r.size(), 3u + 4u + 2u);
  EXPECT_EQ(r[2], 4);
  EXPECT_EQ(get_be(r, 3, 2), 3300u);
  EXPECT_EQ(get_be(r, 5, 2), 3301u);
  EXPECT_TRUE(crc_ok(r));
}

TEST_F(JkModbus, fc03_reads_pack_voltage_current_and_settings_as_big_endian_u32) {
  auto r = replied(ask(with_crc({0x01, 0x03, 0x12, 0x90, 0x00, 0x06})));
  ASSERT_EQ(r.size(), 3u + 12u + 2u);
  EXPECT_EQ(get_be(r, 3, 4), 52920u);
  EXPECT_EQ(sign_extend(get_be(r, 11, 4), 4), -10500);
  r = replied(ask(with_crc({0x01, 0x03, 0x10, 0x0C, 0x00, 0x02})));  // cell OVP
  EXPECT_EQ(get_be(r, 3, 4), static_cast<uint32_t>(settings.raw(Param::cell_ovp)));
  r = replied(
      ask(with_crc({0x01, 0x03, 0x12, 0xA6, 0x00, 0x01})));  // balancing (high byte) + SOC (low)
  EXPECT_EQ(r[3], 1);
  EXPECT_EQ(r[4], 77);
}

TEST_F(JkModbus, the_captured_balancer_writes_become_commands_and_are_acknowledged) {
  const auto off = ask(from_hex("021010780002040000000037A9"), 2);
  ASSERT_EQ(off.change.changes.size(), 1u);
  EXPECT_EQ(off.change.changes[0].param, Param::balance_enabled);
  EXPECT_EQ(off.change.changes[0].value, 0);
  EXPECT_EQ(off.change.origin, core::Origin::rs485);
  const auto r = replied(off);
  ASSERT_EQ(r.size(), 8u);
  EXPECT_EQ(std::vector<uint8_t>(r.begin(), r.begin() + 6), from_hex("021010780002"));
  EXPECT_TRUE(crc_ok(r));
  // Writing the value it already holds changes nothing.
  EXPECT_FALSE(ask(from_hex("021010780002040000000001F669"), 2).writes());
}

TEST_F(JkModbus, the_captured_control_word_write_sets_each_changed_switch) {
  settings.set_raw(Param::float_mode, 0);
  const auto o = ask(from_hex("02101114000102021"
                              "0B019"),
                     2);
  ASSERT_GT(o.reply_size, 0u);
  std::array<int32_t, core::kParamCount> seen{};
  seen.fill(-1);
  for (const core::Change& c : o.change.changes) seen[static_cast<std::size_t>(c.param)] = c.value;
  EXPECT_EQ(seen[static_cast<std::size_t>(Param::float_mode)], 1);
  EXPECT_EQ(seen[static_cast<std::size_t>(Param::display_always_on)], 1);
  EXPECT_EQ(seen[static_cast<std::size_t>(Param::smart_sleep_enabled)],
            0);  // bit 6 clear in 0x0210
}

TEST_F(JkModbus, fc06_and_control_block_writes_become_commands) {
  const auto heat =
      ask(with_crc({0x01, 0x06, 0x11, 0x16, 0xFB, 0x32}));  // heating -5 °C start, 50 °C stop
  ASSERT_EQ(heat.change.changes.size(), 2u);  // both bytes differ from the preset (0 °C / 5 °C)
  EXPECT_EQ(heat.change.changes[0].value, -50);
  EXPECT_EQ(heat.change.changes[1].value, 500);
  EXPECT_EQ(replied(heat), with_crc({0x01, 0x06, 0x11, 0x16, 0xFB, 0x32}));
  const auto cal =
      ask(with_crc({0x01, 0x10, 0x16, 0x00, 0x00, 0x02, 0x04, 0x00, 0x00, 0xCE, 0xE4}));
  ASSERT_TRUE(cal.has_command);
  EXPECT_EQ(cal.command.kind, CommandKind::calibrate_voltage);
  EXPECT_EQ(cal.command.value, 52964);
  const auto lto = ask(with_crc({0x01, 0x06, 0x16, 0x0E, 0x00, 0x01}));
  ASSERT_TRUE(lto.has_command);
  EXPECT_EQ(lto.command.kind, CommandKind::load_preset);
  EXPECT_EQ(lto.command.chemistry, core::Chemistry::lto);
}

// The codec decodes only: a value the core will refuse (cell OVP 6000 mV) is decoded, and the
// ACK is only prepared; the endpoint sends it after the core accepted and the store saved.
TEST_F(JkModbus, a_write_decodes_into_one_change_set_and_holds_no_policy) {
  const auto o = ask(with_crc({0x01, 0x10, 0x10, 0x0C, 0x00, 0x02, 0x04, 0x00, 0x00, 0x17, 0x70}));
  ASSERT_EQ(o.change.changes.size(), 1u);
  EXPECT_EQ(o.change.changes[0].param, Param::cell_ovp);
  EXPECT_EQ(o.change.changes[0].value, 6000);
  // Issue 11: cell_uvp (0x1004) and cell_uvpr (0x1008) in one FC10: 3050 and 3100 mV.
  const auto both = ask(with_crc(
      {0x01, 0x10, 0x10, 0x04, 0x00, 0x04, 0x08, 0x00, 0x00, 0x0B, 0xEA, 0x00, 0x00, 0x0C, 0x1C}));
  ASSERT_EQ(both.change.changes.size(), 2u);
  EXPECT_EQ(both.change.changes[0].param, Param::cell_uvp);
  EXPECT_EQ(both.change.changes[0].value, 3050);
  EXPECT_EQ(both.change.changes[1].param, Param::cell_uvpr);
  EXPECT_EQ(both.change.changes[1].value, 3100);
  EXPECT_EQ(replied(both), with_crc({0x01, 0x10, 0x10, 0x04, 0x00, 0x04}));
}

TEST_F(JkModbus, refusals_map_to_the_modbus_exception_codes) {
  EXPECT_EQ(modbus_exception_for(Status(Errc::not_authorized)), 0x01);
  EXPECT_EQ(modbus_exception_for(Status(Errc::unknown_field)), 0x02);
  EXPECT_EQ(modbus_exception_for(Status(Errc::rule_violation)), 0x03);
  EXPECT_EQ(modbus_exception_for(Status(Errc::no_space)), 0x04);
  std::array<uint8_t, 5> out{};
  const auto req = with_crc({0x01, 0x10, 0x10, 0x0C, 0x00, 0x02, 0x04, 0x00, 0x00, 0x17, 0x70});
  ASSERT_EQ(encode_exception(req, 0x03, out), 5u);
  EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.end()), with_crc({0x01, 0x90, 0x03}));
}

TEST_F(JkModbus, bad_requests_get_the_modbus_exception_and_change_nothing) {
  // Half of a u32 field: illegal address.
  auto o = ask(with_crc({0x01, 0x06, 0x10, 0x0E, 0x0E, 0x42}));
  EXPECT_EQ(replied(o), with_crc({0x01, 0x86, 0x02}));
  // The status block is read-only; the RS485 address is set by DIP switches.
  EXPECT_EQ(replied(ask(with_crc({0x01, 0x06, 0x12, 0x00, 0x0C, 0xE4}))),
            with_crc({0x01, 0x86, 0x02}));
  EXPECT_EQ(replied(ask(with_crc({0x01, 0x10, 0x11, 0x08, 0x00, 0x02, 0x04, 0, 0, 0, 7}))),
            with_crc({0x01, 0x90, 0x02}));
  // Unknown register, unknown function, a read past the block end, a zero count.
  EXPECT_EQ(replied(ask(with_crc({0x01, 0x03, 0x30, 0x00, 0x00, 0x01}))),
            with_crc({0x01, 0x83, 0x02}));
  EXPECT_EQ(replied(ask(with_crc({0x01, 0x04, 0x12, 0x00, 0x00, 0x01}))),
            with_crc({0x01, 0x84, 0x01}));
  EXPECT_EQ(replied(ask(with_crc({0x01, 0x03, 0x13, 0x10, 0x00, 0x10}))),
            with_crc({0x01, 0x83, 0x02}));
  EXPECT_EQ(replied(ask(with_crc({0x01, 0x03, 0x12, 0x00, 0x00, 0x00}))),
            with_crc({0x01, 0x83, 0x03}));
  // An FC06 with trailing bytes (found by the fuzzer: its echo once overran the reply).
  EXPECT_EQ(replied(ask(with_crc({0x01, 0x06, 0x16, 0x1E, 0x00, 0x01, 0x02, 0x00, 0x00}))),
            with_crc({0x01, 0x86, 0x03}));
  // A byte count that disagrees with the register count.
  EXPECT_EQ(replied(ask(with_crc({0x01, 0x10, 0x10, 0x78, 0x00, 0x02, 0x02, 0x00, 0x00}))),
            with_crc({0x01, 0x90, 0x03}));
}

TEST_F(JkModbus, another_address_a_bad_crc_or_a_short_frame_gets_no_reply) {
  auto o = ask(from_hex("031016200001020000CF91"));
  EXPECT_EQ(o.reply_size, 0u);
  EXPECT_EQ(o.status.code(), Errc::not_found);
  auto bad = from_hex("011016200001020000D6F1");
  bad[10] ^= 0xFF;
  o = ask(bad);
  EXPECT_EQ(o.reply_size, 0u);
  EXPECT_EQ(o.status.code(), Errc::corrupt);
  EXPECT_EQ(ask({0x01, 0x03}).reply_size, 0u);
}

}  // namespace
}  // namespace softbms::protocols::jk
