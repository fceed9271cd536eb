#include "host/web/owner_bodies.hpp"

#include <cmath>
#include <string_view>

namespace softbms::host::web {

using nlohmann::json;

namespace {

// A meter reading far outside what any JK board measures is a typing error, not a calibration.
constexpr double kMaxVoltageV = 1000.0;
constexpr double kMaxCurrentA = 2000.0;

constexpr std::string_view kSecretFields[] = {"password", "old", "new"};

// A number field in [lo, hi], or an error naming it.
Parsed<double> need_number(const json& body, std::string_view name, double lo, double hi,
                           std::string_view words) {
  const auto it = body.find(name);
  if (it == body.end() || !it->is_number())
    return RequestError{std::string(name), std::string(name) + ": expected " + std::string(words)};
  const double v = it->get<double>();
  if (!std::isfinite(v) || v < lo || v > hi)
    return RequestError{std::string(name), std::string(name) + ": expected " + std::string(words)};
  return v;
}

}  // namespace

Parsed<CalibrateBody> parse_calibrate(const json& body) {
  const bool voltage = body.contains("voltage_v");
  const bool current = body.contains("current_a");
  if (voltage == current) {
    return RequestError{"",
                        "give exactly one of voltage_v (the pack voltage a meter shows, V) and "
                        "current_a (the current a clamp meter shows, A, + = charge)"};
  }
  if (voltage) {
    const auto v = need_number(body, "voltage_v", 0.001, kMaxVoltageV,
                               "the measured pack voltage in V, above 0");
    if (const auto* e = failed(v)) return *e;
    return CalibrateBody{core::CommandKind::calibrate_voltage,
                         static_cast<int32_t>(std::lround(std::get<double>(v) * 1000.0))};
  }
  const auto a = need_number(body, "current_a", -kMaxCurrentA, kMaxCurrentA,
                             "the measured current in A (+ = charge), within +-2000");
  if (const auto* e = failed(a)) return *e;
  return CalibrateBody{core::CommandKind::calibrate_current,
                       static_cast<int32_t>(std::lround(std::get<double>(a) * 1000.0))};
}

Parsed<bool> parse_reset_counters(const json& body) {
  const auto confirm = need_bool(body, "confirm");
  if (failed(confirm) != nullptr || !std::get<bool>(confirm))
    return RequestError{"confirm", "confirm: resetting the counters needs \"confirm\": true"};
  return true;
}

Parsed<DeviceNameBody> parse_device_name(const json& body) {
  const auto name = need_string(body, "name");
  if (const auto* e = failed(name)) return *e;
  return DeviceNameBody{std::get<std::string>(name)};
}

Parsed<PasswordBody> parse_password(const json& body) {
  const auto which = need_string(body, "which");
  if (const auto* e = failed(which)) return *e;
  const std::string& w = std::get<std::string>(which);
  if (w != "settings" && w != "connection")
    return RequestError{"which", "which: settings or connection"};
  const auto old_pw = need_string(body, "old");
  if (const auto* e = failed(old_pw)) return *e;
  const auto new_pw = need_string(body, "new");
  if (const auto* e = failed(new_pw)) return *e;
  return PasswordBody{
      w == "settings" ? core::PasswordKind::settings : core::PasswordKind::connection,
      std::get<std::string>(old_pw), std::get<std::string>(new_pw)};
}

json redact_secrets(const json& body) {
  json out = body;
  if (!out.is_object()) return out;
  for (const std::string_view f : kSecretFields) {
    const auto it = out.find(f);
    if (it != out.end()) *it = "***";
  }
  return out;
}

}  // namespace softbms::host::web
