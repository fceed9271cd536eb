// Our frames for a known Snapshot equal the captured frames and hand-computed bytes.
#include "protocols/inverter/can_encode.hpp"

#include <gtest/gtest.h>

#include "protocols/inverter/can_decode.hpp"
#include "protocols/inverter/test_support.hpp"

namespace softbms::protocols::inverter {
namespace {

using namespace test;

std::vector<CanFrame> can_vectors() {
  std::vector<CanFrame> out;
  for (const Vector& v : load_vectors()) {
    if (v.can) out.push_back(v.frame);
  }
  return out;
}

CanFrame bytes(uint32_t id, std::initializer_list<uint8_t> data) {
  CanFrame f = make_frame(id, static_cast<uint8_t>(data.size()));
  std::size_t i = 0;
  for (uint8_t b : data) f.data[i++] = b;
  return f;
}

struct Fixture {
  core::Snapshot snap = pack_snapshot();
  core::ChargeResult charge = pack_charge();
  core::Settings settings = lfp16();
  BatteryIdentity id;
  CanOptions options;
  [[nodiscard]] InverterInput input() const { return {snap, charge, settings, id}; }
  [[nodiscard]] CanFrame frame(CanProtocol p, FrameKind k) const {
    return encode(k, input(), *dialect(p), options);
  }
};

TEST(InverterEncode, pylon_set_for_the_arminjo_sample_pack_equals_the_captured_bytes) {
  Fixture fx;
  fx.charge.limits = {Millivolts(55200), Milliamps(50000), Milliamps(80000), Millivolts(48000)};
  fx.snap.pack_voltage = Millivolts(52280);
  fx.snap.current = Milliamps(400);
  for (int i = 1; i < 5; ++i) fx.snap.temp[i] = DeciCelsius(220);
  fx.snap.soc_percent = 60;
  fx.snap.soh_percent = 100;
  const std::vector<CanFrame> v = can_vectors();
  std::array<CanFrame, 8> out{};
  ASSERT_EQ(encode_all(fx.input(), *dialect(CanProtocol::pylon), fx.options, out), 6U);
  EXPECT_EQ(out[0], v[14]);  // 351 28 02 F4 01 20 03 E0 01
  EXPECT_EQ(out[1], v[15]);  // 355 3C 00 64 00
  EXPECT_EQ(out[2], v[16]);  // 356 6C 14 04 00 DC 00
  EXPECT_EQ(out[3], v[17]);  // 359 00 00 00 00 01 50 4E
  EXPECT_EQ(out[4], v[4]);   // 35C C0 00
  EXPECT_EQ(out[5], v[5]);   // 35E "PYLON   "
}

TEST(InverterEncode, byd_lv_set_for_the_captured_pack_equals_the_captured_bytes) {
  Fixture fx;
  fx.charge.limits = {Millivolts(58400), Milliamps(128000), Milliamps(128000), Millivolts(43000)};
  fx.snap.pack_voltage = Millivolts(53100);
  fx.snap.current = Milliamps(-700);
  for (int i = 1; i < 5; ++i) fx.snap.temp[i] = DeciCelsius(140);
  fx.snap.soc_percent = 67;
  fx.snap.soh_percent = 100;
  fx.snap.remaining = MilliampHours(105'000);
  fx.snap.design_capacity = MilliampHours(156'000);
  fx.snap.charged_energy = MilliwattHours(211'200'000);
  fx.snap.discharged_energy = MilliwattHours(183'500'000);
  fx.id.module_count = 2;
  fx.id.fw_major = 0x01;
  fx.id.fw_minor = 0x17;
  fx.id.product = "PREMIUM";
  const std::vector<CanFrame> v = can_vectors();
  const CanProtocol p = CanProtocol::byd_lv;
  EXPECT_EQ(fx.frame(p, FrameKind::limits_351), v[21]);
  EXPECT_EQ(fx.frame(p, FrameKind::soc_355), v[22]);
  EXPECT_EQ(fx.frame(p, FrameKind::measures_356), v[23]);
  EXPECT_EQ(fx.frame(p, FrameKind::alarms_35a), v[24]);
  EXPECT_EQ(fx.frame(p, FrameKind::name_35e), v[25]);
  EXPECT_EQ(fx.frame(p, FrameKind::info_35f), v[26]);
  EXPECT_EQ(fx.frame(p, FrameKind::modules_372), v[27]);
  EXPECT_EQ(fx.frame(p, FrameKind::energy_378), v[30]);
  EXPECT_EQ(fx.frame(p, FrameKind::capacity_379), v[31]);
  EXPECT_EQ(fx.frame(p, FrameKind::product_382), v[32]);
}

TEST(InverterEncode, victron_cell_and_temperature_extremes_in_mv_kelvin_and_ascii_ids) {
  Fixture fx;  // cells 3280 mV (cell 5) .. 3320 mV (cell 10); T2 24.0 C .. T3 26.0 C
  const CanProtocol p = CanProtocol::victron;
  EXPECT_EQ(fx.frame(p, FrameKind::cell_extremes_373),
            bytes(0x373, {0xD0, 0x0C, 0xF8, 0x0C, 0x29, 0x01, 0x2B, 0x01}));  // 297 K, 299 K
  EXPECT_EQ(fx.frame(p, FrameKind::min_cell_id_374), bytes(0x374, {'C', '5', 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(fx.frame(p, FrameKind::max_cell_id_375), bytes(0x375, {'C', '1', '0', 0, 0, 0, 0, 0}));
  EXPECT_EQ(fx.frame(p, FrameKind::min_temp_id_376), bytes(0x376, {'T', '2', 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(fx.frame(p, FrameKind::max_temp_id_377), bytes(0x377, {'T', '3', 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(fx.frame(p, FrameKind::name_35e), bytes(0x35E, {'J', 'K', '-', 'B', 'M', 'S', 0, 0}));
}

TEST(InverterEncode, sma_sends_hires_soc_and_the_full_capacity) {
  Fixture fx;
  EXPECT_EQ(fx.frame(CanProtocol::sma, FrameKind::soc_355),
            bytes(0x355, {75, 0, 98, 0, 0x6A, 0x1D}));  // 75.30 % = 7530
  EXPECT_EQ(fx.frame(CanProtocol::sma, FrameKind::measures_356),
            bytes(0x356, {0xA0, 0x14, 0x85, 0xFF, 0xFA, 0x00}));  // 52.80 V, -12.3 A, 25.0 C
  EXPECT_EQ(fx.frame(CanProtocol::sma, FrameKind::info_35f),
            bytes(0x35F, {'L', 'i', 1, 0, 0x18, 0x01, 0, 0}));  // 280 Ah
}

TEST(InverterEncode, alarms_35a_raise_the_arrive_bit_and_keep_leave_bits_elsewhere) {
  Fixture fx;
  fx.snap.alarms = core::alarm_mask(core::AlarmBit::cell_ovp);
  fx.charge.charge_limiter = core::Limiter::cell_voltage;
  EXPECT_EQ(fx.frame(CanProtocol::victron, FrameKind::alarms_35a),
            bytes(0x35A, {0xA6, 0xAA, 0xAA, 0xAA, 0xA6, 0xAA, 0xAA, 0xAA}));
  EXPECT_EQ(fx.frame(CanProtocol::pylon_v13, FrameKind::alarms_35a),
            bytes(0x35A, {0x04, 0, 0, 0, 0x04, 0, 0, 0}));
}

TEST(InverterEncode, pylon_359_maps_alarms_to_the_spec_bits_and_system_error_is_an_option) {
  Fixture fx;
  fx.snap.alarms = core::alarm_mask(core::AlarmBit::cell_uvp) |
                   core::alarm_mask(core::AlarmBit::discharge_ocp) |
                   core::alarm_mask(core::AlarmBit::current_sensor) |
                   core::alarm_mask(core::AlarmBit::charge_ocp);
  fx.charge.discharge_limiter = core::Limiter::cold;
  EXPECT_EQ(fx.frame(CanProtocol::pylon, FrameKind::protection_359),
            bytes(0x359, {0x84, 0x09, 0x10, 0x00, 1, 'P', 'N'}));
  fx.options.system_error_bit = SystemErrorBit::byte1_bit7;
  EXPECT_EQ(fx.frame(CanProtocol::pylon, FrameKind::protection_359).data[1], 0x81);
}

TEST(InverterEncode, limits_round_down_and_the_discharge_floor_rounds_up) {
  Fixture fx;
  fx.charge.limits = {Millivolts(55249), Milliamps(90099), Milliamps(100), Millivolts(44801)};
  EXPECT_EQ(fx.frame(CanProtocol::pylon, FrameKind::limits_351),
            bytes(0x351,
                  {0x28, 0x02, 0x84, 0x03, 0x01, 0x00, 0xC1, 0x01}));  // 55.2 V 90.0 A 0.1 A 44.9 V
  fx.options.send_dvl = false;
  EXPECT_EQ(fx.frame(CanProtocol::pylon, FrameKind::limits_351).dlc, 6);
}

TEST(InverterEncode, deye_sends_the_pack_voltage_as_cvl_while_charging_is_off) {
  Fixture fx;
  fx.charge.limits.charge_current = Milliamps(0);
  fx.charge.request.charge_enable = false;
  EXPECT_EQ(fx.frame(CanProtocol::deye, FrameKind::limits_351).data[0], 0x10);   // 52.8 V = 0x0210
  EXPECT_EQ(fx.frame(CanProtocol::pylon, FrameKind::limits_351).data[0], 0x28);  // 55.2 V stays
  EXPECT_EQ(fx.frame(CanProtocol::deye, FrameKind::request_35c), bytes(0x35C, {0x40, 0x00}));
}

TEST(InverterEncode, luxpower_adds_cell_extremes_capacity_and_cycles) {
  Fixture fx;
  const CanProtocol p = CanProtocol::luxpower;
  EXPECT_EQ(fx.frame(p, FrameKind::soc_355), bytes(0x355, {75, 0, 98, 0, 0xF8, 0x0C, 0xD0, 0x0C}));
  EXPECT_EQ(fx.frame(p, FrameKind::measures_356),
            bytes(0x356, {0xA0, 0x14, 0x85, 0xFF, 0x04, 0x01, 0xF0, 0x00}));  // max 26.0, min 24.0
  EXPECT_EQ(fx.frame(p, FrameKind::protection_359), bytes(0x359, {0, 0, 0, 0, 1, 0x18, 0x01, 0}));
  EXPECT_EQ(fx.frame(p, FrameKind::request_35c), bytes(0x35C, {0xC0, 0, 42, 0}));
}

TEST(InverterEncode, goodwe_names_itself_goodwe_with_a_dlc_8_359) {
  Fixture fx;
  EXPECT_EQ(fx.frame(CanProtocol::goodwe, FrameKind::name_35e),
            bytes(0x35E, {'G', 'O', 'O', 'D', 'W', 'E', ' ', ' '}));
  EXPECT_EQ(fx.frame(CanProtocol::goodwe, FrameKind::protection_359).dlc, 8);
  fx.id.manufacturer = "PYLONDIY";
  EXPECT_EQ(fx.frame(CanProtocol::goodwe, FrameKind::name_35e),
            bytes(0x35E, {'P', 'Y', 'L', 'O', 'N', 'D', 'I', 'Y'}));
}

TEST(InverterEncode, a_current_above_the_announced_limit_raises_the_high_current_warning) {
  Fixture fx;
  fx.snap.current = Milliamps(95000);
  const Conditions c = conditions(fx.input());
  EXPECT_TRUE(c.warning(Condition::high_charge_current));
  EXPECT_FALSE(c.warning(Condition::high_discharge_current));
  EXPECT_EQ(c.alarms, 0);
}

TEST(InverterEncode, every_dialect_round_trips_through_the_decoders) {
  Fixture fx;
  fx.charge.request.force_charge_2 = true;
  for (const Dialect& d : dialects()) {
    std::array<CanFrame, kFrameKinds> out{};
    const std::size_t n = encode_all(fx.input(), d, fx.options, out);
    ASSERT_EQ(n, d.schedule.size());
    for (std::size_t i = 0; i < n; ++i) {
      const CanFrame& f = out[i];
      ASSERT_LE(f.dlc, 8);
      if (f.id == 0x351) {
        const Limits351 l = decode_limits(f).value();
        EXPECT_EQ(l.charge_voltage, Millivolts(55200)) << d.title;
        EXPECT_EQ(l.charge_current, Milliamps(90000)) << d.title;
        EXPECT_EQ(l.discharge_current, Milliamps(90000)) << d.title;
        EXPECT_EQ(l.discharge_voltage, std::optional<Millivolts>(Millivolts(44800))) << d.title;
      } else if (f.id == 0x355) {
        EXPECT_EQ(decode_soc(f).value().soc_percent, 75) << d.title;
      } else if (f.id == 0x356) {
        EXPECT_EQ(decode_measures(f).value().voltage, Millivolts(52800)) << d.title;
        EXPECT_EQ(decode_measures(f).value().current, Milliamps(-12300)) << d.title;
      } else if (f.id == 0x35C) {
        EXPECT_EQ(decode_request(f).value(), fx.charge.request) << d.title;
      } else if (f.id == 0x35A) {
        EXPECT_EQ(decode_alarms(f).value().alarm[0],
                  d.alarm_idle == AlarmIdle::zero ? PairState::unsupported : PairState::inactive);
      }
    }
  }
}

TEST(InverterEncode, protocol_numbers_follow_jk_and_unsupported_ones_are_refused) {
  EXPECT_EQ(can_protocol_from_number(2), std::optional<CanProtocol>(CanProtocol::pylon));
  EXPECT_EQ(can_protocol_from_number(4), std::optional<CanProtocol>(CanProtocol::victron));
  EXPECT_EQ(can_protocol_from_number(9), std::optional<CanProtocol>(CanProtocol::sma));
  EXPECT_EQ(can_protocol_from_number(64), std::optional<CanProtocol>(CanProtocol::pylon_v13));
  EXPECT_EQ(can_protocol_from_number(0), std::nullopt);  // JK's own CAN protocol
  EXPECT_EQ(can_protocol_from_number(3), std::nullopt);  // Growatt
  EXPECT_EQ(can_protocol_from_number(200), std::nullopt);
}

TEST(InverterEncode, victron_372_carries_the_bank_counts_of_online_blocking_and_offline_modules) {
  Fixture fx;
  fx.charge.request.charge_enable = true;
  fx.charge.request.discharge_enable = true;
  fx.id.module_count = 3;
  fx.id.bank_counts = true;
  fx.id.modules_blocking_charge = 1;
  fx.id.modules_blocking_discharge = 0;
  fx.id.modules_offline = 1;
  const Modules372 m = decode_modules(fx.frame(CanProtocol::victron, FrameKind::modules_372)).value();
  EXPECT_EQ(m.online, 3);
  EXPECT_EQ(m.blocking_charge, 1);
  EXPECT_EQ(m.blocking_discharge, 0);
  EXPECT_EQ(m.offline, 1);
  // Charge disabled in the announcement (the fail-safe): every online module blocks charge.
  fx.charge.request.charge_enable = false;
  const Modules372 off = decode_modules(fx.frame(CanProtocol::victron, FrameKind::modules_372)).value();
  EXPECT_EQ(off.blocking_charge, 3);
  EXPECT_EQ(off.blocking_discharge, 0);
}

}  // namespace
}  // namespace softbms::protocols::inverter
