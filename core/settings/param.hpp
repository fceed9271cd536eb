// The settings table: the one source of truth for every parameter. Validation, presets, the
// wire protocols, the command line, the web form and the docs are all driven from kParams.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace softbms::core {

enum class Chemistry : uint8_t { li_ion, lfp, lto };
inline constexpr std::size_t kChemistryCount = 3;
inline constexpr std::array<std::string_view, kChemistryCount> kChemistryNames = {"li-ion", "lfp",
                                                                                   "lto"};
std::optional<Chemistry> chemistry_from_name(std::string_view name);

// The unit a value is stored in. Display scaling (for example 0.1 °C shown as °C with one
// decimal) is a property of the unit, not of the parameter.
enum class Unit : uint8_t { mV, mA, s, ms, us, deci_celsius, mAh, h, min, deci_hour, percent, mohm, ppm, count, flag, choice };

struct UnitInfo {
  std::string_view symbol;  // what users see
  int32_t display_divisor;  // stored / divisor = shown value
};
inline constexpr std::array<UnitInfo, 16> kUnits = {{
    {"mV", 1}, {"mA", 1}, {"s", 1}, {"ms", 1}, {"us", 1}, {"°C", 10}, {"mAh", 1}, {"h", 1},
    {"min", 1}, {"h", 10}, {"%", 1}, {"mOhm", 1}, {"ppm", 1}, {"", 1}, {"", 1}, {"", 1},
}};
constexpr const UnitInfo& unit_info(Unit u) { return kUnits[static_cast<std::size_t>(u)]; }

// Where a parameter sits in JK's 55AA settings frame (type 0x01) and which BLE register writes
// it. offset 0 = not in the frame. bit >= 0: one bit of the u16 control word at offset 282.
// The JK-PB Modbus address is 0x1000 + offset - 6 ([ESPHOME], [M-MODBUS]).
struct JkField {
  uint16_t offset = 0;
  uint8_t size = 0;      // bytes on the wire: 4 (u32/i32), 1 (i8/u8), 2 (u16)
  int8_t bit = -1;
  uint8_t ble24 = 0;     // write register, JK02_24S (0 = not writable there)
  uint8_t ble32 = 0;     // write register, JK02_32S / JK-PB
  uint8_t wire_divisor = 1;  // stored value / wire_divisor = wire value (0.1 °C -> °C in i8 fields)
};

// Flags that tell validation and presets how to treat a parameter.
enum ParamFlag : uint16_t {
  kNone = 0,
  kCellVoltage = 1 << 0,            // range narrowed by the model's cell-threshold range
  kPerCell = 1 << 1,                // defaults are per cell: the preset multiplies by cell_count
  kModelChargeCurrent = 1 << 2,     // capped by the model's maximum charge current
  kModelDischargeCurrent = 1 << 3,  // capped by the model's maximum discharge current
  kModelBalanceCurrent = 1 << 4,    // capped by the model's maximum balance current
  kFactoryFixed = 1 << 5,     // JK fixes it at the factory; no interface may change it
  kKeepOnPreset = 1 << 6,     // a chemistry preset leaves it as it is (cell count, capacity, ...)
  kSwitch = 1 << 7,           // a user switch (charge, discharge, balance ...), not a setting
  kSetByItsCommand = 1 << 8,  // no interface writes it directly: calibration or the DIP switches set it
  kModelPeakCurrent = 1 << 9,  // capped by the model's peak (instantaneous) discharge current
};

