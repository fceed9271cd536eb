#include "core/measure/calibration.hpp"

#include <gtest/gtest.h>

#include "core/settings/param.hpp"

namespace softbms::core {
namespace {

using namespace softbms::literals;

TEST(VoltageCalibration, factor_makes_the_raw_sum_read_the_measured_pack_voltage) {
  const Result<int32_t> f = voltage_calibration_for(52000_mV, 51740_mV);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.value(), 1005025);  // 52.00 / 51.74 = 1.0050251...
  EXPECT_EQ(calibrate(51740_mV, f.value()).count(), 52000);
}

TEST(VoltageCalibration, factor_outside_the_parameter_range_is_out_of_range) {
  const Result<int32_t> high = voltage_calibration_for(62500_mV, 51740_mV);  // 1.208
  EXPECT_EQ(high.status().code(), Errc::out_of_range);
  EXPECT_EQ(high.status().detail(), static_cast<uint16_t>(Param::voltage_calibration));
  EXPECT_EQ(voltage_calibration_for(41000_mV, 51740_mV).status().code(), Errc::out_of_range);
  // The range ends themselves are accepted: 0.8 and 1.2.
  EXPECT_EQ(voltage_calibration_for(40000_mV, 50000_mV).value(), 800000);
  EXPECT_EQ(voltage_calibration_for(60000_mV, 50000_mV).value(), 1200000);
}

TEST(VoltageCalibration, without_cells_there_is_nothing_to_calibrate) {
  EXPECT_EQ(voltage_calibration_for(52000_mV, 0_mV).status().code(), Errc::bad_state);
}

TEST(CurrentCalibration, factor_makes_the_raw_current_read_the_measured_current) {
  const Result<int32_t> f = current_calibration_for(10150_mA, 10000_mA);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.value(), 1015000);
  EXPECT_EQ(calibrate(10000_mA, f.value()).count(), 10150);
  // The same gain applies to discharge.
  EXPECT_EQ(calibrate(Milliamps(-20000), f.value()).count(), -20300);
}

TEST(CurrentCalibration, works_from_a_discharge_current_too) {
  const Result<int32_t> f = current_calibration_for(Milliamps(-49000), Milliamps(-50000));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.value(), 980000);
}

TEST(CurrentCalibration, below_one_amp_raw_is_a_bad_state) {
  EXPECT_EQ(current_calibration_for(1000_mA, 999_mA).status().code(), Errc::bad_state);
  EXPECT_EQ(current_calibration_for(Milliamps(-1000), Milliamps(-999)).status().code(),
            Errc::bad_state);
  EXPECT_TRUE(current_calibration_for(1000_mA, 1000_mA).ok());
}

TEST(CurrentCalibration, opposite_sign_or_far_off_gain_is_out_of_range) {
  const Result<int32_t> flipped = current_calibration_for(Milliamps(-10000), 10000_mA);
  EXPECT_EQ(flipped.status().code(), Errc::out_of_range);
  EXPECT_EQ(flipped.status().detail(), static_cast<uint16_t>(Param::current_calibration));
  EXPECT_EQ(current_calibration_for(16000_mA, 10000_mA).status().code(), Errc::out_of_range);
  EXPECT_EQ(current_calibration_for(4900_mA, 10000_mA).status().code(), Errc::out_of_range);
}

TEST(Calibration, rounds_to_the_nearest_unit_both_ways) {
  EXPECT_EQ(calibrate(3333_mV, 1000150).count(), 3333);  // 3333.49995
  EXPECT_EQ(calibrate(3333_mV, 1000151).count(), 3334);  // 3333.503
  EXPECT_EQ(calibrate(Milliamps(-3333), 1000151).count(), -3334);
}

// Unity (the default) takes no division: the result must be what the rounded product gives.
TEST(Calibration, unity_returns_the_raw_value_across_the_whole_range) {
  for (int32_t raw : {-2'000'000'000, -700'000, -1, 0, 1, 3333, 65'535, 2'000'000'000}) {
    EXPECT_EQ(calibrate(Millivolts(raw), kUnityPpm).count(), raw);
    EXPECT_EQ(calibrate(Milliamps(raw), kUnityPpm).count(), raw);
  }
  EXPECT_EQ(calibrate(3333_mV, kUnityPpm + 1).count(), 3333);  // the division path beside it
  EXPECT_EQ(calibrate(3333_mV, kUnityPpm + 151).count(), 3334);
}

}  // namespace
}  // namespace softbms::core
