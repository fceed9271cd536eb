// The BMS: one object that owns every stage of the tick and the state that must survive.
// Data flows one way: Measurements -> measure -> protect -> balance -> estimate -> functions
// -> Outputs and Snapshot. Commands come in through apply(); the core never knows who asked
// beyond the Command's origin and authority.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/balance/balancer.hpp"
#include "core/base/status.hpp"
#include "core/base/units.hpp"
#include "core/charge/charge_control.hpp"
#include "core/estimate/estimator.hpp"
#include "core/estimate/model_soc.hpp"
#include "core/functions/alarm_outputs.hpp"
#include "core/functions/auto_shutdown.hpp"
#include "core/functions/emergency.hpp"
#include "core/functions/heater.hpp"
#include "core/functions/smart_sleep.hpp"
#include "core/io/command.hpp"
#include "core/io/device_info.hpp"
#include "core/io/measurements.hpp"
#include "core/io/outputs.hpp"
#include "core/io/snapshot.hpp"
#include "core/log/event_log.hpp"
#include "core/measure/measure.hpp"
#include "core/protect/fet_monitor.hpp"
#include "core/protect/protections.hpp"
#include "core/security/passwords.hpp"
#include "core/settings/settings.hpp"
#include "core/store/layout.hpp"

namespace softbms::core {

// Which persistent records changed since they were last saved.
enum DirtyRecord : uint8_t {
  kDirtySettings = 1 << 0,
  kDirtyCounters = 1 << 1,
  kDirtyEvents = 1 << 2,
  kDirtyPasswords = 1 << 3,
  kDirtyDevice = 1 << 4,
};

class Bms {
 public:
  // settings must be valid (validate()); the device identity comes from the model profile
  // unless given.
  explicit Bms(const Settings& settings);
  Bms(const Settings& settings, const DeviceInfo& device);

  // Restoring what the store held, before boot(). Each refuses what does not fit and keeps the
  // current value.
  Status restore_settings(const Settings& s);
  Status restore_counters(const Counters& c);
  void restore_model(const ModelMemory& m) { model_soc_.restore(m); }
  void restore_events(const EventLog& log) { events_ = log; }
  // The stored event-log record; a damaged one leaves the log as it was (Errc::corrupt).
  Status restore_events(std::span<const uint8_t> record) { return events_.deserialize(record); }
  Status restore_passwords(const PasswordRecord& r) { return passwords_.restore(r); }
  // Entropy for password salts (the core has no random source of its own).
  void add_entropy(std::span<const uint8_t> entropy) { passwords_.add_entropy(entropy); }
  void restore_device(const DeviceInfo& d) { device_ = d; }
  // Records (bit 1 << RecordId) the store held but could not give back (both copies damaged, a
  // truncated or zeroed store). boot() logs one store_damaged event for each; the Snapshot
  // shows them (store_damage) for as long as the board runs.
  void note_store_damage(uint8_t records) { store_damage_ |= records; }
  [[nodiscard]] uint8_t store_damage() const { return store_damage_; }

  // Power-on: counts it and logs it. rtc_s = the wall clock (seconds since 2020-01-01) if known.
  void boot(Milliseconds now, uint32_t rtc_s = 0);

  // One control period.
  Outputs step(Milliseconds now, const Measurements& raw);
  // The short-circuit interrupt's fast path: both FETs off at once, outside the tick.
  void short_circuit(Milliseconds now);

  // A request from outside (an endpoint, the button, the simulator).
  // @returns ok, Errc::not_authorized, Errc::unknown_field, or the command's own refusal.
  Status apply(const Command& c, Milliseconds now);
  // A set of settings changes as one step: authorised as a whole (switches need
  // Authority::switches, anything else Authority::settings), validated once on the final
  // state, all or nothing; every changed value is logged with the change's origin.
  // @returns ok; Errc::not_authorized (detail = the first Param the authority does not cover);
  //   Errc::rule_violation with Rule::set_by_its_command for a new value of a parameter that
  //   only its own command or the hardware sets (calibration factors, the DIP address); or
  //   apply_changes' errors (core/settings/change.hpp).
  Status apply(const SettingsChange& change, Milliseconds now);
  // Checks a password; endpoints grant Authority::settings on success. Five wrong settings
  // passwords lock it for a minute.
  Status check_password(PasswordKind kind, std::string_view candidate, Milliseconds now);

