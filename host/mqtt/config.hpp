// What an MQTT publisher is told: where the broker is, how topics are named, what may be
// commanded. Commands are off unless a class is switched on (the issue: opt-in per class).
#pragma once

#include <cstdint>
#include <string>

#include "core/base/units.hpp"

namespace softbms::host::mqtt {

struct CommandClasses {
  bool switches = false;  // charge / discharge / balance / heating switches
  bool settings = false;  // protection thresholds and other parameters
};

struct MqttConfig {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string username;  // empty = anonymous
  std::string password;
  bool tls = false;       // TLS, the server's certificate checked (host name included)
  std::string ca_file;    // the CA to check it with; empty = the system's (/etc/ssl/certs)
  std::string client_id;  // empty = "softbms-<pack>"
  // Topics: <base>/<pack>/state, .../availability, .../settings, .../<key>/set, .../<key>/result.
  // A site goes into the base ("jkbms/garage") so bridged brokers need no remapping.
  std::string base = "jkbms";
  std::string pack = "pack1";  // [A-Za-z0-9_-]; other characters become '_'
  std::string pack_name;       // what Home Assistant shows; empty = pack
  // The device's id in Home Assistant (jkbms_<device_key>); empty = the serial number. Packs of
  // a parallel bank share the master's device info, so each gets its own key.
  std::string device_key;
  std::string discovery_prefix = "homeassistant";
  bool discovery = true;
  Milliseconds state_interval{5000};
  CommandClasses commands{};
  std::string configuration_url;     // the web dashboard, linked from the HA device page
  std::string sw_version = "0.1.0";  // softbms version, for the origin block
};

}  // namespace softbms::host::mqtt
