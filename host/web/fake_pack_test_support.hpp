// A PackAccess for tests: real settings with core::apply_change, real hashed passwords with
// JK's lockout, an event log, and a snapshot drawn from the settings and a few fixed cells.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/io/alarm.hpp"
#include "core/security/passwords.hpp"
#include "core/settings/change.hpp"
#include "core/settings/validate.hpp"
#include "host/web/pack_access.hpp"

namespace softbms::host::web::testing {

class FakePack : public PackAccess {
 public:
  explicit FakePack(std::string id = "1", core::Chemistry chemistry = core::Chemistry::lfp)
      : id_(std::move(id)),
        settings_(core::Settings::preset(chemistry, core::ModelId::jk_pb2a16s20p, 16)),
        passwords_(std::span<const uint8_t>(kEntropy)) {
    snapshot_.cell_count = 16;
    snapshot_.cell_present_mask = 0xFFFF;
    for (std::size_t i = 0; i < 16; ++i)
      snapshot_.cell[i] = Millivolts(3300 + static_cast<int32_t>(i));
    snapshot_.cell[4] = Millivolts(3281);
    snapshot_.cell_min = Millivolts(3281);
    snapshot_.cell_min_index = 4;
    snapshot_.cell_max = Millivolts(3315);
    snapshot_.cell_max_index = 15;
    snapshot_.cell_delta = Millivolts(34);
    snapshot_.pack_voltage = Millivolts(52'920);
    snapshot_.current = Milliamps(-12'500);
    snapshot_.power = Milliwatts(-661'500);
    snapshot_.soc_percent = 76;
    snapshot_.soc_permille = 764;
    snapshot_.remaining = MilliampHours(212'800);
    snapshot_.full_capacity = MilliampHours(280'000);
    snapshot_.temp_present_mask = 0b111;
    snapshot_.temp = {DeciCelsius(312), DeciCelsius(245), DeciCelsius(251)};
    snapshot_.alarms = core::alarm_mask(core::AlarmBit::cell_uvp);
  }

  PackInfo info() override { return {id_, "Pack " + id_, core::ModelId::jk_pb2a16s20p}; }
  core::Snapshot snapshot() override {
    snapshot_.charge_fet = settings_.on(core::Param::charge_enabled);
    snapshot_.discharge_fet = settings_.on(core::Param::discharge_enabled);
    return snapshot_;
  }
  core::Settings settings() override { return settings_; }
  Status check_settings_password(std::string_view password) override {
    return passwords_.check(core::PasswordKind::settings, password, Milliseconds(now_ms));
  }
  bool settings_password_is_default() override {
    return passwords_.is_default(core::PasswordKind::settings);
  }
  std::vector<core::Event> events() override { return events_; }

  Status apply(const core::Command& c) override {
    commands.push_back(c);
    switch (c.kind) {
      case core::CommandKind::set_param:
        return set_param(c);
      case core::CommandKind::emergency:
        emergency = c.value != 0;
        log(emergency ? core::EventType::emergency_started : core::EventType::emergency_ended, 0, c,
            0);
        return ok_status();
      case core::CommandKind::factory_reset: {
        const int32_t cells = settings_.cells();
        settings_ = core::Settings::preset(c.chemistry, settings_.model_id(), cells);
        log(core::EventType::factory_reset, static_cast<uint8_t>(c.chemistry), c, 0);
        return ok_status();
      }
      case core::CommandKind::calibrate_voltage:
      case core::CommandKind::calibrate_current:
      case core::CommandKind::reset_counters:
      case core::CommandKind::set_device_field:
      case core::CommandKind::change_password:
        // The core's own rules are tested in core/bms; here only what reaches the pack and
        // how its answer is told.
        return owner_status;
      default:
        return Status(Errc::unknown_field);
    }
  }

  std::optional<core::DeviceInfo> device() override {
    core::DeviceInfo d;
    d.model.assign("JK_PB2A16S20P");
    d.device_name.assign("Garage1");
    return d;
  }

  // As core::Bms: authorised as a whole, validated once on the final state, all or nothing.
  Status apply(const core::SettingsChange& change) override {
    changes.push_back(change);
    for (const core::Change& c : change.changes) {
      const bool is_switch = (core::info(c.param).flags & core::kSwitch) != 0;
      if (!is_switch && change.authority != core::Authority::settings)
        return Status(Errc::not_authorized, static_cast<uint16_t>(c.param));
    }
    const core::Settings before = settings_;
    if (const Status st = core::apply_changes(settings_, change.changes); !st.ok()) return st;
    core::Command who;
    who.origin = change.origin;
    for (const core::Change& c : change.changes) {
      if (before.raw(c.param) == c.value) continue;
      const bool is_switch = (core::info(c.param).flags & core::kSwitch) != 0;
      log(is_switch ? core::EventType::switch_changed : core::EventType::setting_changed,
          static_cast<uint8_t>(c.param), who, c.value);
    }
    return ok_status();
  }

  void change_password(std::string_view to) {
    (void)passwords_.change(core::PasswordKind::settings, core::kDefaultSettingsPassword, to,
                            Milliseconds(now_ms));
  }

  core::Snapshot& raw_snapshot() { return snapshot_; }
  LinkState link() override { return link_state; }

  int64_t now_ms = 0;  // the board's own clock, for the password lockout
  bool emergency = false;
  Status owner_status = ok_status();  // the answer to the owner's commands (calibrate, ...)
  LinkState link_state;  // live unless a test makes it a real board's
  std::vector<core::Command> commands;
  std::vector<core::SettingsChange> changes;

 private:
  static constexpr std::array<uint8_t, 4> kEntropy = {1, 2, 3, 4};

  Status set_param(const core::Command& c) {
    const bool is_switch = (core::info(c.param).flags & core::kSwitch) != 0;
    if (!is_switch && c.authority != core::Authority::settings) return Status(Errc::not_authorized);
    if (const Status st = core::apply_change(settings_, c.param, c.value); !st.ok()) return st;
    log(is_switch ? core::EventType::switch_changed : core::EventType::setting_changed,
        static_cast<uint8_t>(c.param), c, c.value);
    return ok_status();
  }

  void log(core::EventType type, uint8_t arg, const core::Command& c, int32_t value) {
    events_.push_back({static_cast<uint32_t>(events_.size() + 100), type, arg,
                       static_cast<uint8_t>(c.origin), value});
  }

  std::string id_;
  core::Settings settings_;
  core::Passwords passwords_;
  core::Snapshot snapshot_{};
  std::vector<core::Event> events_;
};

}  // namespace softbms::host::web::testing
