#include "host/ble/scan.hpp"

#include <algorithm>

#include "host/ble/address.hpp"
#include "host/ble/bus.hpp"
#include "host/loop/event_loop.hpp"

namespace softbms::host::ble {

bool looks_like_jk(const std::string& name, const std::vector<std::string>& uuids) {
  const std::string service = uuid16(kJkService);
  return name.starts_with("JK") || std::find(uuids.begin(), uuids.end(), service) != uuids.end();
}

Expected<std::vector<Seen>> scan(const ScanOptions& options) {
  if (Done d = check_adapter_name(options.adapter); !d) return d.error();
  auto bus = open_system_bus();
  if (!bus) return bus.error();
  sd_bus* b = bus.value().get();
  const std::string adapter = adapter_path(options.adapter);
  auto before = managed_objects(b);
  if (!before) return before.error();
  if (Done d = check_adapter(before.value(), options.adapter); !d) return d.error();
  if (Done d = start_discovery(b, options.adapter); !d) return d.error();
  idle(b, options.duration);
  // BlueZ keeps devices from earlier scans; only those with an RSSI were heard in this one,
  // and it is read while discovery is still on.
  auto objects = managed_objects(b);
  stop_discovery(b, options.adapter);
  if (!objects) return objects.error();
  std::vector<Seen> seen;
  for (auto& [path, ifaces] : objects.value()) {
    auto dev = ifaces.find(kDevice1);
    if (!path.starts_with(adapter + "/") || dev == ifaces.end()) continue;
    const Properties& p = dev->second;
    Seen s;
    s.address = text_of(p, "Address");
    s.name = text_of(p, "Name");
    if (s.name.empty()) s.name = text_of(p, "Alias");
    if (auto r = number_of(p, "RSSI")) s.rssi = static_cast<int>(*r);
    s.jk = looks_like_jk(s.name, list_of(p, "UUIDs"));
    if (s.rssi) seen.push_back(std::move(s));
  }
  std::sort(seen.begin(), seen.end(), [](const Seen& x, const Seen& y) {
    return x.rssi.value_or(-999) > y.rssi.value_or(-999);
  });
  return seen;
}

}  // namespace softbms::host::ble
