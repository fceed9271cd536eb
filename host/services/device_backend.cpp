#include "host/services/device_backend.hpp"

namespace softbms::host::services {

Status DeviceBackend::apply(const core::Command& command) {
  const Status st = device_.bms().apply(command, device_.core_now());
  // The same path an endpoint write takes: settings and passwords reach the disk at once.
  device_.after_request();
  return st;
}

Status DeviceBackend::check_settings_password(std::string_view password) {
  return device_.bms().check_password(core::PasswordKind::settings, password, device_.core_now());
}

bool DeviceBackend::settings_password_is_default() {
  return device_.bms().passwords().is_default(core::PasswordKind::settings);
}

std::vector<core::Event> DeviceBackend::events() {
  std::vector<core::Event> out;
  for (const core::Event& e : device_.bms().events()) out.push_back(e);
  return out;
}

}  // namespace softbms::host::services
