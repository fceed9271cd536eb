#include "core/log/event_text.hpp"

#include <array>

#include "core/io/alarm.hpp"
#include "core/io/command.hpp"
#include "core/io/device_info.hpp"
#include "core/settings/param.hpp"
#include "core/store/layout.hpp"

namespace softbms::core {
namespace {

// clang-format off
constexpr std::array<std::string_view, static_cast<std::size_t>(EventType::count_)> kEventText = {
  "Board started", "Protection tripped", "Protection released", "Switch changed",
  "Setting changed", "Emergency switch on", "Emergency switch off", "Factory reset",
  "Chemistry preset loaded", "Calibrated", "Password changed", "Wrong password",
  "Settings locked after wrong passwords", "Entered sleep", "Woke up", "Shut down",
  "Counters reset", "Capacity learned", "Device info changed",
  "Stored record lost: defaults in use",
};

constexpr std::array<std::string_view, static_cast<std::size_t>(DeviceField::count_)> kDeviceFields = {
  "device_name", "manufacturing_date", "serial_number", "user_data", "user_data2",
};
constexpr std::array<std::string_view, 2> kPasswordKinds = {"connection", "settings"};
constexpr std::array<std::string_view, 2> kCalibrations = {"voltage", "current"};
// clang-format on

// Who asked, as JK's logbook groups it.
enum class Source : uint8_t { app, remote, can, rs485, button, board, any };

Source source_of(uint8_t origin) {
  constexpr std::array<Source, static_cast<std::size_t>(Origin::count_)> kSources = {
      Source::board,   // internal
      Source::button,  // button
      Source::app,     // app (Bluetooth)
      Source::rs485,  Source::can,
      Source::remote,  // web: our own remote control, as JK's "remote" (4G/GPS module)
      Source::remote,  // mqtt
      Source::remote,  // cli
      Source::board,   // sim
  };
  return origin < kSources.size() ? kSources[origin] : Source::board;
}

constexpr int16_t kAny = -1;

struct CodeRow {
  EventType type;
  Source source;
  int16_t arg;    // kAny, or the exact arg (Param, Chemistry)
  int16_t value;  // kAny, or the exact value (switch state)
  uint8_t code;
};

constexpr auto kCharge = static_cast<int16_t>(Param::charge_enabled);
constexpr auto kDischarge = static_cast<int16_t>(Param::discharge_enabled);
constexpr auto kHeating = static_cast<int16_t>(Param::heating_enabled);

// First matching row wins, so specific rows come before catch-alls.
// clang-format off
constexpr std::array<CodeRow, 37> kCodeRows = {{
  {EventType::boot, Source::any, kAny, kAny, 0x01},
  {EventType::shutdown, Source::app, kAny, kAny, 0x2C},
  {EventType::shutdown, Source::button, kAny, kAny, 0x2D},
  {EventType::shutdown, Source::rs485, kAny, kAny, 0x2F},
  {EventType::shutdown, Source::any, kAny, kAny, 0x02},
  {EventType::sleep, Source::any, kAny, kAny, 0x38},
  {EventType::switch_changed, Source::app, kCharge, 0, 0x03},
  {EventType::switch_changed, Source::app, kCharge, 1, 0x04},
  {EventType::switch_changed, Source::app, kDischarge, 0, 0x05},
  {EventType::switch_changed, Source::app, kDischarge, 1, 0x06},
  {EventType::switch_changed, Source::remote, kCharge, 0, 0x07},
  {EventType::switch_changed, Source::remote, kCharge, 1, 0x08},
  {EventType::switch_changed, Source::remote, kDischarge, 0, 0x09},
  {EventType::switch_changed, Source::remote, kDischarge, 1, 0x0A},
  {EventType::switch_changed, Source::can, kCharge, 0, 0x30},
  {EventType::switch_changed, Source::can, kCharge, 1, 0x31},
  {EventType::switch_changed, Source::can, kDischarge, 0, 0x32},
  {EventType::switch_changed, Source::can, kDischarge, 1, 0x33},
  {EventType::switch_changed, Source::rs485, kCharge, 0, 0x34},
  {EventType::switch_changed, Source::rs485, kCharge, 1, 0x35},
  {EventType::switch_changed, Source::rs485, kDischarge, 0, 0x36},
  {EventType::switch_changed, Source::rs485, kDischarge, 1, 0x37},
  {EventType::switch_changed, Source::button, kHeating, 1, 0x3F},
  {EventType::emergency_started, Source::app, kAny, kAny, 0x29},
  {EventType::emergency_started, Source::button, kAny, kAny, 0x3D},
  {EventType::emergency_started, Source::board, kAny, kAny, 0x29},
  {EventType::emergency_started, Source::any, kAny, kAny, 0x46},
  {EventType::emergency_ended, Source::app, kAny, kAny, 0x2A},
  {EventType::emergency_ended, Source::button, kAny, kAny, 0x3E},
  {EventType::emergency_ended, Source::board, kAny, kAny, 0x2B},
  {EventType::emergency_ended, Source::any, kAny, kAny, 0x47},
  {EventType::factory_reset, Source::any, static_cast<int16_t>(Chemistry::li_ion), kAny, 0x43},
  {EventType::factory_reset, Source::any, static_cast<int16_t>(Chemistry::lfp), kAny, 0x44},
  {EventType::factory_reset, Source::any, static_cast<int16_t>(Chemistry::lto), kAny, 0x45},
  {EventType::preset_loaded, Source::any, static_cast<int16_t>(Chemistry::li_ion), kAny, 0x43},
  {EventType::preset_loaded, Source::any, static_cast<int16_t>(Chemistry::lfp), kAny, 0x44},
  {EventType::preset_loaded, Source::any, static_cast<int16_t>(Chemistry::lto), kAny, 0x45},
}};

// Protection trip and release codes per alarm bit (0 = JK logs none).
struct AlarmCodes {
  AlarmBit bit;
  uint8_t trip;
  uint8_t release;
};
constexpr std::array<AlarmCodes, 22> kAlarmCodes = {{
  {AlarmBit::mos_otp, 0x0B, 0x0C},
  {AlarmBit::current_sensor, 0x0D, 0x0E},
  {AlarmBit::internal_comm, 0x0F, 0x10},
  {AlarmBit::cell_ovp, 0x11, 0x12},
  {AlarmBit::pack_ovp, 0x13, 0x14},
  {AlarmBit::charge_ocp, 0x15, 0x16},
  {AlarmBit::charge_scp, 0x17, 0x18},
  {AlarmBit::charge_otp, 0x19, 0x1A},
  {AlarmBit::charge_utp, 0x1B, 0x1C},
  {AlarmBit::cell_uvp, 0x1D, 0x1E},
  {AlarmBit::pack_uvp, 0x1F, 0x20},
  {AlarmBit::discharge_ocp, 0x21, 0x22},
  {AlarmBit::discharge_scp, 0x23, 0x24},
  {AlarmBit::discharge_otp, 0x25, 0x26},
  {AlarmBit::discharge_on_failed, 0x2E, 0},
  {AlarmBit::charge_mos_fault, 0x39, 0},
  {AlarmBit::discharge_mos_fault, 0x3A, 0},
  {AlarmBit::cell_count_mismatch, 0x3C, 0},
  {AlarmBit::discharge_ocp2, 0x40, 0},
  {AlarmBit::discharge_ocp3, 0x41, 0},
  {AlarmBit::scp_release_failed, 0x42, 0},
  {AlarmBit::discharge_utp, 0x48, 0x49},
}};

struct CodeText {
  uint8_t code;
  std::string_view text;
};
constexpr std::array<CodeText, 73> kCodeTexts = {{
  {0x01, "Boot"}, {0x02, "Shutdown"},
  {0x03, "App switched charging off"}, {0x04, "App switched charging on"},
  {0x05, "App switched discharging off"}, {0x06, "App switched discharging on"},
  {0x07, "Remote switched charging off"}, {0x08, "Remote switched charging on"},
  {0x09, "Remote switched discharging off"}, {0x0A, "Remote switched discharging on"},
  {0x0B, "MOSFET over-temperature protection"}, {0x0C, "MOSFET over-temperature released"},
  {0x0D, "Current sensor fault"}, {0x0E, "Current sensor fault cleared"},
  {0x0F, "Coprocessor communication fault"}, {0x10, "Coprocessor communication restored"},
  {0x11, "Cell over-charge protection"}, {0x12, "Cell over-charge released"},
  {0x13, "Pack over-charge protection"}, {0x14, "Pack over-charge released"},
  {0x15, "Charge over-current protection"}, {0x16, "Charge over-current released"},
  {0x17, "Charge short-circuit protection"}, {0x18, "Charge short-circuit released"},
  {0x19, "Charge over-temperature protection"}, {0x1A, "Charge over-temperature released"},
  {0x1B, "Charge low-temperature protection"}, {0x1C, "Charge low-temperature released"},
  {0x1D, "Cell under-voltage protection"}, {0x1E, "Cell under-voltage released"},
  {0x1F, "Pack under-voltage protection"}, {0x20, "Pack under-voltage released"},
  {0x21, "Discharge over-current protection"}, {0x22, "Discharge over-current released"},
  {0x23, "Discharge short-circuit protection"}, {0x24, "Discharge short-circuit released"},
  {0x25, "Discharge over-temperature protection"}, {0x26, "Discharge over-temperature released"},
  {0x27, "Watchdog reset"}, {0x28, "Discharge short-circuit protection, level 2"},
  {0x29, "Emergency mode switched on"}, {0x2A, "Emergency mode switched off"},
  {0x2B, "Emergency mode ended by its timer"},
  {0x2C, "Switched off from the app"}, {0x2D, "Switched off by the button"},
  {0x2E, "Discharge switch-on failed"}, {0x2F, "Switched off over RS485"},
  {0x30, "CAN switched charging off"}, {0x31, "CAN switched charging on"},
  {0x32, "CAN switched discharging off"}, {0x33, "CAN switched discharging on"},
  {0x34, "RS485 switched charging off"}, {0x35, "RS485 switched charging on"},
  {0x36, "RS485 switched discharging off"}, {0x37, "RS485 switched discharging on"},
  {0x38, "Entered sleep"},
  {0x39, "Charge MOSFET fault"}, {0x3A, "Discharge MOSFET fault"},
  {0x3B, "Clock set"}, {0x3C, "Cell count does not match the setting"},
  {0x3D, "Emergency switched on by the button"}, {0x3E, "Emergency switched off by the button"},
  {0x3F, "Heating forced on by the button"},
  {0x40, "Discharge over-current protection, stage II"},
  {0x41, "Discharge over-current protection, stage III"},
  {0x42, "Short-circuit release failed"},
  {0x43, "Li-ion factory settings loaded"}, {0x44, "LiFePO4 factory settings loaded"},
  {0x45, "LTO factory settings loaded"},
  {0x46, "Emergency switched on remotely"}, {0x47, "Emergency switched off remotely"},
  {0x48, "Discharge low-temperature protection"}, {0x49, "Discharge low-temperature released"},
}};
// clang-format on

constexpr uint8_t kCellOverchargeFirst = 0x64;
constexpr uint8_t kCellOverdischargeFirst = 0xC8;
constexpr uint8_t kCellCodes = 32;

bool row_matches(const CodeRow& row, const Event& e) {
  return row.type == e.type && (row.source == Source::any || row.source == source_of(e.origin)) &&
         (row.arg == kAny || row.arg == e.arg) && (row.value == kAny || row.value == e.value);
}

std::optional<uint8_t> protection_code(const Event& e) {
  for (const AlarmCodes& row : kAlarmCodes) {
    if (static_cast<uint8_t>(row.bit) != e.arg) continue;
    const uint8_t code = e.type == EventType::protection_trip ? row.trip : row.release;
    if (code != 0) return code;
  }
  return std::nullopt;
}

template <std::size_t N>
std::string_view pick(const std::array<std::string_view, N>& names, uint8_t i) {
  return i < N ? names[i] : std::string_view{};
}

}  // namespace

std::string_view event_text(EventType type) {
  return pick(kEventText, static_cast<uint8_t>(type));
}

std::string_view event_subject(const Event& e) {
  switch (e.type) {
    case EventType::protection_trip:
    case EventType::protection_release:
      return e.arg < kAlarms.size() ? kAlarms[e.arg].words : std::string_view{};
    case EventType::switch_changed:
    case EventType::setting_changed:
      return e.arg < kParamCount ? kParams[e.arg].name : std::string_view{};
    case EventType::factory_reset:
    case EventType::preset_loaded:
      return pick(kChemistryNames, e.arg);
    case EventType::password_changed:
      return pick(kPasswordKinds, e.arg);
    case EventType::calibrated:
      return pick(kCalibrations, e.arg);
    case EventType::device_field_changed:
      return pick(kDeviceFields, e.arg);
    case EventType::store_damaged:
      return e.arg < kRecords.size() ? kRecords[e.arg].name : std::string_view{};
    default:
      return {};
  }
}

std::string_view origin_text(const Event& e) {
  return e.origin < static_cast<uint8_t>(Origin::count_) ? kOriginNames[e.origin]
                                                         : std::string_view{};
}

std::optional<uint8_t> jk_logbook_code(const Event& e) {
  if (e.type == EventType::protection_trip || e.type == EventType::protection_release) {
    return protection_code(e);
  }
  for (const CodeRow& row : kCodeRows) {
    if (row_matches(row, e)) return row.code;
  }
  return std::nullopt;
}

std::string_view jk_logbook_text(uint8_t code) {
  if (jk_logbook_cell(code)) {
    return code < kCellOverdischargeFirst ? "Cell over-charge protection"
                                          : "Cell over-discharge protection";
  }
  for (const CodeText& row : kCodeTexts) {
    if (row.code == code) return row.text;
  }
  return {};
}

// The origin a JK source stands for when a board's logbook is read back.
Origin origin_of(Source s) {
  constexpr std::array<Origin, 7> kOrigins = {Origin::app,     Origin::web,    Origin::can,
                                              Origin::rs485,   Origin::button, Origin::internal,
                                              Origin::internal};
  return kOrigins[static_cast<std::size_t>(s)];
}

std::optional<Event> jk_logbook_event(uint8_t code, uint32_t time_s) {
  if (const auto cell = jk_logbook_cell(code)) {
    const AlarmBit bit = code < kCellOverdischargeFirst ? AlarmBit::cell_ovp : AlarmBit::cell_uvp;
    return Event{time_s, EventType::protection_trip, static_cast<uint8_t>(bit), 0, *cell - 1};
  }
  for (const AlarmCodes& row : kAlarmCodes) {
    if (code != 0 && (row.trip == code || row.release == code)) {
      const EventType type =
          row.trip == code ? EventType::protection_trip : EventType::protection_release;
      return Event{time_s, type, static_cast<uint8_t>(row.bit), 0, 0};
    }
  }
  for (const CodeRow& row : kCodeRows) {
    if (row.code != code) continue;
    const auto field = [](int16_t v) { return v == kAny ? 0 : v; };
    return Event{time_s, row.type, static_cast<uint8_t>(field(row.arg)),
                 static_cast<uint8_t>(origin_of(row.source)), field(row.value)};
  }
  return std::nullopt;
}

std::optional<uint8_t> jk_logbook_cell(uint8_t code) {
  for (uint8_t first : {kCellOverchargeFirst, kCellOverdischargeFirst}) {
    if (code >= first && code < first + kCellCodes) return static_cast<uint8_t>(code - first + 1);
  }
  return std::nullopt;
}

}  // namespace softbms::core
