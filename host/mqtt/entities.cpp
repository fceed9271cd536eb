#include "host/mqtt/entities.hpp"

#include <array>

#include "core/io/alarm.hpp"
#include "core/settings/validate.hpp"
#include "host/text/param_text.hpp"
#include "host/text/snapshot_json.hpp"

namespace softbms::host::mqtt {
namespace {

using core::Param;

// One sensor read from the state JSON. expr is the Jinja expression inside {{ }}.
struct SensorRow {
  std::string_view key;
  std::string_view device_class;
  std::string_view unit;
  std::string_view state_class;
  int precision;
  std::string_view expr;
  std::string_view category{};  // empty: none
  bool enabled = true;
};

constexpr std::string_view kMeas = "measurement";
constexpr std::string_view kTotal = "total_increasing";

// clang-format off
constexpr std::array kSensors = {
  SensorRow{"total_voltage", "voltage", "V", kMeas, 3, "value_json.voltage"},
  SensorRow{"current", "current", "A", kMeas, 2, "value_json.current"},
  SensorRow{"power", "power", "W", kMeas, 2, "value_json.power"},
  SensorRow{"charging_power", "power", "W", kMeas, 2, "[value_json.power, 0] | max"},
  SensorRow{"discharging_power", "power", "W", kMeas, 2, "[0 - value_json.power, 0] | max"},
  SensorRow{"state_of_charge", "battery", "%", kMeas, 0, "value_json.soc"},
  SensorRow{"state_of_health", "", "%", kMeas, 0, "value_json.soh"},
  SensorRow{"state_of_charge_model", "battery", "%", kMeas, 1, "value_json.soc_model_permille / 10"},
  SensorRow{"state_of_charge_model_sigma", "", "%", kMeas, 1, "value_json.soc_model_sigma_permille / 10", "diagnostic"},
  SensorRow{"state_of_charge_coulomb", "battery", "%", kMeas, 1, "value_json.soc_coulomb_permille / 10"},
  SensorRow{"model_state_of_health", "", "%", kMeas, 1, "value_json.model_soh"},
  SensorRow{"model_capacity", "", "Ah", kMeas, 3, "value_json.model_capacity_ah"},
  SensorRow{"model_cell_resistance", "", "mΩ", kMeas, 3, "value_json.model_resistance_mohm", "diagnostic"},
  SensorRow{"model_current_offset", "current", "A", kMeas, 3, "value_json.model_current_offset", "diagnostic"},
  SensorRow{"capacity_remaining", "", "Ah", kMeas, 3, "value_json.remaining_ah"},
  SensorRow{"full_charge_capacity", "", "Ah", kMeas, 3, "value_json.full_capacity_ah"},
  SensorRow{"charging_cycles", "", "", kTotal, 0, "value_json.cycles"},
  SensorRow{"total_charging_cycle_capacity", "", "Ah", kTotal, 3, "value_json.cycle_capacity_ah"},
  // Energy in the form the Energy dashboard's battery slots accept.
  SensorRow{"total_charged_energy", "energy", "Wh", kTotal, 0, "value_json.charged_energy_wh"},
  SensorRow{"total_discharged_energy", "energy", "Wh", kTotal, 0, "value_json.discharged_energy_wh"},
  SensorRow{"total_runtime", "duration", "s", kTotal, 0, "value_json.runtime_s"},
  SensorRow{"min_cell_voltage", "voltage", "V", kMeas, 3, "value_json.cell_min"},
  SensorRow{"max_cell_voltage", "voltage", "V", kMeas, 3, "value_json.cell_max"},
  SensorRow{"average_cell_voltage", "voltage", "V", kMeas, 3, "value_json.cell_avg"},
  SensorRow{"delta_cell_voltage", "voltage", "V", kMeas, 3, "value_json.cell_delta"},
  // Cell numbers: labels, not quantities, so no state_class (no statistics of "cell 7").
  SensorRow{"min_voltage_cell", "", "", "", 0, "value_json.cell_min_index"},
  SensorRow{"max_voltage_cell", "", "", "", 0, "value_json.cell_max_index"},
  SensorRow{"balancing_current", "current", "A", kMeas, 2, "value_json.balance_current"},
  SensorRow{"heating_current", "current", "A", kMeas, 2, "value_json.heater_current"},
  SensorRow{"charge_voltage_limit", "voltage", "V", kMeas, 2, "value_json.charge_voltage_limit"},
  SensorRow{"charge_current_limit", "current", "A", kMeas, 1, "value_json.charge_current_limit"},
  SensorRow{"discharge_current_limit", "current", "A", kMeas, 1, "value_json.discharge_current_limit"},
  SensorRow{"emergency_time_countdown", "duration", "s", kMeas, 0, "value_json.emergency_remaining_s"},
  SensorRow{"smart_sleep_countdown", "duration", "s", kMeas, 0, "value_json.sleep_countdown_s"},
  SensorRow{"errors", "", "", "", -1, "value_json.errors"},
  SensorRow{"charge_status", "enum", "", "", -1, "value_json.charge_stage"},
  SensorRow{"errors_bitmask", "", "", "", 0, "value_json.alarm_bits", "diagnostic", false},
};

// Binary sensors: expr is the condition for ON.
struct BinaryRow {
  std::string_view key;
  std::string_view device_class;
  std::string_view expr;
};
// charging / discharging are the FETs (esphome-jk-bms's keys): a FET that is on lets current
// flow, it does not say current flows, so no battery_charging or power class; the heater is
// "running" when on (HA's "heat" would show a heater that is on as "Hot").
constexpr std::array kBinary = {
  BinaryRow{"charging", "", "value_json.charge_fet"},
  BinaryRow{"discharging", "", "value_json.discharge_fet"},
  BinaryRow{"balancing", "running", "value_json.balancing != 'off'"},
  BinaryRow{"heating", "running", "value_json.heater"},
  BinaryRow{"dry_contact_1", "", "value_json.dry_contact1"},
  BinaryRow{"dry_contact_2", "", "value_json.dry_contact2"},
  BinaryRow{"alarm", "problem", "value_json.alarm_bits > 0"},
};

// esphome-jk-bms's names for the parameters it exposes; the rest keep the table's name.
struct Alias {
  Param param;
  std::string_view key;
};
constexpr std::array kAliases = {
  Alias{Param::charge_enabled, "charging"},
  Alias{Param::discharge_enabled, "discharging"},
  Alias{Param::balance_enabled, "balancer"},
  Alias{Param::heating_enabled, "heating"},
  Alias{Param::smart_sleep_enabled, "smart_sleep"},
  Alias{Param::disable_temp_sensors, "disable_temperature_sensors"},
  Alias{Param::disable_pcl, "disable_pcl_module"},
  Alias{Param::float_mode, "charging_float_mode"},
  Alias{Param::dry_contact_intermittent, "dry_contact_alarm_intermittent"},
  Alias{Param::discharge_ocp2_enabled, "discharge_overcurrent_protection_2"},
  Alias{Param::discharge_ocp3_enabled, "discharge_overcurrent_protection_3"},
  Alias{Param::cell_ovp, "cell_voltage_overvoltage_protection"},
  Alias{Param::cell_ovpr, "cell_voltage_overvoltage_recovery"},
  Alias{Param::cell_uvp, "cell_voltage_undervoltage_protection"},
  Alias{Param::cell_uvpr, "cell_voltage_undervoltage_recovery"},
  Alias{Param::balance_trigger_delta, "balance_trigger_voltage"},
  Alias{Param::soc_100_voltage, "cell_soc100_voltage"},
  Alias{Param::soc_0_voltage, "cell_soc0_voltage"},
  Alias{Param::request_charge_voltage, "cell_request_charge_voltage"},
  Alias{Param::request_float_voltage, "cell_request_float_voltage"},
  Alias{Param::rcv_time, "cell_request_charge_voltage_time"},
  Alias{Param::rfv_time, "cell_request_float_voltage_time"},
  Alias{Param::rebulk_soc, "re_bulk_soc"},
  Alias{Param::design_capacity, "total_battery_capacity"},
  Alias{Param::start_balance_voltage, "balancing_start_voltage"},
  Alias{Param::charge_ocp_current, "max_charge_current"},
  Alias{Param::discharge_ocp_current, "max_discharge_current"},
  Alias{Param::charge_ocp_delay, "charge_overcurrent_protection_delay"},
  Alias{Param::charge_ocp_release, "charge_overcurrent_protection_recovery_time"},
  Alias{Param::discharge_ocp_delay, "discharge_overcurrent_protection_delay"},
  Alias{Param::discharge_ocp_release, "discharge_overcurrent_protection_recovery_time"},
  Alias{Param::scp_delay, "short_circuit_protection_delay"},
  Alias{Param::scp_release, "short_circuit_protection_recovery_time"},
  Alias{Param::charge_otp, "charge_overtemperature_protection"},
  Alias{Param::charge_otpr, "charge_overtemperature_protection_recovery"},
  Alias{Param::charge_utp, "charge_undertemperature_protection"},
  Alias{Param::charge_utpr, "charge_undertemperature_protection_recovery"},
  Alias{Param::discharge_otp, "discharge_overtemperature_protection"},
  Alias{Param::discharge_otpr, "discharge_overtemperature_protection_recovery"},
  Alias{Param::discharge_utp, "discharge_undertemperature_protection"},
  Alias{Param::discharge_utpr, "discharge_undertemperature_protection_recovery"},
  Alias{Param::precharge_time, "discharge_precharge_time"},
  Alias{Param::heating_start_temp, "heating_start_temperature"},
  Alias{Param::heating_stop_temp, "heating_stop_temperature"},
  Alias{Param::smart_sleep_hours, "smart_sleep_delay"},
  Alias{Param::emergency_minutes, "emergency_duration"},
};

// Home Assistant's device class for a number, by the table's unit. The unit and its scale are
// the JK app's (host::app_unit, the text table's): voltages, currents and capacities in V, A and
// Ah with 0.001 steps, as esphome-jk-bms shows them under the same keys, so automations carry
// over.
struct UnitClass {
  core::Unit unit;
  std::string_view device_class;
};
constexpr std::array kDeviceClasses = {
  UnitClass{core::Unit::mV, "voltage"},
  UnitClass{core::Unit::mA, "current"},
  UnitClass{core::Unit::s, "duration"},
  UnitClass{core::Unit::ms, "duration"},
  UnitClass{core::Unit::deci_celsius, "temperature"},
  UnitClass{core::Unit::h, "duration"},
  UnitClass{core::Unit::min, "duration"},
  UnitClass{core::Unit::deci_hour, "duration"},
};
// clang-format on

std::string name_of(std::string_view key) {
  std::string name(key);
  for (char& c : name) {
    if (c == '_') c = ' ';
  }
  if (!name.empty() && name[0] >= 'a' && name[0] <= 'z')
    name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name;
}

std::string key_of(Param p) {
  for (const auto& a : kAliases) {
    if (a.param == p) return std::string(a.key);
  }
  return std::string(core::info(p).name);
}

std::string tpl(std::string_view expr) {
  return "{{ " + std::string(expr) + " }}";
}

Entity sensor(const SensorRow& r) {
  Entity e;
  e.key = r.key;
  e.name = name_of(r.key);
  e.device_class = r.device_class;
  e.unit = r.unit;
  e.state_class = r.state_class;
  e.precision = r.precision;
  e.value_template = tpl(r.expr);
  e.category = r.category;
  e.enabled_by_default = r.enabled;
  return e;
}

Entity binary(std::string key, std::string_view device_class, std::string_view condition) {
  Entity e;
  e.component = Component::binary_sensor;
  e.name = name_of(key);
  e.key = std::move(key);
  e.device_class = device_class;
  e.value_template = "{{ 'ON' if " + std::string(condition) + " else 'OFF' }}";
  return e;
}

void add_cells(const core::Snapshot& s, std::vector<Entity>& out) {
  std::size_t pos = 0;  // the state JSON lists present cells only
  for (std::size_t i = 0; i < core::kMaxCells; ++i) {
    if ((s.cell_present_mask & (uint32_t{1} << i)) == 0) continue;
    const std::string n = std::to_string(i + 1);
    const std::string at = "value_json.cells[" + std::to_string(pos++) + "]";
    out.push_back(sensor({"", "voltage", "V", kMeas, 3, ""}));
    out.back().key = "cell_voltage_" + n;
    out.back().value_template = tpl(at + ".voltage");
    out.push_back(sensor({"", "", "Ω", kMeas, 3, "", "diagnostic", false}));
    out.back().key = "cell_resistance_" + n;
    out.back().value_template = tpl(at + ".wire_resistance_ohm");
  }
  for (std::size_t i = out.size() - 2 * pos; i < out.size(); ++i) out[i].name = name_of(out[i].key);
}

void add_temperatures(const core::Snapshot& s, std::vector<Entity>& out) {
  for (std::size_t i = 0; i < core::kMaxTempSensors; ++i) {
    if ((s.temp_present_mask & (1u << i)) == 0) continue;
    const bool mos = i == core::kMosSensor;
    Entity e = sensor({"", "temperature", "°C", kMeas, 1, ""});
    e.key = mos ? "mosfet_temperature" : "temperature_sensor_" + std::to_string(i);
    e.name = name_of(e.key);
    e.value_template = tpl(mos ? std::string("value_json.temperatures.mos")
                               : "value_json.temperatures.t" + std::to_string(i));
    out.push_back(std::move(e));
  }
}

void add_alarm_bits(std::vector<Entity>& out) {
  for (const auto& a : core::kAlarms) {
    const std::string mask = std::to_string(core::alarm_mask(a.bit));
    out.push_back(binary("alarm_" + std::string(a.name), "problem",
                         "(value_json.alarm_bits | int) // " + mask + " % 2 == 1"));
    out.back().name = std::string(a.words);  // JK's words; the key keeps the short name
    out.back().enabled_by_default = false;
  }
}

std::string_view device_class_of(core::Unit u) {
  for (const auto& m : kDeviceClasses) {
    if (m.unit == u) return m.device_class;
  }
  return {};
}

// Parameters offered as numbers: not flags, choices, masks, calibration factors, the DIP
// address or what JK fixes at the factory.
bool is_number(const core::ParamInfo& row) {
  return host::app_unit(row.unit).has_value() && row.max != core::kNoLimit &&
         row.id != Param::device_address && (row.flags & core::kFactoryFixed) == 0;
}

Entity command_entity(const core::ParamInfo& row, const core::Settings& settings) {
  Entity e;
  e.key = key_of(row.id);
  e.name = name_of(e.key);
  e.param = row.id;
  e.source = StateSource::settings;
  e.value_template = tpl("value_json." + std::string(row.name));
  if (row.unit == core::Unit::flag) {
    e.component = Component::switch_;
    if ((row.flags & core::kSwitch) == 0) e.category = "config";
    return e;
  }
  const host::DisplayUnit u = *host::app_unit(row.unit);
  const auto scale = static_cast<int32_t>(u.stored_per);
  const core::Range r = core::allowed_range(row.id, settings);  // the model's range
  e.component = Component::number;
  e.category = "config";
  e.device_class = device_class_of(row.unit);
  e.unit = u.symbol;
  e.scale = scale;
  e.min = static_cast<double>(r.min) / scale;
  e.max = static_cast<double>(r.max) / scale;
  e.step = 1.0 / scale;
  // The settings topic holds display values (settings_json); shown in the entity's unit.
  const int32_t div = core::unit_info(row.unit).display_divisor;
  if (scale != div)
    e.value_template =
        tpl("value_json." + std::string(row.name) + " / " + std::to_string(scale / div));
  return e;
}

}  // namespace

std::string_view component_name(Component c) {
  constexpr std::string_view names[] = {"sensor", "binary_sensor", "switch", "number"};
  return names[static_cast<std::size_t>(c)];
}

CommandClass command_class(const Entity& e) {
  if (!e.param) return CommandClass::none;
  return (core::info(*e.param).flags & core::kSwitch) != 0 ? CommandClass::switches
                                                           : CommandClass::settings;
}

std::vector<Entity> read_entities(const core::Snapshot& s) {
  std::vector<Entity> out;
  for (const auto& r : kSensors) {
    out.push_back(sensor(r));
    if (r.device_class == "enum")
      out.back().options.assign(kChargeStageNames.begin(), kChargeStageNames.end());
  }
  add_cells(s, out);
  add_temperatures(s, out);
  for (const auto& b : kBinary) out.push_back(binary(std::string(b.key), b.device_class, b.expr));
  add_alarm_bits(out);
  // Whether the board answers softbms (the link topic, ON/OFF): softbms's own availability
  // stays "online" while a monitored board is away, so this is what shows it.
  out.push_back(binary("board_connection", "connectivity", "value == 'ON'"));
  out.back().source = StateSource::link;
  out.back().category = "diagnostic";
  return out;
}

std::vector<Entity> command_entities(const core::Settings& settings) {
  std::vector<Entity> out;
  for (const auto& row : core::kParams) {
    if (row.unit == core::Unit::flag || is_number(row))
      out.push_back(command_entity(row, settings));
  }
  return out;
}

std::vector<Entity> announced_entities(const core::Snapshot& s, const core::Settings& settings,
                                       CommandClasses enabled) {
  std::vector<Entity> out = read_entities(s);
  for (auto& e : command_entities(settings)) {
    const CommandClass c = command_class(e);
    if ((c == CommandClass::switches && enabled.switches) ||
        (c == CommandClass::settings && enabled.settings)) {
      out.push_back(std::move(e));
    }
  }
  return out;
}

std::optional<Entity> find_command_entity(const core::Settings& settings, std::string_view key) {
  for (auto& e : command_entities(settings)) {
    if (e.key == key) return e;
  }
  return std::nullopt;
}

std::optional<core::Param> param_of_key(std::string_view key) {
  for (const auto& a : kAliases) {
    if (a.key == key) return a.param;
  }
  return core::param_from_name(key);
}

std::string slug(std::string_view name) {
  std::string out;
  bool gap = false;
  for (char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    } else if (!alnum) {
      gap = true;
      continue;
    }
    if (gap && !out.empty()) out += '_';
    gap = false;
    out += c;
  }
  return out;
}

}  // namespace softbms::host::mqtt
