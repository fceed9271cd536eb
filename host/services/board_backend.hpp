// A real JK board polled through host/client as a PackBackend, for `softbms monitor`. The
// board's status is read every poll and its settings, identity and logbook every few polls;
// reads between polls answer the last values. A write goes to the board as the CLI's `settings
// set` sends it (check, plan, send, read back). The dashboard login is checked against
// softbms's own settings password (the JK protocols carry none a client could check).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/security/passwords.hpp"
#include "host/client/client.hpp"
#include "host/services/pack_backend.hpp"

namespace softbms::host::services {

struct BoardPolling {
  int settings_every = 30;  // polls between two reads of settings, identity and logbook
};

class BoardBackend final : public PackBackend {
 public:
  using Clock = std::function<Milliseconds()>;

  BoardBackend(client::JkClient& client, web::PackInfo info, core::Passwords passwords,
               client::Overrides overrides, Clock clock, BoardPolling polling = {});

  // Reads the board: status every call, the rest when due. The first call reads everything.
  // A failed read marks the pack down (metrics say up 0; MQTT and history pause).
  Done poll();

  [[nodiscard]] web::PackInfo info() const override { return info_; }
  core::Snapshot snapshot() override { return snapshot_; }
  core::Settings settings() override { return board_.values; }
  core::DeviceInfo device() override { return device_; }
  Status apply(const core::Command& command) override;
  Status apply(const core::SettingsChange& change) override;
  Status check_settings_password(std::string_view password) override;
  bool settings_password_is_default() override;
  std::vector<core::Event> events() override;
  bool up() override { return up_; }

 private:
  Done read_settings();
  Status set_param(const core::Command& c);
  Status calibrate(const core::Command& c);
  void remember(const core::Command& c);

  client::JkClient& client_;
  web::PackInfo info_;
  core::Passwords passwords_;
  client::Overrides overrides_;
  Clock clock_;
  BoardPolling polling_;
  core::Snapshot snapshot_{};
  core::DeviceInfo device_{};
  client::RawSettings raw_;
  client::BoardSettings board_;
  std::vector<core::Event> logbook_;
  std::vector<core::Event> writes_;  // what softbms itself changed, with who
  bool have_settings_ = false;
  bool up_ = false;
  int polls_ = 0;
};

}  // namespace softbms::host::services