enum class Param : uint8_t {
  // cell voltages
  cell_ovp, cell_ovpr, cell_uvp, cell_uvpr, power_off_voltage, cell_ovp_delay, cell_uvp_delay,
  soc_100_voltage, soc_0_voltage, request_charge_voltage, request_float_voltage,
  smart_sleep_voltage,
  // pack voltage
  pack_ovp, pack_ovpr, pack_uvp, pack_uvpr,
  // balancing
  balance_trigger_delta, start_balance_voltage, max_balance_current, balance_mode,
  balance_window_current,
  // currents
  charge_ocp_current, charge_ocp_delay, charge_ocp_release,
  discharge_ocp_current, discharge_ocp_delay, discharge_ocp_release,
  discharge_ocp2_current, discharge_ocp2_delay, discharge_ocp3_current, discharge_ocp3_delay,
  discharge_ocp2_enabled, discharge_ocp3_enabled,
  scp_delay, scp_release,
  // temperatures
  charge_otp, charge_otpr, charge_utp, charge_utpr, discharge_otp, discharge_otpr,
  discharge_utp, discharge_utpr, mos_otp, mos_otpr, temp_protection_delay,
  heating_start_temp, heating_stop_temp,
  // pack
  cell_count, design_capacity, wire_resistance_alarm, precharge_time,
  // switches and functions
  charge_enabled, discharge_enabled, balance_enabled, heating_enabled, smart_sleep_enabled,
  smart_sleep_hours, disable_temp_sensors, display_always_on, special_charger, disable_pcl,
  float_mode, dry_contact_intermittent, emergency_minutes, rcv_time, rfv_time, rebulk_soc,
  device_address, buzzer_alarm_mask, dry1_alarm_mask, dry2_alarm_mask,
  // calibration
  voltage_calibration, current_calibration,
  // estimation
  soc_method,
  count_  // not a parameter: the number of parameters
};
inline constexpr std::size_t kParamCount = static_cast<std::size_t>(Param::count_);

struct ParamInfo {
  Param id;
  std::string_view name;
  Unit unit;
  int32_t min;
  int32_t max;
  std::array<int32_t, kChemistryCount> defaults;  // li-ion, lfp, lto
  uint16_t flags;
  JkField jk;
  std::string_view help;
};

constexpr std::array<int32_t, 3> all(int32_t v) { return {v, v, v}; }
inline constexpr int32_t kNoLimit = 2'000'000'000;

