// Home Assistant MQTT discovery ([HA-MQTT]) and the state payloads, as pure functions so
// they are tested without a broker.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/io/device_info.hpp"
#include "core/io/snapshot.hpp"
#include "core/settings/settings.hpp"
#include "host/mqtt/config.hpp"
#include "host/mqtt/entities.hpp"
#include "host/mqtt/topics.hpp"

namespace softbms::host::mqtt {

struct Message {
  std::string topic;
  std::string payload;
  bool retain = false;
};

struct DiscoveryContext {
  MqttConfig config;
  Topics topics;
  core::DeviceInfo device;
};
DiscoveryContext discovery_context(const MqttConfig& config, const core::DeviceInfo& device);

// "jkbms_<serial>" (the pack id when the board has no serial): stable across restarts and
// renames, never derived from the gateway.
std::string device_id(const DiscoveryContext& ctx);
// Sensors: <device id>_<key>; other components: <device id>_<component>_<key> (a switch and a
// binary sensor share the key "charging").
std::string unique_id(const DiscoveryContext& ctx, const Entity& e);
// <prefix>/<component>/<unique id>/config
std::string discovery_topic(const DiscoveryContext& ctx, const Entity& e);
nlohmann::json discovery_payload(const DiscoveryContext& ctx, const Entity& e);

// One retained config per announced entity, and an empty retained payload (which deletes the
// entity in Home Assistant) for every command entity of a class that is switched off.
std::vector<Message> discovery_messages(const DiscoveryContext& ctx, const core::Snapshot& s,
                                        const core::Settings& settings);

// The snapshot JSON (host/text) plus "ts" (Unix ms) and "errors" (alarm words, ';'-joined,
// "" when there is none), as esphome-jk-bms's errors text sensor.
nlohmann::json state_payload(const core::Snapshot& s, int64_t unix_ms);
std::string alarm_words(uint32_t alarms);

// {"ok": true} or {"ok": false, "reason": "..."} for <root>/<key>/result.
std::string result_payload(bool ok, std::string_view reason);

}  // namespace softbms::host::mqtt
