#include "host/metrics/prometheus.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/io/alarm.hpp"

namespace softbms::host::metrics {
namespace {

PackMetrics pack4s() {
  PackMetrics p;
  p.pack = "pack1";
  p.device.serial_number.assign("4012345678");
  p.device.model.assign("JK_PB2A16S20P");
  core::Snapshot& s = p.snapshot;
  s.cell_present_mask = 0b1111;
  s.cell = {Millivolts(3301), Millivolts(3305), Millivolts(3290), Millivolts(3312)};
  s.pack_voltage = Millivolts(13208);
  s.current = Milliamps(-12345);
  s.power = Milliwatts(-163052);
  s.temp = {DeciCelsius(251), DeciCelsius(-52)};
  s.temp_present_mask = 0b11;
  s.soc_permille = 805;
  s.soh_percent = 97;
  s.soc_model_permille = 790;
  s.soc_model_sigma_permille = 42;
  s.soc_coulomb_permille = 805;
  s.model_soh_permille = 962;
  s.model_capacity = MilliampHours(270000);
  s.model_r0 = Microohms(1234);
  s.model_current_offset = Milliamps(-150);
  s.remaining = MilliampHours(225400);
  s.charged_energy = MilliwattHours(1000);
  s.cycles = 12;
  s.balance_state = core::BalanceState::discharging_cell;
  s.balance_source = 3;
  s.balance_sink = 2;
  s.alarms = core::alarm_mask(core::AlarmBit::cell_ovp);
  p.sample_unix_ms = 1'700'000'000'250;
  return p;
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(Prometheus, fixed_point_values_are_exact_decimals) {
  EXPECT_EQ(fixed(3305, 3), "3.305");
  EXPECT_EQ(fixed(3300, 3), "3.3");
  EXPECT_EQ(fixed(-52, 1), "-5.2");
  EXPECT_EQ(fixed(-5, 3), "-0.005");
  EXPECT_EQ(fixed(12000, 3), "12");
  EXPECT_EQ(fixed(7, 0), "7");
}

TEST(Prometheus, pack_values_are_in_base_units_with_the_pack_label) {
  const std::string t = prometheus_text(pack4s());
  EXPECT_TRUE(has_line(t, R"(jkbms_pack_voltage_volts{pack="pack1"} 13.208)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_current_amperes{pack="pack1"} -12.345)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_power_watts{pack="pack1"} -163.052)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_state_of_charge_ratio{pack="pack1"} 0.805)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_state_of_health_ratio{pack="pack1"} 0.97)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_state_of_charge_model_ratio{pack="pack1"} 0.79)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_state_of_charge_model_sigma_ratio{pack="pack1"} 0.042)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_state_of_charge_coulomb_ratio{pack="pack1"} 0.805)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_model_state_of_health_ratio{pack="pack1"} 0.962)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_model_capacity_coulombs{pack="pack1"} 972000)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_model_cell_resistance_ohms{pack="pack1"} 0.001234)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_model_current_offset_amperes{pack="pack1"} -0.15)"));
  // 225.4 Ah = 811440 C; 1 Wh = 3600 J.
  EXPECT_TRUE(has_line(t, R"(jkbms_capacity_remaining_coulombs{pack="pack1"} 811440)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_charge_energy_joules_total{pack="pack1"} 3600)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_cycles_total{pack="pack1"} 12)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_last_sample_timestamp_seconds{pack="pack1"} 1700000000.25)"));
}

TEST(Prometheus, one_sample_per_present_cell_and_temperature_sensor) {
  const std::string t = prometheus_text(pack4s());
  EXPECT_TRUE(has_line(t, R"(jkbms_cell_voltage_volts{pack="pack1",cell="1"} 3.301)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_cell_voltage_volts{pack="pack1",cell="4"} 3.312)"));
  EXPECT_EQ(t.find(R"(cell="5")"), std::string::npos);
  EXPECT_TRUE(has_line(t, R"(jkbms_temperature_celsius{pack="pack1",sensor="mosfet"} 25.1)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_temperature_celsius{pack="pack1",sensor="t1"} -5.2)"));
  EXPECT_EQ(t.find(R"(sensor="t2")"), std::string::npos);
  EXPECT_TRUE(has_line(t, R"(jkbms_cell_balancing{pack="pack1",cell="4"} 1)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_cell_balancing{pack="pack1",cell="1"} 0)"));
}

TEST(Prometheus, every_alarm_bit_is_a_sample_and_only_set_ones_are_one) {
  const std::string t = prometheus_text(pack4s());
  EXPECT_TRUE(has_line(t, R"(jkbms_alarm{pack="pack1",alarm="cell_ovp"} 1)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_alarm{pack="pack1",alarm="cell_uvp"} 0)"));
  std::size_t count = 0;
  for (auto at = t.find("\njkbms_alarm{"); at != std::string::npos;
       at = t.find("\njkbms_alarm{", at + 1))
    ++count;
  EXPECT_EQ(count, core::kAlarmBits);
}

TEST(Prometheus, a_pack_that_is_down_reports_up_info_the_time_of_its_last_values_and_mqtt) {
  PackMetrics p = pack4s();
  p.up = false;
  p.mqtt_connected = false;
  const std::string t = prometheus_text(p);
  EXPECT_TRUE(has_line(t, R"(jkbms_up{pack="pack1"} 0)"));
  EXPECT_NE(t.find(R"(jkbms_info{pack="pack1",serial="4012345678")"), std::string::npos);
  EXPECT_EQ(t.find("jkbms_pack_voltage_volts{"), std::string::npos);
  // The values kept are this old: staleness alerts go on counting.
  EXPECT_TRUE(has_line(t, R"(jkbms_last_sample_timestamp_seconds{pack="pack1"} 1700000000.25)"));
  EXPECT_TRUE(has_line(t, R"(jkbms_mqtt_connected{pack="pack1"} 0)"));
  p.sample_unix_ms = 0;  // never read: no time at all
  p.mqtt_connected.reset();  // MQTT off: no sample
  const std::string never = prometheus_text(p);
  EXPECT_EQ(never.find("jkbms_last_sample_timestamp_seconds{"), std::string::npos);
  EXPECT_EQ(never.find("jkbms_mqtt_connected{"), std::string::npos);
}

TEST(Prometheus, several_packs_share_one_help_and_type_per_family_and_labels_are_escaped) {
  PackMetrics b = pack4s();
  b.pack = "garage \"B\"\\2";
  const std::vector<PackMetrics> packs = {pack4s(), b};
  const std::string t = prometheus_text(packs);
  EXPECT_EQ(t.find("# TYPE jkbms_pack_voltage_volts gauge"),
            t.rfind("# TYPE jkbms_pack_voltage_volts gauge"));
  EXPECT_TRUE(has_line(t, R"(jkbms_pack_voltage_volts{pack="garage \"B\"\\2"} 13.208)"));
  EXPECT_TRUE(has_line(t, "# TYPE jkbms_cycles_total counter"));
}

// promtool (Debian package prometheus, installed by scripts/install-deps) must accept the text:
// format, metric names, units and counter suffixes.
TEST(Prometheus, promtool_check_metrics_accepts_the_text) {
  PackMetrics b = pack4s();
  b.pack = "pack2";
  const std::vector<PackMetrics> packs = {pack4s(), b};
  const std::string path = ::testing::TempDir() + "softbms_metrics.txt";
  std::ofstream(path) << prometheus_text(packs);
  ASSERT_EQ(std::system("command -v promtool >/dev/null"), 0)
      << "promtool is missing: run scripts/install-deps (Debian package prometheus)";
  std::string output;
  FILE* p = popen(("promtool check metrics < " + path + " 2>&1").c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) output += buf;
  EXPECT_EQ(pclose(p), 0) << output;
  EXPECT_EQ(output, "");
}

}  // namespace
}  // namespace softbms::host::metrics