  [[nodiscard]] const Snapshot& snapshot() const { return snap_; }
  [[nodiscard]] const Settings& settings() const { return settings_; }
  [[nodiscard]] const DeviceInfo& device() const { return device_; }
  [[nodiscard]] const EventLog& events() const { return events_; }
  [[nodiscard]] const Passwords& passwords() const { return passwords_; }
  [[nodiscard]] Counters counters() const { return estimator_.counters(); }
  [[nodiscard]] const Outputs& outputs() const { return out_; }
  [[nodiscard]] const ChargeResult& charge_control() const { return charge_.result(); }
  [[nodiscard]] const ModelSoc& model_soc() const { return model_soc_; }
  // The longest time between two model SOC filter updates (ModelSoc::set_rest_period).
  void set_model_rest_period(Milliseconds p) { model_soc_.set_rest_period(p); }
  [[nodiscard]] ModelMemory model_memory() const { return model_soc_.memory(); }

  [[nodiscard]] uint8_t dirty() const { return dirty_; }
  // Room for one record's payload while persistence.hpp saves or loads it. Each Bms has its
  // own, so packs saved from different threads never share a buffer (a microcontroller's one
  // Bms is static: the buffer costs no stack).
  [[nodiscard]] std::span<uint8_t> store_buffer() { return store_buffer_; }
  void mark_saved(uint8_t records) { dirty_ = static_cast<uint8_t>(dirty_ & ~records); }

 private:
  using Handler = Status (Bms::*)(const Command&, Milliseconds);
  struct CommandRow {
    CommandKind kind;
    Authority needs;
    Handler run;
  };
  static const CommandRow kCommandTable[];

  Status set_param(const Command& c, Milliseconds now);
  Status change_settings(const SettingsChange& change, Milliseconds now);
  Status emergency(const Command& c, Milliseconds now);
  Status factory_reset(const Command& c, Milliseconds now);
  Status load_preset(const Command& c, Milliseconds now);
  Status calibrate_voltage(const Command& c, Milliseconds now);
  Status calibrate_current(const Command& c, Milliseconds now);
  Status set_device_field(const Command& c, Milliseconds now);
  Status change_password(const Command& c, Milliseconds now);
  Status set_clock(const Command& c, Milliseconds now);
  Status shutdown(const Command& c, Milliseconds now);
  Status wake(const Command& c, Milliseconds now);
  Status reset_counters(const Command& c, Milliseconds now);

  Status replace_settings(const Settings& next, EventType type, const Command& c, Milliseconds now);
  void log(Milliseconds now, EventType type, uint8_t arg = 0, int32_t value = 0,
           Origin origin = Origin::internal);
  void log_protection_transitions();
  void watch_fets(Milliseconds now, const Measured& m);
  // Every alarm bit that is up: the protections', the FET monitor's and the password reminder.
  [[nodiscard]] uint32_t alarms() const;
  void run_functions(Milliseconds now, const Measured& m);
  void press_button(bool pressed, const Measured& m);
  void decide_outputs(Milliseconds now, const Measured& m, const BalanceReport& balance);
  [[nodiscard]] bool close_discharge(Milliseconds now, bool wanted);
  void publish(Milliseconds now, const Measured& m, const BalanceReport& balance);
  // After an applied command or settings change: the Snapshot again from the last tick's raw
  // readings with the new settings, factors and counters, so a read right after the
  // acknowledge shows the command's effect instead of the tick before it.
  void refresh();
  [[nodiscard]] uint32_t rtc(Milliseconds now) const;

  Settings settings_;
  DeviceInfo device_;
  Measure measure_;
  Protections protections_;
  FetMonitor fets_;
  Balancer balancer_;
  Estimator estimator_;
  ModelSoc model_soc_;
  ChargeControl charge_;
  Emergency emergency_;
  SmartSleep sleep_;
  AutoShutdown shutdown_;
  Heater heater_;
  AlarmOutputs alarm_outputs_;
  EventLog events_;
  Passwords passwords_;

  Outputs out_{};
  Snapshot snap_{};
  Measurements last_raw_{};       // the last tick's input, for refresh()
  BalanceReport last_balance_{};  // and its balancer report
  bool stepped_ = false;
  Milliseconds last_counter_save_{};
  int64_t rtc_base_s_ = 0;  // rtc at uptime 0
  PowerState power_ = PowerState::on;
  bool forced_shutdown_ = false;
  bool precharging_ = false;  // the precharge resistor charges the load before the discharge FET
  Milliseconds precharge_since_{};
  bool off_by_button_ =
      false;  // JK-PB: switched off by its ON/OFF button; only the button turns it on
  bool button_was_down_ = true;             // a button held at power-up is not a press
  Origin power_origin_ = Origin::internal;  // who caused the next power-state change
  uint32_t rejected_ = 0;
  uint8_t dirty_ = 0;
  uint8_t store_damage_ = 0;
  std::array<uint8_t, kMaxPayload> store_buffer_{};
};

// The device identity a model has when nothing else was configured ([ESPHOME]).
DeviceInfo default_device_info(ModelId model);

}  // namespace softbms::core
