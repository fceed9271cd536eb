// One pack as the services (web, MQTT, metrics, history) see it: the virtual device of
// `softbms run` or a real board polled by `softbms monitor`. Every call runs on the event-loop
// thread (LoopPack marshals the web and MQTT threads onto it), so a backend needs no lock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.hpp"
#include "core/io/command.hpp"
#include "core/io/device_info.hpp"
#include "core/io/event.hpp"
#include "core/io/snapshot.hpp"
#include "core/settings/settings.hpp"
#include "host/web/pack_access.hpp"

namespace softbms::host::services {

class PackBackend {
 public:
  virtual ~PackBackend() = default;

  [[nodiscard]] virtual web::PackInfo info() const = 0;
  virtual core::Snapshot snapshot() = 0;
  virtual core::Settings settings() = 0;
  virtual core::DeviceInfo device() = 0;
  // A command with the caller's origin and authority; the result says why a refusal happened.
  virtual Status apply(const core::Command& command) = 0;
  // A set of settings changes as one step (core::Bms::apply(SettingsChange)); durable before
  // it returns ok, like a command.
  virtual Status apply(const core::SettingsChange& change) = 0;
  virtual Status check_settings_password(std::string_view password) = 0;
  virtual bool settings_password_is_default() = 0;
  // Oldest first.
  virtual std::vector<core::Event> events() = 0;
  // False while the values are stale (a board that stopped answering).
  virtual bool up() { return true; }
  // How old the values are and since when the board is offline (web::LinkState).
  virtual web::LinkState link() { return {}; }
};

}  // namespace softbms::host::services
