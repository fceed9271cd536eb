#include "host/client/format.hpp"
#include "support/text.hpp"

#include <cstdio>
#include <sstream>

#include "core/io/alarm.hpp"
#include "host/text/param_text.hpp"
#include "host/text/snapshot_json.hpp"

namespace softbms::host::client {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 3> kFormatNames = {"table", "json", "csv"};

using support::fixed;

std::string scalar(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// "cells.0.voltage,3.246" rows: every leaf of the JSON, in its order.
void flatten(const json& v, const std::string& key, std::string& out) {
  if (v.is_object() || v.is_array()) {
    if (v.is_array() && v.empty()) out += key + ",\n";
    std::size_t i = 0;
    for (auto it = v.begin(); it != v.end(); ++it, ++i) {
      std::string path = key;
      if (!path.empty()) path += '.';
      path += v.is_object() ? it.key() : std::to_string(i);
      flatten(*it, path, out);
    }
    return;
  }
  std::string text = scalar(v);
  if (text.find(',') != std::string::npos) text = "\"" + text + "\"";
  out += key + "," + text + "\n";
}

std::string temp_text(const core::Snapshot& s, std::size_t i) {
  return (s.temp_present_mask & (1u << i)) != 0 ? fixed(s.temp[i].count() / 10.0, 1) + " °C" : "-";
}

std::string status_table(const core::Snapshot& s, const core::DeviceInfo* info) {
  std::ostringstream o;
  if (info != nullptr) {
    // The board's texts come off the wire: nothing in them may reach the terminal as a control.
    o << "board     " << support::printable(info->model.view()) << "  hw "
      << support::printable(info->hw_version.view()) << "  sw "
      << support::printable(info->sw_version.view()) << "\n";
  }
  o << "pack      " << fixed(s.pack_voltage.count() / 1000.0, 3) << " V  "
    << fixed(s.current.count() / 1000.0, 3) << " A  "
    << fixed(static_cast<double>(s.power.count()) / 1000.0, 1) << " W  SOC " << int(s.soc_percent)
    << " %  SOH " << int(s.soh_percent) << " %\n";
  o << "capacity  " << fixed(static_cast<double>(s.remaining.count()) / 1000.0, 3) << " / "
    << fixed(static_cast<double>(s.full_capacity.count()) / 1000.0, 3) << " Ah  cycles " << s.cycles
    << "\n";
  o << "cells     " << int(s.cell_count) << "  min " << fixed(s.cell_min.count() / 1000.0, 3)
    << " V (#" << s.cell_min_index + 1 << ")  max " << fixed(s.cell_max.count() / 1000.0, 3)
    << " V (#" << s.cell_max_index + 1 << ")  delta " << fixed(s.cell_delta.count() / 1000.0, 3)
    << " V\n";
  o << "temps     MOS " << temp_text(s, 0);
  for (std::size_t i = 1; i < core::kMaxTempSensors; ++i) {
    if ((s.temp_present_mask & (1u << i)) != 0) o << "  T" << i << " " << temp_text(s, i);
  }
  o << "\nswitches  charge " << (s.charge_fet ? "on" : "off") << "  discharge "
    << (s.discharge_fet ? "on" : "off") << "  balancing "
    << (s.balance_state != core::BalanceState::off ? "on" : "off") << "\n";
  std::string alarms;
  for (const auto& name : alarm_names(s.alarms))
    alarms += (alarms.empty() ? "" : ", ") + name.get<std::string>();
  o << "alarms    " << (alarms.empty() ? "none" : alarms) << "\n";
  o << "runtime   " << s.runtime.count() << " s\n";
  return o.str();
}

json cells_json(const core::Snapshot& s) {
  const json all = snapshot_json(s);
  json out = json::object();
  for (const char* key :
       {"cell_count", "cells", "cell_avg", "cell_delta", "cell_min", "cell_min_index", "cell_max",
        "cell_max_index", "balancing", "balance_current"}) {
    out[key] = all[key];
  }
  return out;
}

std::vector<core::Param> chosen(const BoardSettings& b, std::span<const core::Param> names) {
  if (!names.empty()) return {names.begin(), names.end()};
  std::vector<core::Param> out;
  for (const core::ParamInfo& row : core::kParams) {
    if (b.carried[static_cast<std::size_t>(row.id)]) out.push_back(row.id);
  }
  return out;
}

std::string event_detail(const core::Event& e) {
  using core::EventType;
  if (e.type == EventType::protection_trip || e.type == EventType::protection_release) {
    for (const auto& a : core::kAlarms) {
      if (static_cast<uint8_t>(a.bit) == e.arg) return std::string(a.name);
    }
  }
  if ((e.type == EventType::switch_changed || e.type == EventType::setting_changed) &&
      e.arg < core::kParamCount) {
    const auto p = static_cast<core::Param>(e.arg);
    return std::string(core::info(p).name) + " = " + value_with_unit(p, e.value);
  }
  return e.arg != 0 ? std::to_string(e.arg) : "";
}

}  // namespace

std::optional<Format> format_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kFormatNames.size(); ++i) {
    if (kFormatNames[i] == name) return static_cast<Format>(i);
  }
  return std::nullopt;
}

