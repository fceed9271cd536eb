#include "core/measure/measure.hpp"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <initializer_list>
#include <iterator>
#include <optional>

#include "core/measure/calibration.hpp"
#include "core/measure/ntc.hpp"
#include "core/settings/validate.hpp"

namespace softbms::core {
namespace {

using namespace softbms::literals;

Settings pb_lfp16() {
  return Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, 16);
}

Measurements cells(std::initializer_list<int32_t> mv) {
  Measurements raw;
  std::size_t i = 0;
  for (int32_t v : mv) raw.cell_raw[i++] = Millivolts(v);
  return raw;
}

TEST(MeasureCells, inputs_below_500_mV_are_absent_and_statistics_skip_them) {
  Measure measure;
  const Measured m = measure.update(cells({3300, 0, 3310, 499, 3290, 3305, 500}), pb_lfp16());
  EXPECT_EQ(m.present_mask, 0b1110101u);
  EXPECT_EQ(m.cells_present, 5);
  EXPECT_EQ(m.max.count(), 3310);
  EXPECT_EQ(m.max_index, 2);
  EXPECT_EQ(m.min.count(), 500);  // 500 mV itself is a connected (if very empty) cell
  EXPECT_EQ(m.min_index, 6);
  EXPECT_EQ(m.delta.count(), 2810);
  EXPECT_EQ(m.pack.count(), 3300 + 3310 + 3290 + 3305 + 500);
  EXPECT_EQ(m.cell[1].count(), 0);
  EXPECT_EQ(m.cell[3].count(), 0);
}

TEST(MeasureCells, statistics_with_gaps_use_present_cells_only) {
  Measure measure;
  const Measured m = measure.update(cells({3300, 0, 3310, 0, 3290, 3305}), pb_lfp16());
  EXPECT_EQ(m.present_mask, 0b110101u);
  EXPECT_EQ(m.cells_present, 4);
  EXPECT_EQ(m.cells_expected, 16);
  EXPECT_EQ(m.max_index, 2);
  EXPECT_EQ(m.min.count(), 3290);
  EXPECT_EQ(m.min_index, 4);
  EXPECT_EQ(m.delta.count(), 20);
  EXPECT_EQ(m.pack.count(), 13205);
  EXPECT_EQ(m.avg.count(), 3301);  // 3301.25 rounded
}

TEST(MeasureCells, on_equal_cells_the_lowest_index_is_reported) {
  Measure measure;
  const Measured m = measure.update(cells({3280, 3320, 3280, 3320}), pb_lfp16());
  EXPECT_EQ(m.max_index, 1);
  EXPECT_EQ(m.min_index, 0);
}

TEST(MeasureCells, a_cell_on_the_last_of_32_inputs_counts) {
  Measurements raw;
  raw.cell_raw[31] = 3456_mV;
  raw.cell_raw[0] = 3400_mV;
  Measure measure;
  const Measured m = measure.update(raw, pb_lfp16());
  EXPECT_EQ(m.present_mask, 0x80000001u);
  EXPECT_EQ(m.max_index, 31);
  EXPECT_EQ(m.max.count(), 3456);
}

TEST(MeasureCells, without_cells_everything_reads_zero) {
  Measure measure;
  const Measured m = measure.update(Measurements{}, pb_lfp16());
  EXPECT_EQ(m.present_mask, 0u);
  EXPECT_EQ(m.cells_present, 0);
  EXPECT_EQ(m.pack.count(), 0);
  EXPECT_EQ(m.avg.count(), 0);
  EXPECT_EQ(m.delta.count(), 0);
}

// The cells, their sum and the extremes in one pass give what the definitions give, computed
// here the plain way (each cell the step between calibrated running sums, then a second pass for
// the highest and lowest, the lower index on a tie) over random packs: absent inputs anywhere,
// equal cells, calibrations off unity.
TEST(MeasureCells, one_pass_gives_the_plain_definitions_over_random_packs) {
  uint32_t state = 12345;
  const auto next = [&state] {
    state = state * 1664525U + 1013904223U;
    return state >> 8;
  };
  for (int round = 0; round < 2000; ++round) {
    Settings s = pb_lfp16();
    const int32_t ppm = round % 3 == 0 ? kUnityPpm : 950000 + static_cast<int32_t>(next() % 100000);
    ASSERT_TRUE(apply_change(s, Param::voltage_calibration, ppm).ok());
    Measurements raw;
    for (std::size_t i = 0; i < kMaxCells; ++i) {
      const uint32_t r = next() % 10;
      raw.cell_raw[i] = Millivolts(r == 0   ? 0
                                   : r == 1 ? 499
                                            : 3270 + static_cast<int32_t>(next() % 8));
    }
    Measure measure;
    const Measured m = measure.update(raw, s);
    Millivolts sum{};
    Millivolts before{};
    std::array<Millivolts, kMaxCells> cell{};
    uint32_t mask = 0;
    for (std::size_t i = 0; i < kMaxCells; ++i) {
      if (raw.cell_raw[i].count() < 500) continue;
      sum += raw.cell_raw[i];
      cell[i] = calibrate(sum, ppm) - before;
      before = calibrate(sum, ppm);
      mask |= 1U << i;
    }
    ASSERT_EQ(m.present_mask, mask);
    ASSERT_EQ(m.pack, before);
    ASSERT_EQ(m.cell, cell);
    int max_i = -1;
    int min_i = -1;
    for (int i = 0; i < static_cast<int>(kMaxCells); ++i) {
      if ((mask & (1U << i)) == 0) continue;
      if (max_i < 0 || cell[i] > cell[max_i]) max_i = i;
      if (min_i < 0 || cell[i] < cell[min_i]) min_i = i;
    }
    if (max_i < 0) {
      ASSERT_EQ(m.cells_present, 0);
      continue;
    }
    const int n = std::popcount(mask);
    ASSERT_EQ(m.cells_present, n);
    ASSERT_EQ(m.max_index, max_i);
    ASSERT_EQ(m.min_index, min_i);
    ASSERT_EQ(m.max, cell[max_i]);
    ASSERT_EQ(m.min, cell[min_i]);
    ASSERT_EQ(m.delta, cell[max_i] - cell[min_i]);
    ASSERT_EQ(m.avg.count(), (before.count() + n / 2) / n);
  }
}

TEST(MeasureCalibration, entering_52_00_V_when_the_pack_reads_51_74_V_reads_52_00_V) {
  // 12 cells at 3.234 V and 4 at 3.233 V: 51.740 V raw.
  Measurements raw = cells({3234, 3234, 3234, 3234, 3234, 3234, 3234, 3234, 3234, 3234, 3234, 3234,
                            3233, 3233, 3233, 3233});
  Settings s = pb_lfp16();
  Measure measure;
  ASSERT_EQ(measure.update(raw, s).pack.count(), 51740);
  ASSERT_EQ(measure.raw_pack().count(), 51740);

  const Result<int32_t> factor = voltage_calibration_for(52000_mV, measure.raw_pack());
  ASSERT_TRUE(factor.ok());
  ASSERT_TRUE(apply_change(s, Param::voltage_calibration, factor.value()).ok());
  const Measured m = measure.update(raw, s);

  EXPECT_NEAR(m.pack.count(), 52000, 1);
  int32_t sum = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    sum += m.cell[i].count();
    // Each cell within 1 mV of raw x 1.005025.
    const double exact = raw.cell_raw[i].count() * (factor.value() / 1e6);
    EXPECT_NEAR(m.cell[i].count(), exact, 1.0) << i;
  }
  EXPECT_EQ(sum, m.pack.count());
  // Calibrating again from the same raw values gives the same factor, not a compounded one.
  EXPECT_EQ(measure.raw_pack().count(), 51740);
  EXPECT_EQ(voltage_calibration_for(52000_mV, measure.raw_pack()).value(), factor.value());
}