// clang-format off
inline constexpr std::array<ParamInfo, kParamCount> kParams = {{
  // Cell voltages. Presets: JK-B2A8S20P manual ([M-B2A]) appendix, rows 1-6.
  {Param::cell_ovp, "cell_ovp", Unit::mV, 1000, 5000, {4200, 3600, 2700}, kCellVoltage, {18, 4, -1, 0x04, 0x04}, "Cell over-voltage protection: charging stops when any cell is above it"},
  {Param::cell_ovpr, "cell_ovpr", Unit::mV, 1000, 5000, {4100, 3400, 2400}, kCellVoltage, {22, 4, -1, 0x05, 0x05}, "Cell over-voltage recovery: charging resumes when every cell is below it"},
  {Param::cell_uvp, "cell_uvp", Unit::mV, 1000, 5000, {2900, 2600, 1800}, kCellVoltage, {10, 4, -1, 0x02, 0x02}, "Cell under-voltage protection: discharging stops when any cell is below it"},
  {Param::cell_uvpr, "cell_uvpr", Unit::mV, 1000, 5000, {3200, 3000, 2000}, kCellVoltage, {14, 4, -1, 0x03, 0x03}, "Cell under-voltage recovery: discharging resumes when every cell is above it"},
  {Param::power_off_voltage, "power_off_voltage", Unit::mV, 1000, 5000, {2800, 2500, 1700}, kCellVoltage, {46, 4, -1, 0x0B, 0x0B}, "Auto shutdown: the board switches off when the highest cell is below it"},
  {Param::cell_ovp_delay, "cell_ovp_delay", Unit::s, 0, 60, all(2), kNone, {}, "Time a cell must stay above cell_ovp before charging stops"},
  {Param::cell_uvp_delay, "cell_uvp_delay", Unit::s, 0, 60, all(2), kNone, {}, "Time a cell must stay below cell_uvp before discharging stops"},
  {Param::soc_100_voltage, "soc_100_voltage", Unit::mV, 1000, 5000, {4150, 3450, 2650}, kCellVoltage, {30, 4, -1, 0x07, 0x07}, "SOC is set to 100 % when the highest cell reaches it while charging ends"},
  {Param::soc_0_voltage, "soc_0_voltage", Unit::mV, 1000, 5000, {3000, 2800, 1900}, kCellVoltage, {34, 4, -1, 0x08, 0x08}, "SOC is set to 0 % when the lowest cell falls to it"},
  {Param::request_charge_voltage, "request_charge_voltage", Unit::mV, 1000, 5000, {4150, 3450, 2650}, kCellVoltage, {38, 4, -1, 0x09, 0x09}, "Cell voltage the inverter is asked to charge to (bulk/absorption)"},
  {Param::request_float_voltage, "request_float_voltage", Unit::mV, 1000, 5000, {4050, 3350, 2550}, kCellVoltage, {42, 4, -1, 0x0A, 0x0A}, "Cell voltage the inverter is asked to hold in float"},
  {Param::smart_sleep_voltage, "smart_sleep_voltage", Unit::mV, 1000, 5000, {3700, 3300, 2300}, kCellVoltage, {6, 4, -1, 0x01, 0x01}, "Smart sleep is allowed only while the highest cell is below it"},
  // Pack voltage (defaults per cell, multiplied by cell_count by the preset).
  {Param::pack_ovp, "pack_ovp", Unit::mV, 1000, 160000, {4250, 3650, 2750}, kPerCell, {}, "Pack over-voltage protection"},
  {Param::pack_ovpr, "pack_ovpr", Unit::mV, 1000, 160000, {4100, 3400, 2400}, kPerCell, {}, "Pack over-voltage recovery"},
  {Param::pack_uvp, "pack_uvp", Unit::mV, 1000, 160000, {2850, 2550, 1750}, kPerCell, {}, "Pack under-voltage protection"},
  {Param::pack_uvpr, "pack_uvpr", Unit::mV, 1000, 160000, {3200, 3000, 2000}, kPerCell, {}, "Pack under-voltage recovery"},
  // Balancing.
  {Param::balance_trigger_delta, "balance_trigger_delta", Unit::mV, 1, 1000, all(10), kNone, {26, 4, -1, 0x06, 0x06}, "Balancing starts when the cell spread exceeds it and stops below it"},
  {Param::start_balance_voltage, "start_balance_voltage", Unit::mV, 1000, 5000, {3800, 3300, 2300}, kCellVoltage, {138, 4, -1, 0x26, 0x22}, "Balancing runs only while the highest cell is above it"},
  {Param::max_balance_current, "max_balance_current", Unit::mA, 0, 2000, all(2000), kModelBalanceCurrent, {78, 4, -1, 0x13, 0x13}, "Largest balance current (keep it at or below 0.1 C)"},
  {Param::balance_mode, "balance_mode", Unit::choice, 0, 1, all(0), kNone, {}, "0 = as JK (balance at any pack current), 1 = only while |pack current| <= balance_window_current"},
  {Param::balance_window_current, "balance_window_current", Unit::mA, 0, 1000000, all(5000), kNone, {}, "Pack current window for balance_mode 1"},
  // Currents. Examples in the manual: 10 A / 10 s / 50 s (charge), 100 A / 10 s / 50 s (discharge).
  {Param::charge_ocp_current, "charge_ocp_current", Unit::mA, 1000, 1000000, all(100000), kModelChargeCurrent, {50, 4, -1, 0x0C, 0x0C}, "Charge over-current protection threshold (max charge current)"},
  {Param::charge_ocp_delay, "charge_ocp_delay", Unit::s, 1, 300, all(30), kNone, {54, 4, -1, 0x0D, 0x0D}, "Time above charge_ocp_current before charging stops"},
  {Param::charge_ocp_release, "charge_ocp_release", Unit::s, 2, 120, all(60), kNone, {58, 4, -1, 0x0E, 0x0E}, "Charging resumes this long after a charge over-current trip"},
  {Param::discharge_ocp_current, "discharge_ocp_current", Unit::mA, 1000, 1000000, all(100000), kModelDischargeCurrent, {62, 4, -1, 0x0F, 0x0F}, "Discharge over-current protection threshold (max discharge current)"},
  {Param::discharge_ocp_delay, "discharge_ocp_delay", Unit::s, 1, 300, all(30), kNone, {66, 4, -1, 0x10, 0x10}, "Time above discharge_ocp_current before discharging stops"},
  {Param::discharge_ocp_release, "discharge_ocp_release", Unit::s, 2, 120, all(60), kNone, {70, 4, -1, 0x11, 0x11}, "Discharging resumes this long after a discharge over-current trip"},
  {Param::discharge_ocp2_current, "discharge_ocp2_current", Unit::mA, 1000, 2000000, all(150000), kModelPeakCurrent, {}, "Discharge over-current stage II threshold"},
  {Param::discharge_ocp2_delay, "discharge_ocp2_delay", Unit::ms, 10, 60000, all(1000), kNone, {}, "Time above stage II before discharging stops"},
  {Param::discharge_ocp3_current, "discharge_ocp3_current", Unit::mA, 1000, 2000000, all(200000), kModelPeakCurrent, {}, "Discharge over-current stage III threshold"},
  {Param::discharge_ocp3_delay, "discharge_ocp3_delay", Unit::ms, 10, 60000, all(100), kNone, {}, "Time above stage III before discharging stops"},
  {Param::discharge_ocp2_enabled, "discharge_ocp2_enabled", Unit::flag, 0, 1, all(1), kNone, {282, 2, 12, 0, 0x33}, "Discharge over-current stage II on"},
  {Param::discharge_ocp3_enabled, "discharge_ocp3_enabled", Unit::flag, 0, 1, all(1), kNone, {282, 2, 13, 0, 0x34}, "Discharge over-current stage III on"},
  {Param::scp_delay, "scp_delay", Unit::us, 0, 10000, all(1500), kNone, {134, 4, -1, 0x25, 0x21}, "Short-circuit detection delay"},
  {Param::scp_release, "scp_release", Unit::s, 2, 120, all(60), kNone, {74, 4, -1, 0x12, 0x12}, "Discharging resumes this long after a short circuit"},
  // Temperatures, 0.1 °C. Presets: manual appendix rows 12-19, except MOS OTPR: the manual's
  // 5.3 s ([M-B2A]) gives 65 °C as the unchangeable factory value where its appendix says
  // 70 °C; softbms takes 65 °C, the longer cool-down (docs/protections.md, "Manual says /
  // softbms does").
  {Param::charge_otp, "charge_otp", Unit::deci_celsius, -400, 1000, all(600), kNone, {82, 4, -1, 0x14, 0x14}, "Charge over-temperature protection"},
  {Param::charge_otpr, "charge_otpr", Unit::deci_celsius, -400, 1000, all(550), kNone, {86, 4, -1, 0x15, 0x15}, "Charge over-temperature recovery"},
  {Param::charge_utp, "charge_utp", Unit::deci_celsius, -400, 1000, all(-200), kNone, {98, 4, -1, 0x18, 0x18}, "Charge under-temperature protection"},
  {Param::charge_utpr, "charge_utpr", Unit::deci_celsius, -400, 1000, all(-100), kNone, {102, 4, -1, 0x19, 0x19}, "Charge under-temperature recovery"},
  {Param::discharge_otp, "discharge_otp", Unit::deci_celsius, -400, 1000, all(600), kNone, {90, 4, -1, 0x16, 0x16}, "Discharge over-temperature protection"},
  {Param::discharge_otpr, "discharge_otpr", Unit::deci_celsius, -400, 1000, all(550), kNone, {94, 4, -1, 0x17, 0x17}, "Discharge over-temperature recovery"},
  {Param::discharge_utp, "discharge_utp", Unit::deci_celsius, -400, 1000, all(-200), kNone, {296, 1, -1, 0, 0x3A, 10}, "Discharge under-temperature protection"},
  {Param::discharge_utpr, "discharge_utpr", Unit::deci_celsius, -400, 1000, all(-100), kNone, {297, 1, -1, 0, 0x3B, 10}, "Discharge under-temperature recovery"},
  {Param::mos_otp, "mos_otp", Unit::deci_celsius, -400, 1200, all(750), kFactoryFixed, {106, 4, -1, 0x1A, 0x1A}, "MOSFET over-temperature protection (both FETs off); a factory value"},
  {Param::mos_otpr, "mos_otpr", Unit::deci_celsius, -400, 1200, all(650), kFactoryFixed, {110, 4, -1, 0x1B, 0x1B}, "MOSFET over-temperature recovery; a factory value"},
  {Param::temp_protection_delay, "temp_protection_delay", Unit::s, 0, 60, all(2), kNone, {}, "Time a temperature must stay beyond its limit before the protection trips"},
  {Param::heating_start_temp, "heating_start_temp", Unit::deci_celsius, -400, 500, all(0), kNone, {284, 1, -1, 0, 0x37, 10}, "Heater turns on below it when charging is wanted"},
  {Param::heating_stop_temp, "heating_stop_temp", Unit::deci_celsius, -400, 500, all(50), kNone, {285, 1, -1, 0, 0x38, 10}, "Heater turns off above it"},
  // Pack.
  {Param::cell_count, "cell_count", Unit::count, 1, 32, all(16), kKeepOnPreset, {114, 4, -1, 0x1C, 0x1C}, "Number of series cells (must match the wiring)"},
  {Param::design_capacity, "design_capacity", Unit::mAh, 1000, 2000000, all(280000), kKeepOnPreset, {130, 4, -1, 0x20, 0x20}, "Design capacity of the pack"},
  {Param::wire_resistance_alarm, "wire_resistance_alarm", Unit::mohm, 10, 1000, all(150), kNone, {}, "A balance wire above it raises the wire-resistance alarm and blocks balancing"},
  {Param::precharge_time, "precharge_time", Unit::s, 0, 60, all(0), kNone, {274, 4, -1, 0, 0x25}, "Before the discharge FET closes, the precharge resistor charges the load's input capacitors this long (0 = closes at once)"},
  // Switches and functions.
  {Param::charge_enabled, "charge_enabled", Unit::flag, 0, 1, all(1), kSwitch | kKeepOnPreset, {118, 4, -1, 0x1D, 0x1D}, "Charge switch"},
  {Param::discharge_enabled, "discharge_enabled", Unit::flag, 0, 1, all(1), kSwitch | kKeepOnPreset, {122, 4, -1, 0x1E, 0x1E}, "Discharge switch"},
  {Param::balance_enabled, "balance_enabled", Unit::flag, 0, 1, all(1), kSwitch | kKeepOnPreset, {126, 4, -1, 0x1F, 0x1F}, "Balance switch"},
  {Param::heating_enabled, "heating_enabled", Unit::flag, 0, 1, all(0), kSwitch, {282, 2, 0, 0, 0x27}, "Heating function"},
  {Param::smart_sleep_enabled, "smart_sleep_enabled", Unit::flag, 0, 1, all(1), kNone, {282, 2, 6, 0, 0x2D}, "Smart sleep"},
  {Param::smart_sleep_hours, "smart_sleep_hours", Unit::h, 1, 255, all(26), kNone, {286, 1, -1, 0, 0x39}, "Hours below 1 A before smart sleep"},
  {Param::disable_temp_sensors, "disable_temp_sensors", Unit::flag, 0, 1, all(0), kNone, {282, 2, 1, 0, 0x28}, "Ignore the battery temperature sensors"},
  {Param::display_always_on, "display_always_on", Unit::flag, 0, 1, all(0), kNone, {282, 2, 4, 0, 0x2B}, "Display always on: the board stays awake for its display (no smart sleep; auto shutdown still protects the cells)"},
  {Param::special_charger, "special_charger", Unit::flag, 0, 1, all(0), kFactoryFixed, {282, 2, 5, 0, 0}, "JK's special-charger bit: no function on softbms's boards, fixed off (docs/protections.md)"},
  {Param::disable_pcl, "disable_pcl", Unit::flag, 0, 1, all(0), kFactoryFixed, {282, 2, 7, 0, 0x2E}, "JK's disable-PCL-module bit: softbms's boards have no PCL module, fixed off (docs/protections.md)"},
  {Param::float_mode, "float_mode", Unit::flag, 0, 1, all(1), kNone, {282, 2, 9, 0, 0x30}, "Charge float mode (bulk, absorption, float)"},
  {Param::dry_contact_intermittent, "dry_contact_intermittent", Unit::flag, 0, 1, all(0), kNone, {282, 2, 11, 0, 0x32}, "Dry contacts pulse instead of holding"},
  {Param::emergency_minutes, "emergency_minutes", Unit::min, 1, 255, all(30), kNone, {}, "How long the emergency switch keeps both FETs on"},
  {Param::rcv_time, "rcv_time", Unit::deci_hour, 0, 255, all(5), kNone, {}, "Absorption time at the request-charge voltage"},
  {Param::rfv_time, "rfv_time", Unit::deci_hour, 0, 255, all(0), kNone, {}, "Float time at the request-float voltage (0 = unlimited)"},
  {Param::rebulk_soc, "rebulk_soc", Unit::percent, 0, 100, all(90), kNone, {}, "Back to bulk charging below this SOC"},
  {Param::device_address, "device_address", Unit::count, 0, 15, all(1), kKeepOnPreset | kSetByItsCommand, {270, 4, -1, 0, 0}, "RS485 address (DIP switches; 0 = master)"},
  {Param::buzzer_alarm_mask, "buzzer_alarm_mask", Unit::count, 0, kNoLimit, all(0x0003F9F2), kNone, {}, "Alarm bits that sound the buzzer"},
  {Param::dry1_alarm_mask, "dry1_alarm_mask", Unit::count, 0, kNoLimit, all(0x00001800), kNone, {}, "Alarm bits that close dry contact 1"},
  {Param::dry2_alarm_mask, "dry2_alarm_mask", Unit::count, 0, kNoLimit, all(0x0043F9FF), kNone, {}, "Alarm bits that close dry contact 2"},
  // Calibration factors (1 000 000 ppm = factor 1.0), set by calibrate commands.
  {Param::voltage_calibration, "voltage_calibration", Unit::ppm, 800000, 1200000, all(1000000), kKeepOnPreset | kSetByItsCommand, {}, "Cell voltage gain; set by entering a measured pack voltage"},
  {Param::current_calibration, "current_calibration", Unit::ppm, 500000, 1500000, all(1000000), kKeepOnPreset | kSetByItsCommand, {}, "Current gain; set by entering a measured current"},
  // Estimation (docs/estimation.md).
  {Param::soc_method, "soc_method", Unit::choice, 0, 1, all(0), kNone, {}, "SOC shown everywhere: 0 = coulomb counter with JK's voltage resets, 1 = model-based estimator"},
}};
// clang-format on

constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < kParams.size(); ++i) {
    if (static_cast<std::size_t>(kParams[i].id) != i) return false;
  }
  return true;
}
static_assert(table_in_enum_order(), "kParams rows must follow the Param enum order");

constexpr const ParamInfo& info(Param p) { return kParams[static_cast<std::size_t>(p)]; }
std::optional<Param> param_from_name(std::string_view name);

}  // namespace softbms::core
