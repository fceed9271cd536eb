#include "core/functions/heater.hpp"

#include <gtest/gtest.h>

#include "core/functions/test_support.hpp"

namespace softbms::core {
namespace {

using namespace softbms::literals;
using test::lfp16;
using test::pack;
using State = Heater::State;

Settings heating_on() {
  Settings s = lfp16();  // heating_start_temp 0.0 °C, heating_stop_temp 5.0 °C
  s.set_raw(Param::heating_enabled, 1);
  return s;
}

Measured cold(int32_t deci_c, bool charger = true) {
  Measured m = pack(3200_mV, 0_mA, DeciCelsius(deci_c));
  m.charger_present = charger;
  return m;
}

TEST(Heater, turns_on_below_start_and_off_at_stop_temperature) {
  const Settings s = heating_on();
  Heater h;
  EXPECT_EQ(h.update(cold(0), s, false), State::off);  // at 0.0 °C: not below the start
  EXPECT_EQ(h.update(cold(-1), s, false), State::on);  // -0.1 °C
  EXPECT_EQ(h.update(cold(20), s, false), State::on);  // between start and stop: keeps heating
  EXPECT_EQ(h.update(cold(49), s, false), State::on);
  EXPECT_EQ(h.update(cold(50), s, false), State::off);  // 5.0 °C
  EXPECT_EQ(h.update(cold(20), s, false), State::off);  // cooling again: waits for the start
  EXPECT_EQ(h.update(cold(-1), s, false), State::on);
}

TEST(Heater, the_coldest_battery_sensor_decides) {
  const Settings s = heating_on();
  Measured m = cold(-50);
  m.battery_max = DeciCelsius(80);  // one sensor already warm, one at -5 °C
  Heater h;
  EXPECT_EQ(h.update(m, s, false), State::on);
}

TEST(Heater, heats_only_while_charging_is_wanted) {
  const Settings s = heating_on();
  Heater h;
  EXPECT_EQ(h.update(cold(-100, false), s, false), State::off);  // no charger, no request
  EXPECT_EQ(h.update(cold(-100, false), s, true), State::on);    // an inverter asks for charge
  EXPECT_EQ(h.update(cold(-100, false), s, false), State::off);  // the request ends
  EXPECT_EQ(h.update(cold(-100, true), s, false), State::on);    // a charger is connected
  EXPECT_EQ(h.update(cold(-100, false), s, false), State::off);  // and removed
}

TEST(Heater, stays_off_when_the_charge_switch_is_off) {
  Settings s = heating_on();
  s.set_raw(Param::charge_enabled, 0);
  Heater h;
  EXPECT_EQ(h.update(cold(-100), s, true), State::off);
}

TEST(Heater, stays_off_when_heating_is_disabled) {
  Settings s = heating_on();
  s.set_raw(Param::heating_enabled, 0);
  Heater h;
  EXPECT_EQ(h.update(cold(-100), s, true), State::off);
}

TEST(Heater, stays_off_without_a_battery_temperature) {
  const Settings s = heating_on();
  Measured m = cold(-100);
  m.battery_temp_valid = false;
  Heater h;
  EXPECT_EQ(h.update(m, s, true), State::off);
}

TEST(Heater, stops_when_any_battery_sensor_reaches_charge_otpr) {
  const Settings s = heating_on();  // charge_otpr 55.0 °C
  Measured m = cold(-100);
  Heater h;
  ASSERT_EQ(h.update(m, s, false), State::on);
  m.battery_max = DeciCelsius(549);
  EXPECT_EQ(h.update(m, s, false), State::on);
  m.battery_max = DeciCelsius(550);
  EXPECT_EQ(h.update(m, s, false), State::off);
}

}  // namespace
}  // namespace softbms::core