TEST(MeasureCalibration, current_factor_applies_to_the_shunt_reading) {
  Measurements raw = cells({3300, 3300});
  raw.current_raw = Milliamps(-40000);
  Settings s = pb_lfp16();
  Measure measure;
  EXPECT_EQ(measure.update(raw, s).current.count(), -40000);
  const Result<int32_t> factor = current_calibration_for(Milliamps(-40400), measure.raw_current());
  ASSERT_TRUE(factor.ok());
  ASSERT_TRUE(apply_change(s, Param::current_calibration, factor.value()).ok());
  EXPECT_EQ(measure.update(raw, s).current.count(), -40400);
}

Measurements with_ntc(std::initializer_list<int32_t> ohms) {
  Measurements raw = cells({3300, 3300});
  std::size_t i = 0;
  for (int32_t r : ohms) raw.ntc[i++] = Ohms(r);
  return raw;
}

TEST(MeasureTemperature, a_sensor_never_seen_is_absent_not_faulty) {
  Measure measure;
  const Measured m = measure.update(with_ntc({10000, 33621, 0, 0, 0, 0}), pb_lfp16());
  EXPECT_EQ(m.temp_present_mask, 0b000011);
  EXPECT_EQ(m.temp_fault_mask, 0);
  EXPECT_TRUE(m.mos_temp_valid);
  EXPECT_EQ(m.mos.count(), 250);
  EXPECT_EQ(m.temp[1].count(), 0);
  EXPECT_TRUE(m.battery_temp_valid);
  EXPECT_EQ(m.battery_max.count(), 0);
  EXPECT_EQ(m.battery_min.count(), 0);
}

