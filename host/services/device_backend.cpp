#include "host/services/device_backend.hpp"

namespace softbms::host::services {

namespace {

// The same path an endpoint write takes: what changed reaches the disk before the reply, and a
// change that could not be saved is not reported as done.
Status saved(VirtualDevice& device, Status applied) {
  const Status save = device.after_request();
  return applied.ok() ? save : applied;
}

}  // namespace

Status DeviceBackend::apply(const core::Command& command) {
  return saved(device_, device_.bms().apply(command, device_.core_now()));
}

Status DeviceBackend::apply(const core::SettingsChange& change) {
  return saved(device_, device_.bms().apply(change, device_.core_now()));
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
