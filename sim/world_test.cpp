#include "sim/world.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/pack_config.hpp"
#include "sim/profile.hpp"

namespace softbms::sim {
namespace {

TEST(Profile, csv_with_header_and_comments_holds_each_value_until_the_next_point) {
  const auto r = parse_profile_csv("# a drive\ntime_s,current_a\n0,10\n30;-5.5\n60\t0\n");
  ASSERT_TRUE(r.ok());
  const Profile& p = r.value();
  ASSERT_EQ(p.t_s.size(), 3U);
  EXPECT_DOUBLE_EQ(p.at(0.0), 10.0);
  EXPECT_DOUBLE_EQ(p.at(29.9), 10.0);
  EXPECT_DOUBLE_EQ(p.at(30.0), -5.5);
  EXPECT_DOUBLE_EQ(p.at(1000.0), 0.0);
}

TEST(Profile, csv_errors_name_the_line) {
  const auto bad = parse_profile_csv("t,v\n0,1\n10,abc\n");
  EXPECT_EQ(bad.status().code(), Errc::bad_value);
  EXPECT_EQ(bad.status().detail(), 3);
  const auto backwards = parse_profile_csv("0,1\n10,2\n5,3\n");
  EXPECT_EQ(backwards.status().code(), Errc::rule_violation);
  EXPECT_EQ(backwards.status().detail(), 3);
  EXPECT_EQ(parse_profile_csv("# nothing\n").status().code(), Errc::not_found);
}

TEST(Profile, dst_cycle_lasts_360_s_and_reaches_peak_power_once) {
  const Profile p = dst_cycle(1000.0);
  EXPECT_DOUBLE_EQ(p.period_s, 360.0);
  EXPECT_DOUBLE_EQ(p.at(0.0), 0.0);
  EXPECT_DOUBLE_EQ(p.at(20.0), 125.0);            // 12.5 % from 16 s
  EXPECT_DOUBLE_EQ(p.at(60.0), -125.0);           // regeneration 56..64 s
  EXPECT_DOUBLE_EQ(p.at(240.0), 1000.0);          // 100 % at 236..244 s
  EXPECT_DOUBLE_EQ(p.at(360.0 + 240.0), 1000.0);  // repeats
  int at_peak = 0;
  for (int t = 0; t < 360; ++t) at_peak += p.at(t) == 1000.0;
  EXPECT_EQ(at_peak, 8);
}

TEST(Profile, solar_day_peaks_at_noon_and_is_dark_at_night) {
  const Profile pv = solar_current_day(100.0);
  EXPECT_NEAR(pv.at(12 * 3600.0), 100.0, 1e-9);
  EXPECT_DOUBLE_EQ(pv.at(2 * 3600.0), 0.0);
  EXPECT_DOUBLE_EQ(pv.at(22 * 3600.0), 0.0);
  EXPECT_NEAR(pv.at(86400.0 + 9 * 3600.0), 100.0 * std::sin(3.14159265358979 / 4), 1e-6);
  const Profile house = house_load_day(300.0, 2000.0);
  EXPECT_GT(house.at(19.5 * 3600.0), 2000.0);
  EXPECT_LT(house.at(3 * 3600.0), 310.0);
  const Profile amb = daily_ambient(20.0, 5.0);
  EXPECT_NEAR(amb.at(5 * 3600.0), 15.0, 1e-9);
  EXPECT_NEAR(amb.at(17 * 3600.0), 25.0, 1e-9);
}

TEST(World, loads_chargers_and_faults_apply_only_inside_their_window) {
  World w;
  w.add_load({10.0, 20.0, LoadKind::current, 30.0, {}});
  w.add_load({0.0, kForever, LoadKind::resistance, 2.0, {}});
  w.add_charger({5.0, 15.0, 58.4, 40.0, {}});
  w.add_fault({FaultKind::short_circuit, 12.0, 12.5, 0, 0.002});
  w.add_fault({FaultKind::open_balance_wire, 3.0, kForever, 4, 0.0});
  EXPECT_FALSE(w.at(4.0).charger_present);
  EXPECT_EQ(w.at(4.0).open_leads, uint64_t{1} << 4);
  const WorldState s = w.at(12.2);
  EXPECT_TRUE(s.charger_present);
  EXPECT_DOUBLE_EQ(s.charger_v, 58.4);
  EXPECT_DOUBLE_EQ(s.load_a, 30.0);
  EXPECT_DOUBLE_EQ(s.load_siemens, 0.5);
  EXPECT_TRUE(s.short_active);
  EXPECT_DOUBLE_EQ(s.short_siemens, 500.0);
  EXPECT_FALSE(w.at(12.5).short_active);
  EXPECT_DOUBLE_EQ(w.at(20.0).load_a, 0.0);
  EXPECT_DOUBLE_EQ(w.next_change_after(10.0), 12.0);
  EXPECT_DOUBLE_EQ(w.next_change_after(12.0), 12.5);
  EXPECT_EQ(w.next_change_after(20.0), kForever);
}

TEST(PackConfigValidation, rejects_out_of_range_fields_by_name) {
  PackConfig c;
  EXPECT_TRUE(validate(c).ok());
  c.cells = 33;
  EXPECT_EQ(validate(c), Status(Errc::out_of_range, static_cast<uint16_t>(ConfigField::cells)));
  c = PackConfig{};
  c.initial_soc = 1.2;
  EXPECT_EQ(validate(c).detail(), static_cast<uint16_t>(ConfigField::initial_soc));
  c = PackConfig{};
  c.battery_sensors = 6;
  EXPECT_EQ(validate(c).detail(), static_cast<uint16_t>(ConfigField::battery_sensors));
  c = PackConfig{};
  c.balancer_efficiency = 1.5;
  EXPECT_EQ(validate(c).detail(), static_cast<uint16_t>(ConfigField::board));
}

}  // namespace
}  // namespace softbms::sim
