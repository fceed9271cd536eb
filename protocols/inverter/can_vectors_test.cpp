// Every frame of inverter-frames.txt decodes to the values its comment states.
#include <gtest/gtest.h>

#include "protocols/inverter/can_decode.hpp"
#include "protocols/inverter/keepalive.hpp"
#include "protocols/inverter/test_support.hpp"

namespace softbms::protocols::inverter {
namespace {

using test::Vector;

std::vector<CanFrame> can_vectors() {
  std::vector<CanFrame> out;
  for (const Vector& v : test::load_vectors()) {
    if (v.can) out.push_back(v.frame);
  }
  return out;
}

void expect_limits(const CanFrame& f, int cvl_mv, int ccl_ma, int dcl_ma, int dvl_mv) {
  const Result<Limits351> r = decode_limits(f);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().charge_voltage, Millivolts(cvl_mv));
  EXPECT_EQ(r.value().charge_current, Milliamps(ccl_ma));
  EXPECT_EQ(r.value().discharge_current, Milliamps(dcl_ma));
  ASSERT_TRUE(r.value().discharge_voltage.has_value());
  EXPECT_EQ(*r.value().discharge_voltage, Millivolts(dvl_mv));
}

void expect_soc(const CanFrame& f, int soc, int soh) {
  const Result<Soc355> r = decode_soc(f);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().soc_percent, soc);
  EXPECT_EQ(r.value().soh_percent, soh);
}

void expect_measures(const CanFrame& f, int mv, int ma, int dc) {
  const Result<Measures356> r = decode_measures(f);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().voltage, Millivolts(mv));
  EXPECT_EQ(r.value().current, Milliamps(ma));
  EXPECT_EQ(r.value().temperature, DeciCelsius(dc));
}

void expect_quiet_359(const CanFrame& f, int modules) {
  const Result<Protection359> r = decode_protection(f);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().flags, (std::array<uint8_t, 4>{0, 0, 0, 0}));
  EXPECT_EQ(r.value().module_count, modules);
  EXPECT_EQ(r.value().token, (std::array<char, 2>{'P', 'N'}));
}

std::string_view text(const CanFrame& f) {
  static FixedString<8> held;
  const Result<FixedString<8>> r = decode_text(f);
  EXPECT_TRUE(r.ok());
  held = r.value();
  return held.view();
}

TEST(InverterVectors, the_file_holds_36_can_and_13_rs485_frames) {
  const std::vector<Vector> all = test::load_vectors();
  EXPECT_EQ(all.size(), 49U);
  EXPECT_EQ(can_vectors().size(), 36U);
}

TEST(InverterVectors, pylon_v12_capture_of_an_old_us5000_decodes_as_commented) {
  const std::vector<CanFrame> v = can_vectors();
  expect_limits(v[0], 53200, 480000, 480000, 45000);
  expect_soc(v[1], 88, 94);
  expect_measures(v[2], 49860, -27000, 363);
  expect_quiet_359(v[3], 6);
  const Result<core::ChargeRequest> req = decode_request(v[4]);
  ASSERT_TRUE(req.ok());
  EXPECT_TRUE(req.value().charge_enable);
  EXPECT_TRUE(req.value().discharge_enable);
  EXPECT_FALSE(req.value().force_charge_1);
  EXPECT_EQ(text(v[5]), "PYLON");
}

TEST(InverterVectors, pylon_v13_capture_of_a_new_us5000_decodes_as_commented) {
  const std::vector<CanFrame> v = can_vectors();
  expect_limits(v[6], 52800, 480000, 480000, 45000);
  expect_soc(v[7], 84, 96);
  EXPECT_EQ(decode_soc(v[7]).value().soc_hundredths, std::optional<uint16_t>(0));
  expect_measures(v[8], 49870, -27900, 363);
  const Result<Alarms35A> a = decode_alarms(v[9]);
  ASSERT_TRUE(a.ok());
  for (int n = 0; n < 16; ++n) {
    EXPECT_EQ(a.value().alarm[n], PairState::unsupported);
    EXPECT_EQ(a.value().warning[n], PairState::unsupported);
  }
  const Result<Info35F> info = decode_info(v[10]);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info.value().chemistry, (std::array<char, 2>{'L', 'I'}));
  EXPECT_EQ(info.value().version_major, 1);
  EXPECT_EQ(info.value().version_minor, 3);
  EXPECT_EQ(info.value().capacity_ah, 572);
  EXPECT_EQ(info.value().extra, 0x00AA);
}

TEST(InverterVectors, diybms_and_arminjo_samples_decode_as_commented) {
  const std::vector<CanFrame> v = can_vectors();
  expect_limits(v[11], 53200, 370000, 370000, 46000);
  expect_soc(v[12], 26, 100);
  expect_quiet_359(v[13], 10);
  expect_limits(v[14], 55200, 50000, 80000, 48000);
  expect_soc(v[15], 60, 100);
  expect_measures(v[16], 52280, 400, 220);
  expect_quiet_359(v[17], 1);
}

