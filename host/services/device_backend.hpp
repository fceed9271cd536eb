// The virtual device of `softbms run` as a PackBackend: commands go through core::Bms::apply
// (so the event log records web or mqtt as the origin) and are saved like an endpoint's.
#pragma once

#include <string>

#include "host/device/virtual_device.hpp"
#include "host/services/pack_backend.hpp"

namespace softbms::host::services {

class DeviceBackend final : public PackBackend {
 public:
  DeviceBackend(VirtualDevice& device, web::PackInfo info)
      : device_(device), info_(std::move(info)) {}

  [[nodiscard]] web::PackInfo info() const override { return info_; }
  core::Snapshot snapshot() override { return device_.bms().snapshot(); }
  core::Settings settings() override { return device_.bms().settings(); }
  core::DeviceInfo device() override { return device_.bms().device(); }
  Status apply(const core::Command& command) override;
  Status apply(const core::SettingsChange& change) override;
  Status check_settings_password(std::string_view password) override;
  bool settings_password_is_default() override;
  std::vector<core::Event> events() override;

 private:
  VirtualDevice& device_;
  web::PackInfo info_;
};

}  // namespace softbms::host::services
