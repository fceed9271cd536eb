// Requests to the core. Endpoints decode a request with a protocol codec and turn it into a
// Command with the caller's origin and authority; the core never knows who asked otherwise.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/io/device_info.hpp"
#include "core/io/fixed_string.hpp"
#include "core/settings/change.hpp"
#include "core/settings/param.hpp"

namespace softbms::core {

// Who made a change (kept in the event log).
enum class Origin : uint8_t { internal, button, app, rs485, can, web, mqtt, cli, sim, count_ };
inline constexpr std::string_view kOriginNames[] = {"internal", "button", "app", "rs485", "can",
                                                    "web",      "mqtt",   "cli", "sim"};

// What the caller may do: granted by the endpoint's write policy and, for settings, by the
// settings password.
enum class Authority : uint8_t { read_only, switches, settings };

enum class CommandKind : uint8_t {
  set_param,          // param = value (switches are parameters with the kSwitch flag)
  emergency,          // value 1 = start, 0 = stop
  factory_reset,      // chemistry preset, keeps cell count, capacity and calibration
  load_preset,        // chemistry preset only (JK's Li-ion / LiFePO4 / LTO buttons)
  calibrate_voltage,  // value = the pack voltage the user measured, mV
  calibrate_current,  // value = the current the user measured, mA (+ = charge)
  set_device_field,   // field = text
  change_password,    // which = connection (0) or settings (1); old_text -> text
  set_clock,          // value = seconds since 2020-01-01 (JK's RTC epoch)
  shutdown,
  wake,
  reset_counters,     // cycles, energy, learned capacity back to design
};

enum class PasswordKind : uint8_t { connection, settings };

struct Command {
  CommandKind kind = CommandKind::set_param;
  Origin origin = Origin::internal;
  Authority authority = Authority::read_only;
  Param param = Param::cell_ovp;
  int32_t value = 0;
  Chemistry chemistry = Chemistry::lfp;
  DeviceField field = DeviceField::device_name;
  PasswordKind password = PasswordKind::settings;
  FixedString<16> text;
  FixedString<16> old_text;
};

// A set of settings (and switch) changes from one request, applied by Bms::apply as one step:
// validated once on the final state, all or nothing. A set_param Command is a set of one.
struct SettingsChange {
  Origin origin = Origin::internal;
  Authority authority = Authority::read_only;
  ChangeList changes;
};

// One change of a set as a set_param Command with the set's origin and authority (for a log
// line per field, or a board that takes one register per request).
inline Command as_command(const SettingsChange& set, const Change& c) {
  Command one;
  one.kind = CommandKind::set_param;
  one.origin = set.origin;
  one.authority = set.authority;
  one.param = c.param;
  one.value = c.value;
  return one;
}

}  // namespace softbms::core
