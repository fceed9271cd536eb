// The CAN protocols towards inverters, selected by JK's CAN protocol number (BLE register 0xA6,
// device-info frame offset 185), and what each one sends how often. Dialect differences are data
// here, not branches in the encoders. See docs/inverters.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/base/units.hpp"

namespace softbms::protocols::inverter {

// JK's numbering (ESPHome select list); 64 and up are softbms additions JK does not number.
enum class CanProtocol : uint8_t {
  jk_can_250k = 0,
  deye = 1,
  pylon = 2,  // PYLON low voltage V1.2
  growatt = 3,
  victron = 4,
  megarevo = 5,
  jk_can_500k = 6,
  invt = 7,
  goodwe = 8,
  sma = 9,  // SMA Sunny Island (FSS-ConnectingBat-TI-en-10)
  must = 10,
  luxpower = 11,
  user1 = 12,
  user2 = 13,
  pylon_v13 = 64,  // newer US5000 firmware: 0x35A and 0x35F instead of 0x359 and 0x35C
  byd_lv = 65,     // BYD Battery-Box Premium LVS: the Victron set named "BYD"
};

enum class FrameKind : uint8_t {
  limits_351,
  soc_355,
  measures_356,
  protection_359,
  request_35c,
  name_35e,
  alarms_35a,
  events_35b,
  info_35f,
  modules_372,
  cell_extremes_373,
  min_cell_id_374,
  max_cell_id_375,
  min_temp_id_376,
  max_temp_id_377,
  energy_378,
  capacity_379,
  product_382,
  count_
};
inline constexpr std::size_t kFrameKinds = static_cast<std::size_t>(FrameKind::count_);
uint32_t frame_id(FrameKind kind);

// Where sources disagree (docs/references.md), the choice is an option.
enum class SystemErrorBit : uint8_t { byte1_bit3, byte1_bit7 };  // 0x359: spec / ArminJo+BE
enum class TemperatureSource : uint8_t { average, highest };     // 0x356: spec / ArminJo

struct CanOptions {
  SystemErrorBit system_error_bit = SystemErrorBit::byte1_bit3;
  TemperatureSource temperature = TemperatureSource::average;
  bool send_dvl =
      true;  // 0x351 bytes 6-7: not in Pylon V1.2, sent by real US2000/US5000, SMA needs it
};

// How 0x35A marks a message that is not active: Victron/SMA/BYD send "leave" (0b10), newer
// Pylons send 0b00.
enum class AlarmIdle : uint8_t { leave_bits, zero };

struct ScheduleEntry {
  FrameKind kind;
  uint16_t period_ms;
};

struct Dialect {
  CanProtocol protocol;
  std::string_view title;         // as JK names it
  std::string_view default_name;  // 0x35E
  char name_pad;                  // ' ' (Pylon) or '\0' (BYD, Victron)
  uint8_t dlc_355;                // 4 (V1.2), 6 (with HiResSOC), 8
  bool hires_soc;                 // 0x355 bytes 4-5 = SOC in 0.01 % (SMA); others send 0 there
  uint8_t dlc_356;                // 6 or 8
  uint8_t dlc_359;                // 7 or 8
  AlarmIdle alarm_idle;
  bool info_capacity_remaining;  // 0x35F bytes 4-5: remaining Ah (Victron/BYD) or full Ah (SMA)
  bool luxpower_extras;  // cell/temperature extremes, capacity and cycles in 355/356/359/35C
  bool cvl_to_pack_when_charge_off;  // Deye: CVL = pack voltage with CCL 0 (avoids its W31)
  std::span<const ScheduleEntry> schedule;
};

// nullptr / nullopt for the numbers JK lists that softbms does not speak (JK's own CAN
// protocol, Growatt, Megarevo, INVT, MUST, user-defined).
const Dialect* dialect(CanProtocol p);
std::optional<CanProtocol> can_protocol_from_number(uint8_t number);
std::span<const Dialect> dialects();

}  // namespace softbms::protocols::inverter