TEST(InverterVectors, the_inverter_keepalive_counts_and_its_zero_content_is_ignored) {
  const std::vector<CanFrame> v = can_vectors();
  InverterLink link;
  EXPECT_TRUE(link.on_frame(v[18], Milliseconds(0)));
  EXPECT_EQ(link.state(), LinkState::present);
  const Result<SmaInverter305> sma = decode_sma_305(v[18]);
  ASSERT_TRUE(sma.ok());
  EXPECT_EQ(sma.value().voltage, Millivolts(0));
  EXPECT_FALSE(link.on_frame(v[33], Milliseconds(1)));  // Victron GX 0x307 is not a keep-alive
  EXPECT_EQ(link.keepalives(), 1U);
}

TEST(InverterVectors, constructed_359_and_35c_carry_the_spec_bits) {
  const std::vector<CanFrame> v = can_vectors();
  const Result<Protection359> p = decode_protection(v[19]);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().flags[0], 0x02);  // byte0 bit1: cell/module over-voltage protection
  EXPECT_EQ(p.value().flags[2], 0x04);  // byte2 bit2: cell/module low-voltage alarm
  EXPECT_EQ(p.value().module_count, 1);
  const Result<core::ChargeRequest> r = decode_request(v[20]);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value().charge_enable && r.value().discharge_enable && r.value().force_charge_1);
  EXPECT_FALSE(r.value().force_charge_2 || r.value().full_charge);
}

TEST(InverterVectors, byd_lvs_talking_to_a_victron_gx_decodes_as_commented) {
  const std::vector<CanFrame> v = can_vectors();
  expect_limits(v[21], 58400, 128000, 128000, 43000);
  expect_soc(v[22], 67, 100);
  expect_measures(v[23], 53100, -700, 140);
  const Result<Alarms35A> a = decode_alarms(v[24]);
  ASSERT_TRUE(a.ok());
  for (int n = 0; n < 16; ++n) EXPECT_EQ(a.value().alarm[n], PairState::inactive);
  EXPECT_EQ(text(v[25]), "BYD");
  const Info35F info = decode_info(v[26]).value();
  EXPECT_EQ(info.chemistry, (std::array<char, 2>{'L', 'i'}));
  EXPECT_EQ(info.version_major, 0x01);
  EXPECT_EQ(info.version_minor, 0x17);
  EXPECT_EQ(info.capacity_ah, 105);
  const Modules372 m = decode_modules(v[27]).value();
  EXPECT_EQ(m.online, 2);
  EXPECT_EQ(m.blocking_charge + m.blocking_discharge + m.offline, 0);
  const CellExtremes373 x = decode_cell_extremes(v[28]).value();
  EXPECT_EQ(x.min_cell, Millivolts(3306));
  EXPECT_EQ(x.max_cell, Millivolts(3329));
  EXPECT_EQ(x.min_temp_kelvin, 287);
  EXPECT_EQ(x.max_temp_kelvin, 290);
  EXPECT_EQ(text(v[29]), "2");
  const Energy378 e = decode_energy(v[30]).value();
  EXPECT_EQ(e.charged, MilliwattHours(211'200'000));
  EXPECT_EQ(e.discharged, MilliwattHours(183'500'000));
  EXPECT_EQ(decode_capacity(v[31]).value(), 156);
  EXPECT_EQ(text(v[32]), "PREMIUM");
}

TEST(InverterVectors, byd_hvs_frames_are_not_taken_for_low_voltage_frames) {
  const std::vector<CanFrame> v = can_vectors();
  EXPECT_EQ(decode_limits(v[34]).status().code(), Errc::unknown_field);
  EXPECT_EQ(decode_alarms(v[35]).status().code(), Errc::unknown_field);
  // 0x2D0 and 0x3D0 start with a 0 byte before the name: as text they read empty.
  EXPECT_EQ(text(v[34]), "");
}

TEST(InverterVectors, decoders_reject_a_short_dlc_and_an_extended_id) {
  CanFrame f = can_vectors()[0];
  f.dlc = 5;
  EXPECT_EQ(decode_limits(f).status(), Status(Errc::bad_value, 5));
  f.dlc = 9;
  EXPECT_EQ(decode_limits(f).status().code(), Errc::bad_value);
  f.dlc = 8;
  f.extended = true;
  EXPECT_EQ(decode_limits(f).status().code(), Errc::unknown_field);
  CanFrame soc = can_vectors()[1];
  soc.data[0] = 101;  // SOC 101 %
  EXPECT_EQ(decode_soc(soc).status().code(), Errc::out_of_range);
  CanFrame name = can_vectors()[5];
  name.data[2] = 0x07;
  EXPECT_EQ(decode_text(name).status().code(), Errc::bad_value);
}

}  // namespace
}  // namespace softbms::protocols::inverter
