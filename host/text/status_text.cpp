#include "host/text/status_text.hpp"

#include "host/text/snapshot_json.hpp"
#include "support/text.hpp"

namespace softbms::host {
namespace {

using support::fixed;

const char* on_off(bool on) {
  return on ? "on" : "off";
}

}  // namespace

std::string snapshot_status(const core::Snapshot& s) {
  std::string line = fixed(static_cast<double>(s.pack_voltage.count()) / 1000.0, 3, false) +
                     " V  " + fixed(static_cast<double>(s.current.count()) / 1000.0, 2, true) +
                     " A  SOC " + std::to_string(s.soc_percent) + " %  CHG " +
                     on_off(s.charge_fet) + "  DSG " + on_off(s.discharge_fet) + "  alarms ";
  const nlohmann::json names = alarm_names(s.alarms);
  if (names.empty()) line += "-";
  for (std::size_t i = 0; i < names.size(); ++i)
    line += (i > 0 ? "," : "") + names[i].get<std::string>();
  return line;
}

}  // namespace softbms::host
