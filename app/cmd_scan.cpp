// softbms scan [--adapter hciN] [--seconds S] [--all] [-o table|json]: the JK boards a
// Bluetooth adapter hears (through BlueZ), with their address for -p ble:ADDRESS.
#include <charconv>
#include <iomanip>
#include <ostream>

#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "host/ble/scan.hpp"
#include "support/text.hpp"

namespace softbms::app {
namespace {}  // namespace

int cmd_scan(const Args& args, Io io) {
  host::ble::ScanOptions o;
  if (auto a = args.option("adapter")) o.adapter = std::string(*a);
  if (auto s = args.option("seconds")) {
    int v = 0;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc() || p != s->data() + s->size() || v < 1 || v > 120) {
      io.err << "softbms scan: --seconds must be 1..120, got '" << *s << "'\n";
      return usage_hint(io, "scan");
    }
    o.duration = Milliseconds(int64_t{v} * 1000);
  }
  const std::string_view format = args.option("output").value_or("table");
  if (format != "table" && format != "json") {
    io.err << "softbms scan: -o must be table or json, got '" << format << "'\n";
    return usage_hint(io, "scan");
  }
  auto found = host::ble::scan(o);
  if (!found) {
    io.err << "softbms: " << found.error().message << "\n";
    return found.error().code == Errc::bad_value ? kUsage : kNoDevice;
  }
  const bool all = args.flag("all");
  std::vector<host::ble::Seen> shown;
  for (const auto& s : found.value()) {
    if (all || s.jk) shown.push_back(s);
  }
  if (format == "json") {
    // Names come off the air: anything that is not UTF-8 is replaced, never passed through.
    nlohmann::json list = nlohmann::json::array();
    for (const auto& s : shown)
      list.push_back({{"address", s.address},
                      {"name", s.name},
                      {"rssi_dbm", s.rssi.value_or(0)},
                      {"jk", s.jk}});
    io.out << list.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kOk;
  }
  if (shown.empty()) {
    io.err << "softbms: no " << (all ? "BLE device" : "JK board") << " heard on " << o.adapter
           << " in " << o.duration.count() / 1000 << " s"
           << (all ? "" : " (--all lists every device)") << "\n";
    return kNoDevice;
  }
  io.out << std::left << std::setw(19) << "ADDRESS" << std::setw(6) << "RSSI"
         << "NAME\n";
  for (const auto& s : shown)
    // A name is whatever a radio nearby advertises.
    io.out << std::setw(19) << support::printable(s.address) << std::setw(6) << s.rssi.value_or(0)
           << support::printable(s.name) << "\n";
  return kOk;
}

}  // namespace softbms::app
