#include "host/services/board_backend.hpp"

#include <algorithm>

#include "core/settings/change.hpp"
#include "core/settings/validate.hpp"
#include "host/device/virtual_device.hpp"

namespace softbms::host::services {

BoardBackend::BoardBackend(client::BoardLink& link, web::PackInfo info, core::Passwords passwords,
                           client::Overrides overrides, Clock clock, UnixClock unix_clock,
                           BoardPolling polling)
    : link_(link),
      info_(std::move(info)),
      passwords_(passwords),
      overrides_(overrides),
      clock_(std::move(clock)),
      unix_clock_(std::move(unix_clock)),
      polling_(polling) {
  link_state_.live = false;
  link_state_.up = false;
}

Done BoardBackend::poll() {
  const Milliseconds now = clock_();
  const bool reopened = client_ == nullptr;
  auto c = link_.client(now);
  if (!c) {
    // While the backoff runs the reason stays the last real one.
    if (client::BoardLink::is_waiting(c.error()))
      return make_error(c.error().code, c.error().part, link_state_.error);
    return went_down(c.error());
  }
  client_ = c.value();
  if (reopened) polls_ = 0;  // a reopened link may lead to another board: read everything
  if (Done d = read(*client_); !d) {
    client_ = nullptr;
    link_.failed(now);
    return went_down(d.error());
  }
  link_.worked();
  up_ = true;
  link_state_.up = true;
  link_state_.sample_unix_ms = unix_clock_();
  link_state_.offline_since_unix_ms = 0;
  link_state_.error.clear();
  return {};
}

Done BoardBackend::read(client::JkClient& c) {
  if (!have_settings_ || polls_ % polling_.settings_every == 0) {
    if (Done d = read_settings(); !d) return d;
  }
  ++polls_;
  auto s = c.status();
  if (!s) return s.error();
  snapshot_ = s.value();
  return {};
}

// The values stay as they were read; the link state says since when they are stale.
Done BoardBackend::went_down(const Error& e) {
  if (up_ || link_state_.offline_since_unix_ms == 0)
    link_state_.offline_since_unix_ms = unix_clock_();
  up_ = false;
  link_state_.up = false;
  link_state_.error = e.message;
  return e;
}

Done BoardBackend::read_settings() {
  if (client_ == nullptr) return make_error(Errc::bad_state, "link", "the board is offline");
  auto b = client::read_board(*client_, overrides_);
  if (!b) return b.error();
  raw_ = b.value().raw;
  device_ = b.value().info;
  board_ = b.value().board;
  info_.model = board_.values.model_id();
  have_settings_ = true;
  link_state_.settings_unix_ms = unix_clock_();
  auto log = client_->logbook();  // not every protocol has one
  if (log) logbook_ = log.value();
  return {};
}

Status BoardBackend::apply(const core::Command& command) {
  if (!have_settings_ || client_ == nullptr) return Status(Errc::bad_state);
  if (command.kind == core::CommandKind::calibrate_voltage ||
      command.kind == core::CommandKind::calibrate_current) {
    return calibrate(command);
  }
  if (command.kind != core::CommandKind::set_param) {
    // Emergency, factory reset and the rest have no request in the client protocols.
    return Status(Errc::bad_state);
  }
  const Status st = set_param(command);
  if (st.ok()) remember(command);
  return st;
}

// A real board takes one register per request, so a set cannot be one step there. The core
// checks the final state first (nothing is sent if it is invalid); then each pass sends the
// changes the board's current values accept one by one, and a pass that sends none ends it.
Status BoardBackend::apply(const core::SettingsChange& change) {
  if (!have_settings_) return Status(Errc::bad_state);
  core::Settings final_state = board_.values;
  if (const Status st = core::apply_changes(final_state, change.changes); !st.ok()) return st;
  std::vector<core::Command> pending;
  for (const core::Change& c : change.changes) pending.push_back(core::as_command(change, c));
  Status last = ok_status();
  for (bool progress = true; progress && !pending.empty();) {
    progress = false;
    for (auto it = pending.begin(); it != pending.end();) {
      last = apply(*it);
      const bool wait = last.code() == Errc::rule_violation || last.code() == Errc::out_of_range;
      if (!last.ok() && !wait) return last;
      progress = progress || last.ok();
      it = last.ok() ? pending.erase(it) : std::next(it);
    }
  }
  return last;
}

Status BoardBackend::set_param(const core::Command& c) {
  const bool is_switch = (core::info(c.param).flags & core::kSwitch) != 0;
  if (!is_switch && c.authority != core::Authority::settings) return Status(Errc::not_authorized);
  const client::ChangeCheck check = client::check_change(board_.values, c.param, c.value);
  if (!check.status.ok()) return check.status;
  const auto plan = client_->plan(c.param, c.value, raw_, board_.values);
  if (!plan.ok()) return Status(Errc::unknown_field);
  auto sent = client_->send(plan.value());
  if (!sent) return Status(Errc::bad_state);
  if (sent.value().verdict == client::WriteVerdict::rejected) return Status(Errc::bad_state);
  // Read back: the board, not the request, says what it holds now.
  if (Done d = read_settings(); !d) return Status(Errc::bad_state);
  return board_.values.raw(c.param) == c.value ? ok_status() : Status(Errc::bad_state);
}

// The board's own calibration request (JK-PB 0x1600 / 0x1606, jk02 0x64 / 0x67); the board
// works out the factor. Errc::unknown_field when the protocol has none (4E57), bad_state when
// the board refused it or stopped answering.
Status BoardBackend::calibrate(const core::Command& c) {
  if (c.authority != core::Authority::settings) return Status(Errc::not_authorized);
  const auto plan = client_->plan_command(c, raw_);
  if (!plan.ok()) return Status(Errc::unknown_field);
  auto sent = client_->send(plan.value());
  if (!sent || sent.value().verdict == client::WriteVerdict::rejected)
    return Status(Errc::bad_state);
  if (Done d = read_settings(); !d) return Status(Errc::bad_state);
  const bool voltage = c.kind == core::CommandKind::calibrate_voltage;
  writes_.push_back({wall_rtc_s(), core::EventType::calibrated,
                     static_cast<uint8_t>(voltage ? 0 : 1), static_cast<uint8_t>(c.origin), 0});
  return poll() ? ok_status() : Status(Errc::bad_state);
}

void BoardBackend::remember(const core::Command& c) {
  const bool is_switch = (core::info(c.param).flags & core::kSwitch) != 0;
  writes_.push_back({wall_rtc_s(),
                     is_switch ? core::EventType::switch_changed : core::EventType::setting_changed,
                     static_cast<uint8_t>(c.param), static_cast<uint8_t>(c.origin), c.value});
}

Status BoardBackend::check_settings_password(std::string_view password) {
  return passwords_.check(core::PasswordKind::settings, password, clock_());
}

bool BoardBackend::settings_password_is_default() {
  return passwords_.is_default(core::PasswordKind::settings);
}

std::vector<core::Event> BoardBackend::events() {
  std::vector<core::Event> all = logbook_;
  all.insert(all.end(), writes_.begin(), writes_.end());
  std::stable_sort(all.begin(), all.end(),
                   [](const core::Event& a, const core::Event& b) { return a.time_s < b.time_s; });
  return all;
}

}  // namespace softbms::host::services
