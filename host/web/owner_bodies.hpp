// The JSON bodies of what a JK owner does in the app (issue 11): calibrate, reset the counters,
// name the board, change a password (docs/web.md, "The owner's commands"). Values are in the
// units people read off a meter (V, A) and become the core's integer units here. Each parser
// names the first field that is missing or wrong; none throws.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/io/command.hpp"
#include "host/web/request_body.hpp"

namespace softbms::host::web {

// POST .../calibrate {"voltage_v": 53.59} or {"current_a": -20.5} (+ = charge): what a meter
// shows now. Exactly one of the two.
struct CalibrateBody {
  core::CommandKind kind;  // calibrate_voltage or calibrate_current
  int32_t value;           // mV or mA
};
Parsed<CalibrateBody> parse_calibrate(const nlohmann::json& body);

// POST .../reset-counters {"confirm": true}
Parsed<bool> parse_reset_counters(const nlohmann::json& body);

// POST .../device-name {"name": "Garage1"}: 1 to 16 English letters and digits (the core checks).
struct DeviceNameBody {
  std::string name;
};
Parsed<DeviceNameBody> parse_device_name(const nlohmann::json& body);

// POST .../password {"which": "settings"|"connection", "old": "...", "new": "..."}
struct PasswordBody {
  core::PasswordKind which;
  std::string old_password;
  std::string new_password;
};
Parsed<PasswordBody> parse_password(const nlohmann::json& body);

// The body as the write log keeps it: every password field replaced by "***".
nlohmann::json redact_secrets(const nlohmann::json& body);

}  // namespace softbms::host::web
