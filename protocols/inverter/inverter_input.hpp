// What an inverter codec encodes from: the Snapshot, the charge-control result, the settings
// and who the battery says it is.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/charge/charge_types.hpp"
#include "core/io/snapshot.hpp"
#include "core/settings/settings.hpp"

namespace softbms::protocols::inverter {

struct BatteryIdentity {
  std::string_view manufacturer;        // CAN 0x35E; empty = the protocol's default name
  std::string_view product = "JK-PB";   // Victron 0x382, RS485 0x51 battery name
  std::string_view company = "JK BMS";  // RS485 0x51 manufacturer name
  std::string_view serial;              // RS485 0x93 (empty: none)
  uint8_t module_count = 1;             // packs in parallel behind this master
  uint8_t fw_major = 1;                 // CAN 0x35F, RS485 0x51/0x96
  uint8_t fw_minor = 0;
  uint16_t hw_version = 0;    // CAN 0x35F bytes 6-7
  uint8_t rs485_address = 2;  // Pylon RS485 ADR: 2 = single-group master
  // A parallel bank's own counts for Victron 0x372. Without them (one pack) a module blocks a
  // direction exactly when the announced enable flag for it is off, and none is offline.
  bool bank_counts = false;
  uint8_t modules_blocking_charge = 0;
  uint8_t modules_blocking_discharge = 0;
  uint8_t modules_offline = 0;
};

struct InverterInput {
  const core::Snapshot& snapshot;
  const core::ChargeResult& charge;
  const core::Settings& settings;
  const BatteryIdentity& identity;
};

}  // namespace softbms::protocols::inverter
