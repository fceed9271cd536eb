#include <gtest/gtest.h>

#include <string>

#include "protocols/inverter/pylon_rs485_battery.hpp"
#include "protocols/inverter/pylon_rs485_frame.hpp"
#include "protocols/inverter/test_support.hpp"

namespace softbms::protocols::inverter {
namespace {

using namespace test;

std::vector<std::string> rs485_vectors() {
  std::vector<std::string> out;
  for (const Vector& v : load_vectors()) {
    if (!v.can) out.push_back(v.text);
  }
  return out;
}

std::string build(uint8_t adr, uint8_t cid2, std::initializer_list<uint8_t> info = {},
                  uint8_t ver = 0x20) {
  PylonFrame f;
  f.ver = ver;
  f.adr = adr;
  f.cid2 = cid2;
  for (uint8_t b : info) f.info[f.info_size++] = b;
  std::array<char, 64> buf{};
  const Result<std::size_t> n = build_pylon(f, buf);
  EXPECT_TRUE(n.ok());
  return std::string(buf.data(), n.value_or(0));
}

uint32_t be(const PylonFrame& f, std::size_t off, std::size_t n) {
  uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | f.info[off + i];
  return v;
}

TEST(PylonRs485Frame, spec_checksum_example_is_fc71_and_the_v33_print_fc72_is_wrong) {
  EXPECT_EQ(pylon_chksum("1203400456ABCEFE"), 0xFC71);
  EXPECT_NE(pylon_chksum("1203400456ABCEFE"), 0xFC72);
  EXPECT_EQ(pylon_lchksum(0x012), 0xD);  // "D012"
  EXPECT_EQ(pylon_lchksum(0x000), 0x0);
  EXPECT_EQ(pylon_lchksum(0x002), 0xE);  // "E002"
}

TEST(PylonRs485Frame, every_vector_parses_except_the_defective_v35_0x63_example) {
  const std::vector<std::string> v = rs485_vectors();
  ASSERT_EQ(v.size(), 13U);
  for (std::size_t i = 0; i < v.size(); ++i) {
    const Result<PylonFrame> f = parse_pylon(v[i]);
    if (i == 9) {  // LENGTH 8008 says 8 INFO chars, the text has 18
      EXPECT_EQ(f.status(), rtn_error(Errc::bad_value, Rtn::command_format));
    } else {
      EXPECT_TRUE(f.ok()) << v[i];
    }
  }
}

TEST(PylonRs485Frame, a_changed_checksum_or_length_checksum_is_reported_with_its_rtn) {
  std::string bad = rs485_vectors()[0];  // ~20024642E00202FD33\r
  bad[bad.size() - 2] = '4';
  EXPECT_EQ(parse_pylon(bad).status(), rtn_error(Errc::corrupt, Rtn::chksum_error));
  // LENGTH F002 instead of E002, checksum recomputed: only LCHKSUM is wrong.
  std::string body = "20024642F00202";
  char tail[8];
  std::snprintf(tail, sizeof tail, "%04X\r", pylon_chksum(body));
  EXPECT_EQ(parse_pylon("~" + body + tail).status(), rtn_error(Errc::corrupt, Rtn::lchksum_error));
}

TEST(PylonRs485Frame, the_0x92_capture_decodes_to_28_4_v_23_2_v_and_a_negative_dcl) {
  const PylonFrame f = parse_pylon(rs485_vectors()[1]).value();
  EXPECT_EQ(f.adr, 0x02);
  EXPECT_EQ(f.cid2, 0x00);  // RTN normal
  ASSERT_EQ(f.info_size, 10);
  EXPECT_EQ(be(f, 0, 1), 0x02U);
  EXPECT_EQ(be(f, 1, 2), 28400U);
  EXPECT_EQ(be(f, 3, 2), 23200U);
  EXPECT_EQ(static_cast<int16_t>(be(f, 5, 2)), 555);   // +55.5 A
  EXPECT_EQ(static_cast<int16_t>(be(f, 7, 2)), -555);  // -55.5 A
  EXPECT_EQ(be(f, 9, 1), 0xC0U);
}

TEST(PylonRs485Frame, the_0x42_capture_of_an_up2500_decodes_cells_current_and_capacity) {
  const PylonFrame f = parse_pylon(rs485_vectors()[2]).value();
  EXPECT_EQ(be(f, 2, 1), 8U);  // cells
  EXPECT_EQ(be(f, 3, 2), 3330U);
  EXPECT_EQ(be(f, 19, 1), 5U);                        // temperatures
  EXPECT_EQ(be(f, 20, 2) - 2731, 210U);               // 21.0 C
  EXPECT_EQ(static_cast<int16_t>(be(f, 30, 2)), -6);  // -0.6 A
  EXPECT_EQ(be(f, 32, 2), 26638U);
  EXPECT_EQ(be(f, 36, 1), 4U);  // user-defined items: the 3-byte capacities follow
  EXPECT_EQ(be(f, 41, 3), 95460U);
  EXPECT_EQ(be(f, 44, 3), 111000U);
}

TEST(PylonRs485Frame, the_v35_0x61_example_decodes_its_first_fields) {
  const PylonFrame f = parse_pylon(rs485_vectors()[5]).value();
  ASSERT_EQ(f.info_size, 49);
  EXPECT_EQ(be(f, 0, 2), 11859U);
  EXPECT_EQ(static_cast<int16_t>(be(f, 2, 2)), 25000);  // 25.00 A in 10 mA
  EXPECT_EQ(be(f, 4, 1), 98U);
  EXPECT_EQ(be(f, 5, 2), 2516U);
  EXPECT_EQ(be(f, 11, 2), 3512U);
  EXPECT_EQ(be(f, 13, 2), 0x0304U);
}

TEST(PylonRs485Frame, build_and_parse_round_trip) {
  PylonFrame f;
  f.ver = 0x28;
  f.adr = 0x13;
  f.cid2 = 0x92;
  for (uint8_t i = 0; i < 100; ++i) f.info[f.info_size++] = static_cast<uint8_t>(i * 7);
  std::array<char, 256> buf{};
  const std::size_t n = build_pylon(f, buf).value();
  const PylonFrame back = parse_pylon(std::string_view(buf.data(), n)).value();
  EXPECT_EQ(back.ver, 0x28);
  EXPECT_EQ(back.adr, 0x13);
  EXPECT_EQ(back.cid2, 0x92);
  ASSERT_EQ(back.info_size, 100);
  EXPECT_TRUE(std::equal(f.info.begin(), f.info.begin() + 100, back.info.begin()));
  EXPECT_EQ(build(0x02, 0x42, {0x02}), rs485_vectors()[0]);  // ~20024642E00202FD33\r
}

TEST(PylonRs485Frame, garbage_is_a_format_error_and_never_crashes) {
  const char* bad[] = {"",
                       "~",
                       "~\r",
                       "~20024642E00202FD3",
                       "20024642E00202FD33\r",
                       "~2002464ZE00202FD33\r",
                       "~20024642E0020FD33\r",
                       "~\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r"};
  for (const char* t : bad) EXPECT_FALSE(parse_pylon(t).ok()) << t;
  std::array<char, 8> tiny{};
  EXPECT_EQ(build_pylon(PylonFrame{}, tiny).status().code(), Errc::no_space);
}

struct Battery {
  core::Snapshot snap = pack_snapshot();
  core::ChargeResult charge = pack_charge();
  core::Settings settings = lfp16();
  BatteryIdentity id;
  Rs485Options options;
  std::array<char, 1200> out{};
  Rs485Reply reply;

