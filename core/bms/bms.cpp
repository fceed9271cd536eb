#include "core/bms/bms.hpp"

#include "core/functions/power_state.hpp"
#include "core/measure/calibration.hpp"
#include "core/settings/validate.hpp"

namespace softbms::core {
namespace {

bool authorized(Authority have, Authority needs) {
  return static_cast<uint8_t>(have) >= static_cast<uint8_t>(needs);
}

// Parameters a chemistry preset leaves alone (cell count, capacity, calibration, address, and
// for load_preset the switches) keep the value they had.
Settings keep_on_preset(const Settings& current, Settings next, bool keep_switches) {
  for (const ParamInfo& row : kParams) {
    const bool keep = (row.flags & kKeepOnPreset) != 0 && ((row.flags & kSwitch) == 0 || keep_switches);
    if (keep) next.set_raw(row.id, current.raw(row.id));
  }
  return next;
}

// Counters are written at most this often (flash wear); the store keeps the last good copy.
constexpr Milliseconds kCounterSavePeriod{int64_t{10} * 60 * 1000};

}  // namespace

// clang-format off
const Bms::CommandRow Bms::kCommandTable[] = {
  {CommandKind::set_param, Authority::switches, &Bms::set_param},  // settings need more: see set_param
  {CommandKind::emergency, Authority::switches, &Bms::emergency},
  {CommandKind::factory_reset, Authority::settings, &Bms::factory_reset},
  {CommandKind::load_preset, Authority::settings, &Bms::load_preset},
  {CommandKind::calibrate_voltage, Authority::settings, &Bms::calibrate_voltage},
  {CommandKind::calibrate_current, Authority::settings, &Bms::calibrate_current},
  {CommandKind::set_device_field, Authority::settings, &Bms::set_device_field},
  {CommandKind::change_password, Authority::switches, &Bms::change_password},  // the old password is the proof
  {CommandKind::set_clock, Authority::switches, &Bms::set_clock},
  {CommandKind::shutdown, Authority::switches, &Bms::shutdown},
  {CommandKind::wake, Authority::switches, &Bms::wake},
  {CommandKind::reset_counters, Authority::settings, &Bms::reset_counters},
};
// clang-format on

DeviceInfo default_device_info(ModelId id) {
  const ModelProfile& m = model(id);
  DeviceInfo d;
  d.model.assign(m.jk_model);
  d.hw_version.assign(m.hw_version);
  d.sw_version.assign(m.sw_version);
  d.device_name.assign("softbms");
  d.manufacturing_date.assign("261122");
  d.serial_number.assign("SB00000001");
  d.user_data.assign("Input Userdata");
  d.user_data2.assign("softbms");
  return d;
}

Bms::Bms(const Settings& settings) : Bms(settings, default_device_info(settings.model_id())) {}

Bms::Bms(const Settings& settings, const DeviceInfo& device) : settings_(settings), device_(device) {
  Counters c = estimator_.counters();
  c.design_capacity = settings.mah(Param::design_capacity);
  c.full_capacity = c.design_capacity;
  (void)estimator_.restore(c);
}

Status Bms::restore_settings(const Settings& s) {
  // Factory values belong to the firmware, not to the owner: a record written by an older
  // firmware with another MOS OTPR (70 °C before softbms took 65 °C) keeps every other setting.
  Settings next = s;
  for (const ParamInfo& row : kParams) {
    if ((row.flags & kFactoryFixed) != 0)
      next.set_raw(row.id, factory_value(row.id, next.model_id()));
  }
  if (Status st = validate(next); !st.ok()) return st;
  settings_ = next;
  return ok_status();
}

Status Bms::restore_counters(const Counters& c) { return estimator_.restore(c); }

uint32_t Bms::rtc(Milliseconds now) const {
  const int64_t t = rtc_base_s_ + now.count() / 1000;
  return t < 0 ? 0 : static_cast<uint32_t>(t);
}

void Bms::boot(Milliseconds now, uint32_t rtc_s) {
  rtc_base_s_ = static_cast<int64_t>(rtc_s) - now.count() / 1000;
  estimator_.boot();
  dirty_ |= kDirtyCounters;
  log(now, EventType::boot);
  for (uint8_t id = 0; id < 8; ++id) {
    if ((store_damage_ & (1u << id)) != 0) log(now, EventType::store_damaged, id);
  }
  snap_.store_damage = store_damage_;
}

void Bms::log(Milliseconds now, EventType type, uint8_t arg, int32_t value, Origin origin) {
  events_.push(Event{rtc(now), type, arg, static_cast<uint8_t>(origin), value});
  dirty_ |= kDirtyEvents;
}

void Bms::log_protection_transitions() {
  for (const Transition& t : protections_.transitions()) {
    const EventType type = t.kind == TransitionKind::trip ? EventType::protection_trip : EventType::protection_release;
    log(t.at, type, static_cast<uint8_t>(t.bit), t.value);
  }
}

// The FETs as the front end reads them back, against what the last tick commanded.
void Bms::watch_fets(Milliseconds now, const Measured& m) {
  const auto changes =
      fets_.step(now, m, FetCommand{out_.charge_fet, out_.discharge_fet, out_.precharge},
                 power_ == PowerState::on);
  for (const Fet f : {Fet::charge, Fet::discharge}) {
    const FetMonitor::Change c = changes[static_cast<std::size_t>(f)];
    const auto bit = static_cast<uint8_t>(fet_alarm(f));
    if (c.tripped) log(now, EventType::protection_trip, bit, m.current.count());
    if (c.released) log(now, EventType::protection_release, bit, m.current.count());
  }
}

// Bit 19 asks the owner to change a factory password (JK raises it while one is in use). It
// switches nothing and is in no output mask by default.
uint32_t Bms::alarms() const {
  const bool factory_password = passwords_.is_default(PasswordKind::connection) ||
                                passwords_.is_default(PasswordKind::settings);
  return protections_.alarms() | fets_.alarms() |
         (factory_password ? alarm_mask(AlarmBit::modify_password) : 0);
}

void Bms::short_circuit(Milliseconds now) {
  protections_.short_circuit(now);
  out_.discharge_fet = out_.discharge_fet && !protections_.discharge_blocked();
  out_.charge_fet = out_.charge_fet && !protections_.charge_blocked();
  log_protection_transitions();
}

Outputs Bms::step(Milliseconds now, const Measurements& raw) {
  Measured m = measure_.update(raw, settings_);
  m.precharge = out_.precharge;
  // On a board whose button is its ON/OFF switch a press is no emergency request.
  const bool button_role_wake = model(settings_.model_id()).button == ButtonRole::wake;
  const Emergency::Change ec =
      emergency_.update(now, m.button && button_role_wake, settings_, power_ == PowerState::on);
  if (ec == Emergency::Change::started) log(now, EventType::emergency_started, 0, 0, Origin::button);
  if (ec == Emergency::Change::ended) log(now, EventType::emergency_ended);

  protections_.step(now, m, settings_, ProtectionInputs{emergency_.active()});
  log_protection_transitions();
  watch_fets(now, m);

  run_functions(now, m);
  const BalanceReport balance = balancer_.update(m, settings_, alarms(), power_ != PowerState::on);
  decide_outputs(now, m, balance);
  const EstimateNotes notes = estimator_.update(now, m, settings_, FetState{out_.charge_fet, out_.discharge_fet});
  if (notes.capacity_learned) log(now, EventType::capacity_learned, 0, static_cast<int32_t>(estimator_.full_capacity().count()));
  model_soc_.update(now, m, settings_, out_.charge_fet, estimator_.soc_permille());
  const bool model_shown = settings_.raw(Param::soc_method) == static_cast<int32_t>(SocMethod::model) && model_soc_.running();
  const uint8_t soc_shown = model_shown ? static_cast<uint8_t>(model_soc_.soc_permille() / 10) : estimator_.soc_percent();
  if (notes.capacity_learned || now - last_counter_save_ >= kCounterSavePeriod) {
    dirty_ |= kDirtyCounters;
    last_counter_save_ = now;
  }
  charge_.step(
      now, m,
      ChargeInputs{soc_shown, alarms(), !out_.charge_fet || !settings_.on(Param::charge_enabled),
                   !out_.discharge_fet || !settings_.on(Param::discharge_enabled)},
      settings_);
  alarm_outputs_.update(now, alarms(), settings_);
  alarm_outputs_.apply(out_);
  publish(now, m, balance);
  last_raw_ = raw;
  last_balance_ = balance;
  stepped_ = true;
  return out_;
}

void Bms::refresh() {
  if (!stepped_) return;  // no reading yet: the first tick publishes everything
  Measured m = measure_.update(last_raw_, settings_);
  m.precharge = out_.precharge;
  publish(snap_.uptime, m, last_balance_);
}

void Bms::run_functions(Milliseconds now, const Measured& m) {
  const bool was_on = power_ == PowerState::on;
  const bool pressed = m.button && !button_was_down_;
  button_was_down_ = m.button;
  press_button(pressed, m);
  // A display that is always on is powered by the board: a sleeping board would switch it off.
  const bool keep_awake = emergency_.active() || settings_.on(Param::display_always_on);
  const bool asleep = sleep_.update(now, m, settings_, keep_awake) == SmartSleep::State::asleep;
  const bool down =
      shutdown_.update(now, m, settings_, emergency_.active()) == AutoShutdown::State::shut_down;
  const PowerState next = power_state(down || forced_shutdown_, asleep);
  if (next != power_) {
    const EventType type = next == PowerState::on ? EventType::wake
                           : next == PowerState::sleeping ? EventType::sleep
                                                          : EventType::shutdown;
    log(now, type, 0, 0, power_origin_);
    if (!was_on || next != PowerState::on) dirty_ |= kDirtyCounters;
  }
  power_origin_ = Origin::internal;
  power_ = next;
  const bool charge_wanted = settings_.on(Param::charge_enabled) && (m.charger_present || m.current.count() > 0);
  heater_.update(m, settings_, charge_wanted && power_ == PowerState::on);
}

// The button (issue 11): a wake button brings a sleeping or shut-down board back (the sleep
// machine sees the press itself); an ON/OFF button turns a running board off and a stopped one
// on. A board switched off by the shutdown command wakes on a charger or a press; one switched
// off by its ON/OFF button only on a press.
void Bms::press_button(bool pressed, const Measured& m) {
  const bool on_off = model(settings_.model_id()).button == ButtonRole::on_off;
  if (pressed) power_origin_ = Origin::button;
  if (pressed && on_off && power_ == PowerState::on) {
    forced_shutdown_ = true;
    off_by_button_ = true;
    return;
  }
  if (pressed) {
    forced_shutdown_ = false;
    off_by_button_ = false;
    shutdown_.wake();
    return;
  }
  if (forced_shutdown_ && !off_by_button_ && m.charger_present) forced_shutdown_ = false;
}

// Precharge (JK-PB "discharge precharge time"): a discharge FET that closes onto an inverter's
// input capacitors at 0 V would see thousands of amps and trip the short-circuit protection.
// With precharge_time > 0 the precharge resistor charges them first, for precharge_time, and
// only then the FET closes. Returns whether the discharge FET closes now; sets out_.precharge.
bool Bms::close_discharge(Milliseconds now, bool wanted) {
  const Milliseconds time = to_ms(settings_.seconds(Param::precharge_time));
  const bool was_on = out_.discharge_fet;
  out_.precharge = false;
  if (!wanted || was_on || time.count() == 0) {
    precharging_ = false;
    return wanted;
  }
  if (!precharging_) {
    precharging_ = true;
    precharge_since_ = now;
  }
  if (now - precharge_since_ >= time) {
    precharging_ = false;
    return true;
  }
  out_.precharge = true;
  return false;
}

void Bms::decide_outputs(Milliseconds now, const Measured& m, const BalanceReport& balance) {
  const bool powered = power_ == PowerState::on;
  const bool em = emergency_.active();
  const bool charge_switch = em || settings_.on(Param::charge_enabled);
  const bool discharge_switch = em || settings_.on(Param::discharge_enabled);
  // A failed FET may open the other one (kFetFaultRules in fet_monitor.hpp).
  const FetBlocks failed = fets_.blocks(em);
  out_.charge_fet = powered && charge_switch && !protections_.charge_blocked() && !failed.charge;
  out_.discharge_fet = close_discharge(
      now, powered && discharge_switch && !protections_.discharge_blocked() && !failed.discharge);
  out_.balancer = powered ? balance.command : BalancerCommand{};
  out_.heater = powered && heater_.on();
  out_.scp_delay = settings_.us(Param::scp_delay);
  out_.scp_current = model(settings_.model_id()).scp_current;
  apply_power(power_, out_);
  (void)m;
}

void Bms::publish(Milliseconds now, const Measured& m, const BalanceReport& balance) {
  Snapshot& s = snap_;
  s.uptime = now;
  s.rtc_s = rtc(now);
  s.cell_count = m.cells_present;
  s.cell_present_mask = m.present_mask;
  s.cell = m.cell;
  s.cell_avg = m.avg;
  s.cell_delta = m.delta;
  s.cell_max = m.max;
  s.cell_min = m.min;
  s.cell_max_index = m.max_index;
  s.cell_min_index = m.min_index;
  s.wire_resistance = m.wire;
  s.wire_alarm_mask = m.wire_alarm_mask;
  s.pack_voltage = m.pack;
  s.current = m.current;
  s.power = power(m.pack, m.current);
  s.temp = m.temp;
  s.temp_present_mask = m.temp_present_mask;
  s.alarms = alarms();
  s.release_timer_s = protections_.release_timers_s();
  s.charge_fet = out_.charge_fet;
  s.discharge_fet = out_.discharge_fet;
  s.precharge = out_.precharge;
  s.heater = out_.heater;
  s.heater_current = m.heater_current;
  s.buzzer = out_.buzzer;
  s.dry_contact1 = out_.dry_contact1;
  s.dry_contact2 = out_.dry_contact2;
  s.balance_state = balance.state;
  s.balance_current = balance.current;
  s.balance_source = balance.source;
  s.balance_sink = balance.sink;
  estimator_.publish(s);
  model_soc_.publish(s, settings_);
  const ChargeResult& cr = charge_.result();
  s.charge_stage = cr.stage;
  s.charge_stage_elapsed = cr.stage_elapsed;
  s.charge_voltage_limit = cr.limits.charge_voltage;
  s.charge_current_limit = cr.limits.charge_current;
  s.discharge_current_limit = cr.limits.discharge_current;
  s.discharge_voltage_limit = cr.limits.discharge_voltage;
  s.request_charge = cr.request.charge_enable;
  s.request_discharge = cr.request.discharge_enable;
  s.request_force_charge = cr.request.force_charge_1 || cr.request.force_charge_2;
  s.request_full_charge = cr.request.full_charge;
  s.power_state = power_;
  s.sleep_countdown = sleep_.countdown();
  s.emergency_remaining = emergency_.remaining();
  s.charger_present = m.charger_present;
  s.voltage_calibration_ppm = settings_.raw(Param::voltage_calibration);
  s.current_calibration_ppm = settings_.raw(Param::current_calibration);
  s.rejected_commands = rejected_;
  s.store_damage = store_damage_;
}

Status Bms::apply(const Command& c, Milliseconds now) {
  for (const CommandRow& row : kCommandTable) {
    if (row.kind != c.kind) continue;
    Status st = authorized(c.authority, row.needs) ? (this->*row.run)(c, now) : Status(Errc::not_authorized);
    if (!st.ok()) ++rejected_;
    snap_.rejected_commands = rejected_;
    if (st.ok()) refresh();
    return st;
  }
  ++rejected_;
  return Status(Errc::unknown_field);
}

Status Bms::apply(const SettingsChange& change, Milliseconds now) {
  const Status st = change_settings(change, now);
  if (!st.ok()) ++rejected_;
  snap_.rejected_commands = rejected_;
  if (st.ok()) refresh();
  return st;
}

Status Bms::set_param(const Command& c, Milliseconds now) {
  SettingsChange one{c.origin, c.authority, {}};
  if (Status st = one.changes.set(c.param, c.value); !st.ok()) return st;
  return change_settings(one, now);
}

Status Bms::change_settings(const SettingsChange& change, Milliseconds now) {
  for (const Change& c : change.changes) {
    if (static_cast<std::size_t>(c.param) >= kParamCount) return Status(Errc::unknown_field, static_cast<uint16_t>(c.param));
    const uint16_t flags = info(c.param).flags;
    const Authority needs = (flags & kSwitch) != 0 ? Authority::switches : Authority::settings;
    if (!authorized(change.authority, needs)) return Status(Errc::not_authorized, static_cast<uint16_t>(c.param));
    // Writing the value it already has is no change (a client that writes a whole block back).
    if ((flags & kSetByItsCommand) != 0 && settings_.raw(c.param) != c.value) {
      return setting_error(Errc::rule_violation, c.param, Rule::set_by_its_command);
    }
  }
  const Settings before = settings_;
  if (Status st = apply_changes(settings_, change.changes); !st.ok()) return st;
  for (const Change& c : change.changes) {
    if (before.raw(c.param) == c.value) continue;
    const bool is_switch = (info(c.param).flags & kSwitch) != 0;
    log(now, is_switch ? EventType::switch_changed : EventType::setting_changed, static_cast<uint8_t>(c.param), c.value,
        change.origin);
    dirty_ |= kDirtySettings;
  }
  return ok_status();
}

Status Bms::emergency(const Command& c, Milliseconds now) {
  const Emergency::Change ch = c.value != 0 ? emergency_.start(now, settings_) : emergency_.stop();
  if (ch == Emergency::Change::started) log(now, EventType::emergency_started, 0, 0, c.origin);
  if (ch == Emergency::Change::ended) log(now, EventType::emergency_ended, 0, 0, c.origin);
  return ok_status();
}

Status Bms::replace_settings(const Settings& next, EventType type, const Command& c, Milliseconds now) {
  if (Status st = validate(next); !st.ok()) return st;
  settings_ = next;
  dirty_ |= kDirtySettings;
  log(now, type, static_cast<uint8_t>(c.chemistry), 0, c.origin);
  return ok_status();
}

Status Bms::factory_reset(const Command& c, Milliseconds now) {
  const Settings preset = Settings::preset(c.chemistry, settings_.model_id(), settings_.cells());
  return replace_settings(keep_on_preset(settings_, preset, false), EventType::factory_reset, c, now);
}

Status Bms::load_preset(const Command& c, Milliseconds now) {
  const Settings preset = Settings::preset(c.chemistry, settings_.model_id(), settings_.cells());
  return replace_settings(keep_on_preset(settings_, preset, true), EventType::preset_loaded, c, now);
}

Status Bms::calibrate_voltage(const Command& c, Milliseconds now) {
  const Result<int32_t> ppm = voltage_calibration_for(Millivolts(c.value), measure_.raw_pack());
  if (!ppm.ok()) return setting_error(ppm.status().code(), Param::voltage_calibration, Rule::range);
  if (Status st = apply_change(settings_, Param::voltage_calibration, ppm.value()); !st.ok()) return st;
  dirty_ |= kDirtySettings;
  log(now, EventType::calibrated, 0, ppm.value(), c.origin);
  return ok_status();
}

Status Bms::calibrate_current(const Command& c, Milliseconds now) {
  const Result<int32_t> ppm = current_calibration_for(Milliamps(c.value), measure_.raw_current());
  if (!ppm.ok()) return setting_error(ppm.status().code(), Param::current_calibration, Rule::range);
  if (Status st = apply_change(settings_, Param::current_calibration, ppm.value()); !st.ok()) return st;
  dirty_ |= kDirtySettings;
  log(now, EventType::calibrated, 1, ppm.value(), c.origin);
  return ok_status();
}

Status Bms::set_device_field(const Command& c, Milliseconds now) {
  const std::string_view text = c.text.view();
  if (c.field == DeviceField::device_name) {
    // The manual: the device name supports English letters and digits only.
    if (text.empty()) return Status(Errc::bad_value, static_cast<uint16_t>(c.field));
    for (char ch : text) {
      const bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
      if (!alnum) return Status(Errc::bad_value, static_cast<uint16_t>(c.field));
    }
  }
  for (char ch : text) {
    if (ch < 0x20 || ch > 0x7E) return Status(Errc::bad_value, static_cast<uint16_t>(c.field));
  }
  bool fits = false;
  switch (c.field) {
    case DeviceField::device_name: fits = device_.device_name.assign(text); break;
    case DeviceField::manufacturing_date: fits = device_.manufacturing_date.assign(text); break;
    case DeviceField::serial_number: fits = device_.serial_number.assign(text); break;
    case DeviceField::user_data: fits = device_.user_data.assign(text); break;
    case DeviceField::user_data2: fits = device_.user_data2.assign(text); break;
    case DeviceField::count_: break;
  }
  if (!fits) return Status(Errc::out_of_range, static_cast<uint16_t>(c.field));
  dirty_ |= kDirtyDevice;
  log(now, EventType::device_field_changed, static_cast<uint8_t>(c.field), 0, c.origin);
  return ok_status();
}

Status Bms::check_password(PasswordKind kind, std::string_view candidate, Milliseconds now) {
  const Status st = passwords_.check(kind, candidate, now);
  if (st.code() == Errc::wrong_password) log(now, EventType::password_rejected, static_cast<uint8_t>(kind));
  if (st.code() == Errc::wrong_password && passwords_.locked(kind, now)) log(now, EventType::settings_locked);
  return st;
}

Status Bms::change_password(const Command& c, Milliseconds now) {
  const Status st = passwords_.change(c.password, c.old_text.view(), c.text.view(), now);
  if (st.code() == Errc::wrong_password) log(now, EventType::password_rejected, static_cast<uint8_t>(c.password), 0, c.origin);
  if (!st.ok()) return st;
  dirty_ |= kDirtyPasswords;
  log(now, EventType::password_changed, static_cast<uint8_t>(c.password), 0, c.origin);
  return ok_status();
}

Status Bms::set_clock(const Command& c, Milliseconds now) {
  if (c.value < 0) return Status(Errc::out_of_range);
  rtc_base_s_ = static_cast<int64_t>(c.value) - now.count() / 1000;
  return ok_status();
}

Status Bms::shutdown(const Command& c, Milliseconds now) {
  forced_shutdown_ = true;  // the next tick powers down and logs it
  off_by_button_ = false;
  power_origin_ = c.origin;
  (void)now;
  return ok_status();
}

Status Bms::wake(const Command& c, Milliseconds now) {
  forced_shutdown_ = false;  // the next tick powers up and logs it
  off_by_button_ = false;
  power_origin_ = c.origin;
  (void)now;
  return ok_status();
}

Status Bms::reset_counters(const Command& c, Milliseconds now) {
  estimator_.reset_counters();
  dirty_ |= kDirtyCounters;
  log(now, EventType::counters_reset, 0, 0, c.origin);
  return ok_status();
}

}  // namespace softbms::core
