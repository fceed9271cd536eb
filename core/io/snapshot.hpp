// Everything the outside world may know after a tick: what protocols encode, what the web,
// MQTT and metrics show. It never carries a password.
#pragma once

#include <array>
#include <cstdint>

#include "core/base/units.hpp"
#include "core/io/measurements.hpp"
#include "core/io/outputs.hpp"

namespace softbms::core {

enum class BalanceState : uint8_t { off = 0, charging_cell = 1, discharging_cell = 2 };  // JK BalanSta
enum class ChargeStage : uint8_t { bulk = 0, absorption = 1, floating = 2 };           // JK charge status
enum class PowerState : uint8_t { on, sleeping, shut_down };

// Release countdowns JK reports (cell-info 202..213): dch-OCP, dch-SCP, chg-OCP, chg-SCP, UVP, OVP.
enum class ReleaseTimer : uint8_t { discharge_ocp, discharge_scp, charge_ocp, charge_scp, uvp, ovp, count_ };

struct Snapshot {
  Milliseconds uptime{};
  uint32_t rtc_s = 0;  // seconds since 2020-01-01 (JK's RTC epoch)

  // Cells (calibrated).
  uint8_t cell_count = 0;  // cells present
  uint32_t cell_present_mask = 0;
  std::array<Millivolts, kMaxCells> cell{};
  Millivolts cell_avg{};
  Millivolts cell_delta{};
  Millivolts cell_max{};
  Millivolts cell_min{};
  uint8_t cell_max_index = 0;  // 0-based
  uint8_t cell_min_index = 0;
  std::array<Milliohms, kMaxCells> wire_resistance{};
  uint32_t wire_alarm_mask = 0;

  // Pack.
  Millivolts pack_voltage{};
  Milliamps current{};  // + = charge
  Milliwatts power{};   // signed, + = charge

  // Temperatures: index 0 = MOS, 1..5 = T1..T5. Absent sensors have their bit clear.
  std::array<DeciCelsius, kMaxTempSensors> temp{};
  uint8_t temp_present_mask = 0;  // bit0 MOS, bit1..5 T1..T5 (JK: 1 = present)

  // Protection.
  uint32_t alarms = 0;  // JK alarm bits (alarm.hpp)
  std::array<uint16_t, static_cast<std::size_t>(ReleaseTimer::count_)> release_timer_s{};

  // Outputs as decided.
  bool charge_fet = false;
  bool discharge_fet = false;
  bool precharge = false;
  bool heater = false;
  Milliamps heater_current{};
  bool buzzer = false;
  bool dry_contact1 = false;
  bool dry_contact2 = false;

  // Balancer.
  BalanceState balance_state = BalanceState::off;
  Milliamps balance_current{};  // JK sign: - while discharging the high cell
  uint8_t balance_source = kNoCell;
  uint8_t balance_sink = kNoCell;

  // Estimation and counters.
  uint8_t soc_percent = 0;
  int32_t soc_permille = 0;  // finer SOC for plots and the simulator
  MilliampHours remaining{};
  MilliampHours full_capacity{};
  MilliampHours design_capacity{};
  uint32_t cycles = 0;
  MilliampHours cycle_capacity{};  // cumulative discharged charge
  uint8_t soh_percent = 100;
  Seconds runtime{};               // total since first power-on
  uint32_t power_on_count = 0;
  MilliwattHours charged_energy{};
  MilliwattHours discharged_energy{};
  bool capacity_learning = false;  // a full discharge was seen; a full charge will teach capacity
  // Both SOC estimates (the soc_method setting chooses which one soc_percent shows) and what the
  // model-based one learned (docs/estimation.md).
  uint8_t soc_method = 0;            // 0 = coulomb counter, 1 = model
  int32_t soc_coulomb_permille = 0;
  int32_t soc_model_permille = 0;
  Microohms model_r0{};              // learned series resistance per cell (mean, at 25 °C)
  Milliamps model_current_offset{};  // learned current-sensor offset (measured - true)
  MilliampHours model_capacity{};    // learned usable capacity of the pack
  uint16_t model_soh_permille = 1000;  // learned capacity of the weakest cell / design
  uint16_t soc_model_sigma_permille = 0;  // the model's doubt (1 sigma) about soc_model_permille

  // Functions.
  PowerState power_state = PowerState::on;
  Seconds sleep_countdown{};       // time until smart sleep
  Seconds emergency_remaining{};   // > 0 while the emergency switch is on
  bool charger_present = false;
  ChargeStage charge_stage = ChargeStage::bulk;
  Seconds charge_stage_elapsed{};
  // What the inverter is told (core/charge): limits after slew, and the request flags.
  Millivolts charge_voltage_limit{};
  Milliamps charge_current_limit{};
  Milliamps discharge_current_limit{};
  Millivolts discharge_voltage_limit{};
  bool request_charge = false;
  bool request_discharge = false;
  bool request_force_charge = false;
  bool request_full_charge = false;

  // Calibration factors in use (ppm).
  int32_t voltage_calibration_ppm = 1'000'000;
  int32_t current_calibration_ppm = 1'000'000;

  // Bad input seen (commands rejected), for diagnostics.
  uint32_t rejected_commands = 0;
  // One bit per store RecordId (1 << id) whose stored copies were unreadable at boot: the board
  // runs on defaults for it. Cleared only by a restart with a readable store.
  uint8_t store_damage = 0;
};

}  // namespace softbms::core