std::string value_with_unit(core::Param p, int32_t raw) {
  const std::string_view unit = core::unit_info(core::info(p).unit).symbol;
  return format_display(p, raw) + (unit.empty() ? "" : " " + std::string(unit));
}

std::string rtc_text(uint32_t s) {
  // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
  constexpr int64_t kEpoch2020 = 1577836800;
  const int64_t t = kEpoch2020 + s;
  const int64_t z = t / 86400 + 719468;
  const int64_t secs = t % 86400;
  const int64_t era = z / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld",
                static_cast<long long>(year), static_cast<long long>(month),
                static_cast<long long>(day), static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

std::string format_status(const core::Snapshot& s, const core::DeviceInfo* info, Format f) {
  if (f == Format::json) return snapshot_json(s).dump(2) + "\n";
  if (f == Format::table) return status_table(s, info);
  std::string out = "field,value\n";
  flatten(snapshot_json(s), "", out);
  return out;
}

std::string format_cells(const core::Snapshot& s, Format f) {
  if (f == Format::json) return cells_json(s).dump(2) + "\n";
  std::ostringstream o;
  o << (f == Format::csv ? "cell,voltage_v,wire_resistance_ohm\n" : "cell  voltage   wire\n");
  for (std::size_t i = 0; i < core::kMaxCells; ++i) {
    if ((s.cell_present_mask & (uint32_t{1} << i)) == 0) continue;
    const std::string v = fixed(s.cell[i].count() / 1000.0, 3);
    const std::string r = fixed(s.wire_resistance[i].count() / 1000.0, 3);
    if (f == Format::csv) {
      o << i + 1 << "," << v << "," << r << "\n";
    } else {
      char line[64];
      std::snprintf(line, sizeof line, "%4zu  %s V  %s Ohm%s\n", i + 1, v.c_str(), r.c_str(),
                    i == s.cell_max_index ? "  max" : (i == s.cell_min_index ? "  min" : ""));
      o << line;
    }
  }
  if (f == Format::table) {
    o << "delta " << fixed(s.cell_delta.count() / 1000.0, 3) << " V  average "
      << fixed(s.cell_avg.count() / 1000.0, 3) << " V\n";
  }
  return o.str();
}

std::string format_settings(const BoardSettings& b, std::span<const core::Param> names, Format f) {
  const std::vector<core::Param> params = chosen(b, names);
  if (f == Format::json) {
    json j = json::object();
    for (core::Param p : params)
      j[std::string(core::info(p).name)] = display_json(p, b.values.raw(p));
    return j.dump(2) + "\n";
  }
  std::ostringstream o;
  if (f == Format::csv) o << "name,value,unit\n";
  for (core::Param p : params) {
    const core::ParamInfo& row = core::info(p);
    if (f == Format::csv) {
      o << row.name << "," << format_display(p, b.values.raw(p)) << ","
        << core::unit_info(row.unit).symbol << "\n";
    } else {
      char line[96];
      std::snprintf(line, sizeof line, "%-26s %s\n", std::string(row.name).c_str(),
                    value_with_unit(p, b.values.raw(p)).c_str());
      o << line;
    }
  }
  return o.str();
}

std::string format_events(std::span<const core::Event> events, Format f) {
  if (f == Format::json) {
    json all = json::array();
    for (const core::Event& e : events) {
      all.push_back({{"time_s", e.time_s},
                     {"time", rtc_text(e.time_s)},
                     {"event", core::kEventNames[static_cast<std::size_t>(e.type)]},
                     {"detail", event_detail(e)},
                     {"value", e.value}});
    }
    return all.dump(2) + "\n";
  }
  std::ostringstream o;
  if (f == Format::csv) o << "time_s,time,event,detail,value\n";
  for (const core::Event& e : events) {
    const std::string_view name = core::kEventNames[static_cast<std::size_t>(e.type)];
    if (f == Format::csv) {
      o << e.time_s << "," << rtc_text(e.time_s) << "," << name << "," << event_detail(e) << ","
        << e.value << "\n";
    } else {
      o << rtc_text(e.time_s) << "  " << name << "  " << event_detail(e) << "\n";
    }
  }
  if (f == Format::table && events.empty()) o << "(the logbook is empty)\n";
  return o.str();
}

}  // namespace softbms::host::client
