// A real JK board polled through host/client as a PackBackend, for `softbms monitor`. The
// board's status is read every poll and its settings, identity and logbook every few polls;
// reads between polls answer the last values. A write goes to the board as the CLI's `settings
// set` sends it (check, plan, send, read back). The dashboard login is checked against
// softbms's own settings password (the JK protocols carry none a client could check).
// The board is reached through a client::BoardLink: a board that stops answering is marked
// down with the time it went offline, its last values are kept with their age, and the link is
// reopened with backoff on the following polls.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/security/passwords.hpp"
#include "host/client/board_link.hpp"
#include "host/client/client.hpp"
#include "host/services/pack_backend.hpp"

namespace softbms::host::services {

struct BoardPolling {
  int settings_every = 30;  // polls between two reads of settings, identity and logbook
};

class BoardBackend final : public PackBackend {
 public:
  using Clock = std::function<Milliseconds()>;

  // `unix_clock`: the wall clock in Unix ms, for the ages the dashboard and /metrics show.
  using UnixClock = std::function<int64_t()>;
  BoardBackend(client::BoardLink& link, web::PackInfo info, core::Passwords passwords,
               client::Overrides overrides, Clock clock, UnixClock unix_clock,
               BoardPolling polling = {});

  // Reads the board: status every call, the rest when due. The first call (and the first after
  // the link was reopened) reads everything. A failed read marks the pack down (metrics say up
  // 0; MQTT and history pause) and closes the link; while it is down a call only tries to
  // reopen it when the backoff allows. The error is the reason the board is down.
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
  web::LinkState link() override { return link_state_; }

 private:
  Done read_settings();
  Done read(client::JkClient& c);
  Done went_down(const Error& e);
  Status set_param(const core::Command& c);
  Status calibrate(const core::Command& c);
  void remember(const core::Command& c);

  client::BoardLink& link_;
  client::JkClient* client_ = nullptr;  // while the link is open
  web::PackInfo info_;
  core::Passwords passwords_;
  client::Overrides overrides_;
  Clock clock_;
  UnixClock unix_clock_;
  BoardPolling polling_;
  core::Snapshot snapshot_{};
  core::DeviceInfo device_{};
  client::RawSettings raw_;
  client::BoardSettings board_;
  std::vector<core::Event> logbook_;
  std::vector<core::Event> writes_;  // what softbms itself changed, with who
  bool have_settings_ = false;
  bool up_ = false;
  web::LinkState link_state_;  // not live; down until the first read
  int polls_ = 0;
};

}  // namespace softbms::host::services