TEST(MeasureTemperature, a_seen_sensor_that_reads_open_or_implausible_is_faulty_until_it_reads) {
  Measure measure;
  const Settings s = pb_lfp16();
  (void)measure.update(with_ntc({10000, 10000, 10000, 0, 0, 0}), s);
  Measured m = measure.update(with_ntc({10000, 0, 200, 0, 0, 0}), s);  // T1 open, T2 shorted
  EXPECT_EQ(m.temp_present_mask, 0b000001);
  EXPECT_EQ(m.temp_fault_mask, 0b000110);
  EXPECT_FALSE(m.battery_temp_valid);
  EXPECT_EQ(m.temp[1].count(), 0);

  m = measure.update(with_ntc({10000, 2486, 0, 0, 0, 0}), s);  // T1 back at 60 °C
  EXPECT_EQ(m.temp_present_mask, 0b000011);
  EXPECT_EQ(m.temp_fault_mask, 0b000100);
  EXPECT_EQ(m.temp[1].count(), 600);

  measure.forget_sensors();
  m = measure.update(with_ntc({10000, 2486, 0, 0, 0, 0}), s);
  EXPECT_EQ(m.temp_fault_mask, 0);
}

TEST(MeasureTemperature, battery_max_and_min_cover_present_battery_sensors_only) {
  Measure measure;
  // MOS 60 °C is hotter than every battery sensor and is not a battery temperature.
  const Measured m = measure.update(with_ntc({2486, 10000, 0, 33621, 105385, 0}), pb_lfp16());
  EXPECT_EQ(m.temp_present_mask, 0b011011);
  EXPECT_EQ(m.battery_max.count(), 250);
  EXPECT_EQ(m.battery_min.count(), -200);
  EXPECT_EQ(m.mos.count(), 600);
}

TEST(MeasureTemperature, disable_temp_sensors_makes_battery_sensors_absent_but_keeps_mos) {
  Measure measure;
  Settings s = pb_lfp16();
  (void)measure.update(with_ntc({10000, 10000, 10000, 0, 0, 0}), s);
  ASSERT_TRUE(apply_change(s, Param::disable_temp_sensors, 1).ok());
  Measured m = measure.update(with_ntc({10000, 10000, 0, 0, 0, 0}), s);  // T2 pulled meanwhile
  EXPECT_EQ(m.temp_present_mask, 0b000001);
  EXPECT_EQ(m.temp_fault_mask, 0);
  EXPECT_FALSE(m.battery_temp_valid);
  EXPECT_TRUE(m.mos_temp_valid);

  ASSERT_TRUE(apply_change(s, Param::disable_temp_sensors, 0).ok());
  m = measure.update(with_ntc({10000, 10000, 0, 0, 0, 0}), s);
  EXPECT_EQ(m.temp_present_mask, 0b000011);
  EXPECT_EQ(m.temp_fault_mask, 0b000100);
}

TEST(MeasureTemperature, disabling_battery_sensors_does_not_hide_a_mos_sensor_fault) {
  Measure measure;
  Settings s = pb_lfp16();
  ASSERT_TRUE(apply_change(s, Param::disable_temp_sensors, 1).ok());
  (void)measure.update(with_ntc({10000, 0, 0, 0, 0, 0}), s);
  const Measured m = measure.update(with_ntc({0, 0, 0, 0, 0, 0}), s);
  EXPECT_EQ(m.temp_fault_mask, 0b000001);
  EXPECT_FALSE(m.mos_temp_valid);
}

