#include "core/measure/ntc.hpp"

#include <gtest/gtest.h>

namespace softbms::core {
namespace {

int32_t deci(Ohms r) {
  return ntc_temperature(r).value_or(DeciCelsius(-9999)).count();
}

TEST(Ntc, ten_kilohm_reads_25_0_degrees) {
  EXPECT_EQ(deci(Ohms(10000)), 250);
}

// B3950 curve: R(0 °C) = 33 620.6 Ohm, R(60 °C) = 2 486.2 Ohm, R(-20 °C) = 105 384.7 Ohm.
TEST(Ntc, b3950_curve_points_read_their_temperature) {
  EXPECT_EQ(deci(Ohms(33621)), 0);
  EXPECT_EQ(deci(Ohms(2486)), 600);
  EXPECT_EQ(deci(Ohms(105385)), -200);
}

TEST(Ntc, a_reading_between_table_rows_interpolates_to_a_tenth_of_a_degree) {
  // 25.5 °C on the curve is 9 780.6 Ohm.
  EXPECT_EQ(deci(Ohms(9781)), 255);
}

TEST(Ntc, table_ends_are_minus_40_and_plus_125_degrees) {
  EXPECT_EQ(deci(Ohms(401860)), -400);
  EXPECT_EQ(deci(Ohms(359)), 1250);
}

TEST(Ntc, open_zero_and_beyond_the_table_give_no_reading) {
  EXPECT_FALSE(ntc_temperature(Ohms(0)).has_value());
  EXPECT_FALSE(ntc_temperature(Ohms(-5)).has_value());
  EXPECT_FALSE(ntc_temperature(Ohms(401861)).has_value());  // colder than -40 °C: open wire
  EXPECT_FALSE(ntc_temperature(Ohms(358)).has_value());     // hotter than 125 °C: shorted probe
}

TEST(Ntc, resistance_for_a_temperature_reads_back_within_a_tenth_of_a_degree) {
  for (int32_t t = -400; t <= 1250; ++t) {
    const Ohms r = ntc_resistance_at(DeciCelsius(t));
    const int32_t back = deci(r);
    EXPECT_LE(back - t, 1) << t;
    EXPECT_GE(back - t, -1) << t;
  }
}

TEST(Ntc, every_whole_degree_row_reads_exactly_its_degree) {
  for (int32_t degree = -40; degree <= 125; ++degree) {
    EXPECT_EQ(deci(ntc_resistance_at(DeciCelsius(degree * 10))), degree * 10) << degree;
  }
}

TEST(Ntc, temperature_never_rises_with_resistance_across_the_whole_table) {
  int32_t previous = deci(Ohms(359));
  for (int32_t ohms = 360; ohms <= 401860; ++ohms) {
    const int32_t t = deci(Ohms(ohms));
    ASSERT_LE(t, previous) << ohms;
    ASSERT_GE(t, previous - 2) << ohms;  // near 125 °C one ohm is about 0.1 K: at most 0.2
    previous = t;
  }
  EXPECT_EQ(previous, -400);
}

TEST(Ntc, resistance_for_a_temperature_beyond_the_table_is_clamped_to_its_ends) {
  EXPECT_EQ(ntc_resistance_at(DeciCelsius(-600)).count(), 401860);
  EXPECT_EQ(ntc_resistance_at(DeciCelsius(2000)).count(), 359);
  EXPECT_EQ(ntc_resistance_at(DeciCelsius(250)).count(), 10000);
}

}  // namespace
}  // namespace softbms::core
