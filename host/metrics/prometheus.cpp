#include "host/metrics/prometheus.hpp"

#include <array>

#include "core/io/alarm.hpp"
#include "core/store/layout.hpp"

namespace softbms::host::metrics {
namespace {

// Appends samples of one family: name{pack="..",extra} value.
class Out {
 public:
  Out(std::string& text, std::string_view name, const PackMetrics& p)
      : text_(text), name_(name), pack_(escape_label(p.pack)) {}
  void add(const std::string& value, std::string_view label = {},
           std::string_view label_value = {}) {
    text_ += name_;
    text_ += "{pack=\"" + pack_ + "\"";
    if (!label.empty())
      text_ += "," + std::string(label) + "=\"" + escape_label(label_value) + "\"";
    text_ += "} " + value + "\n";
  }
  void raw_labels(const std::string& labels, const std::string& value) {
    text_ += name_;
    text_ += "{pack=\"" + pack_ + "\"" + labels + "} " + value + "\n";
  }

 private:
  std::string& text_;
  std::string_view name_;
  std::string pack_;
};

using Emit = void (*)(const PackMetrics&, Out&);

struct Family {
  std::string_view name;
  std::string_view type;
  std::string_view help;
  Emit emit;
  bool when_down = false;  // also emitted when the pack is not up
};

const core::Snapshot& snap(const PackMetrics& p) {
  return p.snapshot;
}
std::string volts(Millivolts v) {
  return fixed(v.count(), 3);
}
std::string amps(Milliamps i) {
  return fixed(i.count(), 3);
}
// Coulombs, the base unit promtool accepts (1 mAh = 3.6 C; Ah = C / 3600).
std::string coulombs(MilliampHours q) {
  return fixed(q.count() * 36, 1);
}
std::string flag(bool b) {
  return b ? "1" : "0";
}
// 1 mWh = 3.6 J.
std::string joules(MilliwattHours e) {
  return fixed(e.count() * 36, 1);
}

bool cell_present(const core::Snapshot& s, std::size_t i) {
  return (s.cell_present_mask & (uint32_t{1} << i)) != 0;
}

void per_cell(const PackMetrics& p, Out& o,
              std::string (*value)(const core::Snapshot&, std::size_t)) {
  for (std::size_t i = 0; i < core::kMaxCells; ++i) {
    if (cell_present(snap(p), i)) o.add(value(snap(p), i), "cell", std::to_string(i + 1));
  }
}

void info(const PackMetrics& p, Out& o) {
  const auto& d = p.device;
  o.raw_labels(",serial=\"" + escape_label(d.serial_number.view()) + "\",model=\"" +
                   escape_label(d.model.view()) + "\",hw_version=\"" +
                   escape_label(d.hw_version.view()) + "\",sw_version=\"" +
                   escape_label(d.sw_version.view()) + "\"",
               "1");
}

void temperatures(const PackMetrics& p, Out& o) {
  for (std::size_t i = 0; i < core::kMaxTempSensors; ++i) {
    if ((snap(p).temp_present_mask & (1u << i)) == 0) continue;
    o.add(fixed(snap(p).temp[i].count(), 1), "sensor",
          i == core::kMosSensor ? "mosfet" : "t" + std::to_string(i));
  }
}

void mosfets(const PackMetrics& p, Out& o) {
  o.add(flag(snap(p).charge_fet), "mosfet", "charge");
  o.add(flag(snap(p).discharge_fet), "mosfet", "discharge");
  o.add(flag(snap(p).precharge), "mosfet", "precharge");
}

void alarms(const PackMetrics& p, Out& o) {
  for (const auto& a : core::kAlarms)
    o.add(flag((snap(p).alarms & core::alarm_mask(a.bit)) != 0), "alarm", a.name);
}

void store_damage(const PackMetrics& p, Out& o) {
  for (const auto& r : core::kRecords)
    o.add(flag((snap(p).store_damage & (1u << static_cast<unsigned>(r.id))) != 0), "record",
          r.name);
}

bool balancing_cell(const core::Snapshot& s, std::size_t i) {
  return s.balance_state != core::BalanceState::off &&
         (s.balance_source == i || s.balance_sink == i);
}

// clang-format off
const std::array kFamilies = {
  Family{"jkbms_up", "gauge", "1 when the last read of the pack succeeded", [](const PackMetrics& p, Out& o) { o.add(flag(p.up)); }, true},
  Family{"jkbms_info", "gauge", "Identity of the board (value always 1)", info, true},
  Family{"jkbms_pack_voltage_volts", "gauge", "Pack voltage", [](const PackMetrics& p, Out& o) { o.add(volts(snap(p).pack_voltage)); }},
  Family{"jkbms_current_amperes", "gauge", "Pack current, positive while charging", [](const PackMetrics& p, Out& o) { o.add(amps(snap(p).current)); }},
  Family{"jkbms_power_watts", "gauge", "Pack power, positive while charging", [](const PackMetrics& p, Out& o) { o.add(fixed(snap(p).power.count(), 3)); }},
  Family{"jkbms_cell_voltage_volts", "gauge", "Cell voltage", [](const PackMetrics& p, Out& o) { per_cell(p, o, [](const core::Snapshot& s, std::size_t i) { return volts(s.cell[i]); }); }},
  Family{"jkbms_cell_wire_resistance_ohms", "gauge", "Balance-lead resistance per cell", [](const PackMetrics& p, Out& o) { per_cell(p, o, [](const core::Snapshot& s, std::size_t i) { return fixed(s.wire_resistance[i].count(), 3); }); }},
  Family{"jkbms_cell_balancing", "gauge", "1 while the balancer moves charge from or to the cell", [](const PackMetrics& p, Out& o) { per_cell(p, o, [](const core::Snapshot& s, std::size_t i) { return flag(balancing_cell(s, i)); }); }},
  Family{"jkbms_cell_voltage_min_volts", "gauge", "Lowest cell voltage", [](const PackMetrics& p, Out& o) { o.add(volts(snap(p).cell_min)); }},
  Family{"jkbms_cell_voltage_max_volts", "gauge", "Highest cell voltage", [](const PackMetrics& p, Out& o) { o.add(volts(snap(p).cell_max)); }},
  Family{"jkbms_cell_voltage_average_volts", "gauge", "Average cell voltage", [](const PackMetrics& p, Out& o) { o.add(volts(snap(p).cell_avg)); }},
  Family{"jkbms_cell_voltage_delta_volts", "gauge", "Highest minus lowest cell voltage", [](const PackMetrics& p, Out& o) { o.add(volts(snap(p).cell_delta)); }},
  Family{"jkbms_balance_current_amperes", "gauge", "Balancer current (negative while taking from the high cell)", [](const PackMetrics& p, Out& o) { o.add(amps(snap(p).balance_current)); }},
  Family{"jkbms_temperature_celsius", "gauge", "Temperature per sensor (mosfet, t1..t5)", temperatures},
  Family{"jkbms_state_of_charge_ratio", "gauge", "State of charge, 0 to 1", [](const PackMetrics& p, Out& o) { o.add(fixed(snap(p).soc_permille, 3)); }},
  Family{"jkbms_state_of_health_ratio", "gauge", "State of health, 0 to 1", [](const PackMetrics& p, Out& o) { o.add(fixed(snap(p).soh_percent, 2)); }},
  Family{"jkbms_state_of_charge_model_ratio", "gauge", "State of charge of the model-based estimator, 0 to 1", [](const PackMetrics& p, Out& o) { o.add(fixed(snap(p).soc_model_permille, 3)); }},
  Family{"jkbms_state_of_charge_model_sigma_ratio", "gauge", "The model-based estimator's doubt about its state of charge, one standard deviation, 0 to 1", [](const PackMetrics& p, Out& o) { o.add(fixed(snap(p).soc_model_sigma_permille, 3)); }},
  Family{"jkbms_state_of_charge_coulomb_ratio", "gauge", "State of charge of the coulomb counter, 0 to 1", [](const PackMetrics& p, Out& o) { o.add(fixed(snap(p).soc_coulomb_permille, 3)); }},
  Family{"jkbms_model_state_of_health_ratio", "gauge", "Learned capacity of the weakest cell over the design capacity", [](const PackMetrics& p, Out& o) { o.add(fixed(snap(p).model_soh_permille, 3)); }},
  Family{"jkbms_model_capacity_coulombs", "gauge", "Usable capacity learned by the model-based estimator", [](const PackMetrics& p, Out& o) { o.add(coulombs(snap(p).model_capacity)); }},
  Family{"jkbms_model_cell_resistance_ohms", "gauge", "Series resistance per cell learned by the model-based estimator (mean, at 25 C)", [](const PackMetrics& p, Out& o) { o.add(fixed(snap(p).model_r0.count(), 6)); }},
  Family{"jkbms_model_current_offset_amperes", "gauge", "Current-sensor offset learned by the model-based estimator (measured minus true)", [](const PackMetrics& p, Out& o) { o.add(amps(snap(p).model_current_offset)); }},
  Family{"jkbms_capacity_remaining_coulombs", "gauge", "Remaining capacity", [](const PackMetrics& p, Out& o) { o.add(coulombs(snap(p).remaining)); }},
  Family{"jkbms_capacity_full_coulombs", "gauge", "Full-charge capacity (learned)", [](const PackMetrics& p, Out& o) { o.add(coulombs(snap(p).full_capacity)); }},
  Family{"jkbms_capacity_design_coulombs", "gauge", "Design capacity", [](const PackMetrics& p, Out& o) { o.add(coulombs(snap(p).design_capacity)); }},
  Family{"jkbms_discharge_coulombs_total", "counter", "Charge taken out of the pack since first power-on (cycle capacity)", [](const PackMetrics& p, Out& o) { o.add(coulombs(snap(p).cycle_capacity)); }},
  Family{"jkbms_charge_energy_joules_total", "counter", "Energy put into the pack", [](const PackMetrics& p, Out& o) { o.add(joules(snap(p).charged_energy)); }},
  Family{"jkbms_discharge_energy_joules_total", "counter", "Energy taken out of the pack", [](const PackMetrics& p, Out& o) { o.add(joules(snap(p).discharged_energy)); }},
  Family{"jkbms_cycles_total", "counter", "Charge cycles counted by the BMS", [](const PackMetrics& p, Out& o) { o.add(std::to_string(snap(p).cycles)); }},
  Family{"jkbms_runtime_seconds_total", "counter", "Time the board has run since first power-on", [](const PackMetrics& p, Out& o) { o.add(std::to_string(snap(p).runtime.count())); }},
  Family{"jkbms_uptime_seconds", "gauge", "Time since the board started", [](const PackMetrics& p, Out& o) { o.add(fixed(snap(p).uptime.count(), 3)); }},
  Family{"jkbms_mosfet_enabled", "gauge", "1 while the MOSFET is on", mosfets},
  Family{"jkbms_heater_enabled", "gauge", "1 while the heater is on", [](const PackMetrics& p, Out& o) { o.add(flag(snap(p).heater)); }},
  Family{"jkbms_alarm", "gauge", "1 while the JK alarm bit is set", alarms},
  Family{"jkbms_charge_voltage_limit_volts", "gauge", "Charge voltage limit told to the inverter", [](const PackMetrics& p, Out& o) { o.add(volts(snap(p).charge_voltage_limit)); }},
  Family{"jkbms_charge_current_limit_amperes", "gauge", "Charge current limit told to the inverter", [](const PackMetrics& p, Out& o) { o.add(amps(snap(p).charge_current_limit)); }},
  Family{"jkbms_discharge_current_limit_amperes", "gauge", "Discharge current limit told to the inverter", [](const PackMetrics& p, Out& o) { o.add(amps(snap(p).discharge_current_limit)); }},
  Family{"jkbms_store_record_lost", "gauge", "1 when the stored record was unreadable at start and defaults are in use", store_damage},
  Family{"jkbms_rejected_commands_total", "counter", "Commands the BMS rejected as bad input", [](const PackMetrics& p, Out& o) { o.add(std::to_string(snap(p).rejected_commands)); }},
  Family{"jkbms_last_sample_timestamp_seconds", "gauge", "Unix time of the last values read, for staleness alerts", [](const PackMetrics& p, Out& o) { if (p.sample_unix_ms != 0) o.add(fixed(p.sample_unix_ms, 3)); }, true},
  Family{"jkbms_mqtt_connected", "gauge", "1 while the pack's MQTT client is connected to the broker", [](const PackMetrics& p, Out& o) { if (p.mqtt_connected) o.add(flag(*p.mqtt_connected)); }, true},
};
// clang-format on

}  // namespace

std::string fixed(int64_t v, int decimals) {
  if (decimals <= 0) return std::to_string(v);
  int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const bool negative = v < 0;
  const uint64_t mag = negative ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  std::string out = (negative ? "-" : "") + std::to_string(mag / static_cast<uint64_t>(scale));
  std::string frac = std::to_string(mag % static_cast<uint64_t>(scale));
  if (frac.size() < static_cast<std::size_t>(decimals)) {
    frac.insert(0, static_cast<std::size_t>(decimals) - frac.size(), '0');
  }
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (!frac.empty()) out += "." + frac;
  return out;
}

std::string escape_label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string prometheus_text(std::span<const PackMetrics> packs) {
  std::string text;
  for (const auto& f : kFamilies) {
    text += "# HELP " + std::string(f.name) + " " + std::string(f.help) + "\n";
    text += "# TYPE " + std::string(f.name) + " " + std::string(f.type) + "\n";
    for (const auto& p : packs) {
      if (!p.up && !f.when_down) continue;
      Out o(text, f.name, p);
      f.emit(p, o);
    }
  }
  return text;
}

std::string prometheus_text(const PackMetrics& pack) {
  return prometheus_text(std::span(&pack, 1));
}

}  // namespace softbms::host::metrics