  PylonFrame ask(const std::string& request) {
    const Result<Rs485Reply> r = pylon_answer(request, {snap, charge, settings, id}, options, out);
    EXPECT_TRUE(r.ok());
    reply = r.value_or(Rs485Reply{});
    if (reply.size == 0) return PylonFrame{};
    const Result<PylonFrame> f = parse_pylon(std::string_view(out.data(), reply.size));
    EXPECT_TRUE(f.ok());
    return f.value_or(PylonFrame{});
  }
};

TEST(PylonRs485Battery, answers_0x42_with_16_cells_five_temperatures_and_large_capacity) {
  Battery b;
  const PylonFrame f = b.ask(rs485_vectors()[0]);
  EXPECT_EQ(f.cid2, 0x00);
  EXPECT_EQ(be(f, 1, 1), 0x02U);
  EXPECT_EQ(be(f, 2, 1), 16U);
  EXPECT_EQ(be(f, 3, 2), 3300U);
  EXPECT_EQ(be(f, 3 + 2 * 4, 2), 3280U);  // cell 5
  EXPECT_EQ(be(f, 35, 1), 5U);
  EXPECT_EQ(be(f, 36, 2), 310U + 2731);                 // MOS 31.0 C as the board temperature
  EXPECT_EQ(be(f, 38, 2), 250U + 2731);                 // T1
  EXPECT_EQ(static_cast<int16_t>(be(f, 46, 2)), -123);  // -12.3 A
  EXPECT_EQ(be(f, 48, 2), 52800U);
  EXPECT_EQ(be(f, 50, 2), 0xFFFFU);
  EXPECT_EQ(be(f, 52, 1), 4U);
  EXPECT_EQ(be(f, 55, 2), 42U);  // cycles
  EXPECT_EQ(be(f, 57, 3), 210000U);
  EXPECT_EQ(be(f, 60, 3), 280000U);
  EXPECT_EQ(f.info_size, 63);
}

TEST(PylonRs485Battery, answers_0x92_with_limits_and_the_dcl_sign_as_configured) {
  Battery b;
  PylonFrame f = b.ask(build(0x02, 0x92, {0x02}));
  ASSERT_EQ(f.info_size, 10);
  EXPECT_EQ(be(f, 1, 2), 55200U);
  EXPECT_EQ(be(f, 3, 2), 44800U);
  EXPECT_EQ(static_cast<int16_t>(be(f, 5, 2)), 900);
  EXPECT_EQ(static_cast<int16_t>(be(f, 7, 2)), -900);
  EXPECT_EQ(be(f, 9, 1), 0xC0U);
  b.options.negative_dcl = false;
  f = b.ask(build(0x02, 0x92, {0x02}));
  EXPECT_EQ(static_cast<int16_t>(be(f, 7, 2)), 900);
}

TEST(PylonRs485Battery, answers_0x44_with_per_item_status_and_status_bytes) {
  Battery b;
  b.snap.alarms =
      core::alarm_mask(core::AlarmBit::cell_ovp) | core::alarm_mask(core::AlarmBit::charge_ocp);
  b.snap.cell[9] = Millivolts(3650);  // above cell_ovp 3600
  const PylonFrame f = b.ask(build(0x02, 0x44, {0x02}));
  EXPECT_EQ(be(f, 2, 1), 16U);
  EXPECT_EQ(be(f, 3 + 9, 1), 0x02U);  // cell 10 above its upper limit
  EXPECT_EQ(be(f, 3, 1), 0x00U);
  const std::size_t after_temps = 3 + 16 + 1 + 5;
  EXPECT_EQ(be(f, after_temps, 1), 0x02U);      // charge current above its limit
  EXPECT_EQ(be(f, after_temps + 3, 1), 0x05U);  // Status1: charge OC (b2) + over-voltage (b0)
  EXPECT_EQ(be(f, after_temps + 4, 1), 0x0EU);  // Status2: both MOSFETs on, using battery power
  EXPECT_EQ(be(f, after_temps + 5, 1), 0x40U);  // Status3: discharging
}

TEST(PylonRs485Battery, answers_0x47_with_the_protection_settings) {
  Battery b;
  const PylonFrame f = b.ask(build(0x02, 0x47));
  ASSERT_EQ(f.info_size, 25);
  EXPECT_EQ(be(f, 1, 2), 3600U);
  EXPECT_EQ(be(f, 5, 2), 2600U);
  EXPECT_EQ(be(f, 7, 2), 600U + 2731);
  EXPECT_EQ(static_cast<int16_t>(be(f, 11, 2)), 1000);  // 100 A in 0.1 A
  EXPECT_EQ(be(f, 13, 2), 16U * 3650);                  // pack_ovp
  EXPECT_EQ(static_cast<int16_t>(be(f, 23, 2)), -1000);
}

TEST(PylonRs485Battery, answers_version_manufacturer_serial_and_software_version) {
  Battery b;
  b.id.serial = "JK0123456789";
  EXPECT_EQ(b.ask(build(0x02, 0x4F, {}, 0x28)).ver, 0x20);
  const PylonFrame m = b.ask(build(0x02, 0x51));
  ASSERT_EQ(m.info_size, 32);
  EXPECT_EQ(std::string(m.info.begin(), m.info.begin() + 10), "JK-PB     ");
  EXPECT_EQ(std::string(m.info.begin() + 12, m.info.begin() + 18), "JK BMS");
  const PylonFrame sn = b.ask(build(0x02, 0x93, {0x02}));
  EXPECT_EQ(std::string(sn.info.begin() + 1, sn.info.begin() + 13), "JK0123456789");
  EXPECT_EQ(b.ask(build(0x02, 0x96, {0x02})).info_size, 6);
}

TEST(PylonRs485Battery, a_group_master_answers_the_v35_system_commands) {
  Battery b;
  b.id.rs485_address = 0x12;
  const std::vector<std::string> v = rs485_vectors();
  const PylonFrame analog = b.ask(v[4]);  // ~201246610000FDAA\r
  ASSERT_EQ(analog.info_size, 49);
  EXPECT_EQ(be(analog, 0, 2), 52800U);
  EXPECT_EQ(static_cast<int16_t>(be(analog, 2, 2)), -1234);  // -12.34 A in 10 mA
  EXPECT_EQ(be(analog, 4, 1), 75U);
  EXPECT_EQ(be(analog, 11, 2), 3320U);
  EXPECT_EQ(be(analog, 13, 2), 0x0102U);
  const PylonFrame alarms = b.ask(v[6]);
  EXPECT_EQ(std::string(b.out.data(), b.reply.size), v[7]);  // 4 zero bytes, as the example
  EXPECT_EQ(alarms.info_size, 4);
  const PylonFrame mgmt = b.ask(v[8]);
  ASSERT_EQ(mgmt.info_size, 9);
  EXPECT_EQ(be(mgmt, 0, 2), 55200U);
  EXPECT_EQ(be(mgmt, 4, 2), 900U);
  EXPECT_EQ(be(mgmt, 6, 2), 900U);  // positive on 0x63
  EXPECT_EQ(be(mgmt, 8, 1), 0xC0U);
  EXPECT_EQ(b.ask(v[10]).info_size, 10 + 20 + 2 + 1 + 16);  // 0x60 basic info, one battery
  b.ask(v[11]);                                             // 0x64 shutdown
  EXPECT_EQ(std::string(b.out.data(), b.reply.size), v[12]);
  EXPECT_EQ(b.reply.action, Rs485Action::shutdown);
}

TEST(PylonRs485Battery, errors_are_answered_with_rtn_codes_and_other_addresses_get_silence) {
  Battery b;
  EXPECT_EQ(b.ask(build(0x02, 0x99)).cid2, static_cast<uint8_t>(Rtn::cid2_invalid));
  EXPECT_EQ(b.ask(build(0x02, 0x61)).cid2, static_cast<uint8_t>(Rtn::normal));  // 0x02 is a master
  b.id.rs485_address = 0x03;
  EXPECT_EQ(b.ask(build(0x03, 0x61)).cid2, static_cast<uint8_t>(Rtn::cid2_invalid));
  EXPECT_EQ(b.ask(build(0x03, 0x42, {0x05})).cid2, static_cast<uint8_t>(Rtn::invalid_data));
  std::string damaged = build(0x03, 0x42, {0x03});
  damaged[damaged.size() - 2] = damaged[damaged.size() - 2] == '0' ? '1' : '0';
  EXPECT_EQ(b.ask(damaged).cid2, static_cast<uint8_t>(Rtn::chksum_error));
  b.ask(build(0x02, 0x42, {0x02}));
  EXPECT_EQ(b.reply.size, 0U);  // addressed to battery 2
  b.ask("not a frame");
  EXPECT_EQ(b.reply.size, 0U);
  EXPECT_EQ(b.reply.action, Rs485Action::none);
}

}  // namespace
}  // namespace softbms::protocols::inverter