// The measure stage converts a sensor's reading again only when it changed: through any
// sequence of readings (repeats, steps, open and shorted sensors, one sensor taking another's
// value) every tick reads what a fresh conversion of that tick's input gives.
TEST(MeasureTemperature, a_repeated_reading_converts_to_what_a_fresh_conversion_gives) {
  Measure measure;
  const Settings s = pb_lfp16();
  const int32_t readings[] = {10000, 10000,  10001,  9999, 0,   0,     10000, 200,  200,
                              2486,  401860, 401861, 359,  358, 33621, 33621, 10000};
  for (std::size_t t = 0; t < std::size(readings); ++t) {
    Measurements raw;
    for (std::size_t i = 0; i < kMaxTempSensors; ++i) {
      raw.ntc[i] = Ohms(readings[(t + i) % std::size(readings)]);
    }
    const Measured m = measure.update(raw, s);
    for (std::size_t i = 0; i < kMaxTempSensors; ++i) {
      const std::optional<DeciCelsius> fresh = ntc_temperature(raw.ntc[i]);
      EXPECT_EQ(fresh.has_value(), (m.temp_present_mask & (1U << i)) != 0) << t << " " << i;
      if (fresh) {
        EXPECT_EQ(m.temp[i].count(), fresh->count()) << t << " " << i;
      }
    }
  }
}

TEST(MeasureWires, resistance_is_copied_and_cells_above_the_alarm_are_flagged) {
  Measurements raw = cells({3300, 3300, 3300, 3300});
  raw.wire_resistance[0] = 40_mOhm;
  raw.wire_resistance[2] = 150_mOhm;  // at the limit: no alarm
  raw.wire_resistance[3] = 151_mOhm;
  Measure measure;
  const Settings s = pb_lfp16();
  ASSERT_EQ(s.raw(Param::wire_resistance_alarm), 150);
  const Measured m = measure.update(raw, s);
  EXPECT_EQ(m.wire[0].count(), 40);
  EXPECT_EQ(m.wire[3].count(), 151);
  EXPECT_EQ(m.wire_alarm_mask, 0b1000u);
}

TEST(MeasureWires, a_wire_the_cell_count_expects_alarms_even_when_its_cell_reads_nothing) {
  Measurements raw = cells({3300, 3300});
  raw.wire_resistance[5] = 900_mOhm;   // cell 6 of 16: broken lead, no voltage
  raw.wire_resistance[20] = 900_mOhm;  // input 21, beyond the 16 cells and not connected
  Measure measure;
  EXPECT_EQ(measure.update(raw, pb_lfp16()).wire_alarm_mask, 1u << 5);
}

TEST(MeasureCharger, terminal_at_least_2_V_above_the_pack_means_a_charger_on_jk_pb) {
  Measurements raw = cells({3300, 3300, 3300, 3300});
  Measure measure;
  raw.terminal_voltage = Millivolts(13200 + 1999);
  EXPECT_FALSE(measure.update(raw, pb_lfp16()).charger_present);
  raw.terminal_voltage = Millivolts(13200 + 2000);
  EXPECT_TRUE(measure.update(raw, pb_lfp16()).charger_present);
}

TEST(MeasureCharger, the_b2a8s20p_needs_5_V_above_the_pack_as_its_manual_says) {
  const Settings s = Settings::preset(Chemistry::lfp, ModelId::jk_b2a8s20p, 4);
  Measurements raw = cells({3300, 3300, 3300, 3300});
  Measure measure;
  raw.terminal_voltage = Millivolts(13200 + 4999);
  EXPECT_FALSE(measure.update(raw, s).charger_present);
  raw.terminal_voltage = Millivolts(13200 + 5000);
  EXPECT_TRUE(measure.update(raw, s).charger_present);
}

TEST(MeasureCharger, one_amp_of_charge_current_means_a_charger_with_the_fet_closed) {
  Measurements raw = cells({3300, 3300, 3300, 3300});
  raw.terminal_voltage = 13210_mV;
  Measure measure;
  raw.current_raw = 999_mA;
  EXPECT_FALSE(measure.update(raw, pb_lfp16()).charger_present);
  raw.current_raw = 1000_mA;
  EXPECT_TRUE(measure.update(raw, pb_lfp16()).charger_present);
  raw.current_raw = Milliamps(-30000);
  EXPECT_FALSE(measure.update(raw, pb_lfp16()).charger_present);
}

TEST(MeasurePassThrough, front_end_flags_and_currents_reach_the_later_stages) {
  Measurements raw = cells({3300, 3300});
  raw.short_circuit = true;
  raw.balance_current = Milliamps(-1800);
  raw.heater_current = 4200_mA;
  raw.button = true;
  raw.charge_fet_readback = true;
  Measure measure;
  const Measured m = measure.update(raw, pb_lfp16());
  EXPECT_TRUE(m.short_circuit);
  EXPECT_EQ(m.balance_current.count(), -1800);
  EXPECT_EQ(m.heater_current.count(), 4200);
  EXPECT_TRUE(m.button);
  EXPECT_TRUE(m.charge_fet_readback);
  EXPECT_FALSE(m.discharge_fet_readback);
}

}  // namespace
}  // namespace softbms::core
