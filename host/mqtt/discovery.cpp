#include "host/mqtt/discovery.hpp"

#include <algorithm>

#include "core/io/alarm.hpp"
#include "host/text/snapshot_json.hpp"

namespace softbms::host::mqtt {
namespace {

std::string text(std::string_view v) {
  return std::string(v);
}

nlohmann::json device_block(const DiscoveryContext& ctx) {
  const auto& d = ctx.device;
  const std::string& name = ctx.config.pack_name.empty() ? ctx.config.pack : ctx.config.pack_name;
  nlohmann::json dev = {
      {"identifiers", {device_id(ctx)}}, {"name", name}, {"manufacturer", "Jikong"}};
  if (!d.model.empty()) dev["model"] = text(d.model.view());
  if (!d.sw_version.empty()) dev["sw_version"] = text(d.sw_version.view());
  if (!d.hw_version.empty()) dev["hw_version"] = text(d.hw_version.view());
  if (!d.serial_number.empty()) dev["serial_number"] = text(d.serial_number.view());
  if (!ctx.config.configuration_url.empty())
    dev["configuration_url"] = ctx.config.configuration_url;
  return dev;
}

// A sensor goes unavailable when three state intervals pass without an update (a hung
// publisher whose connection the broker still holds), never sooner than 30 s.
int64_t expire_after_s(const MqttConfig& c) {
  const int64_t three = (3 * c.state_interval.count() + 999) / 1000;
  return std::max<int64_t>(three, 30);
}

void add_if(nlohmann::json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}

void add_command_keys(const DiscoveryContext& ctx, const Entity& e, nlohmann::json& j) {
  j["command_topic"] = command_topic(ctx.topics, e.key);
  j["optimistic"] = false;
  if (e.component == Component::switch_) {
    j["payload_on"] = "ON";
    j["payload_off"] = "OFF";
    j["state_on"] = "1";
    j["state_off"] = "0";
  } else {
    j["min"] = e.min;
    j["max"] = e.max;
    j["step"] = e.step;
    j["mode"] = "box";
  }
}

}  // namespace

DiscoveryContext discovery_context(const MqttConfig& config, const core::DeviceInfo& device) {
  return {config, topics_for(config), device};
}

std::string device_id(const DiscoveryContext& ctx) {
  const auto serial = ctx.device.serial_number.view();
  if (!ctx.config.device_key.empty()) return "jkbms_" + sanitize_id(ctx.config.device_key);
  return "jkbms_" + sanitize_id(serial.empty() ? std::string_view(ctx.config.pack) : serial);
}

std::string unique_id(const DiscoveryContext& ctx, const Entity& e) {
  if (e.component == Component::sensor) return device_id(ctx) + "_" + e.key;
  return device_id(ctx) + "_" + text(component_name(e.component)) + "_" + e.key;
}

std::string discovery_topic(const DiscoveryContext& ctx, const Entity& e) {
  return ctx.config.discovery_prefix + "/" + text(component_name(e.component)) + "/" +
         unique_id(ctx, e) + "/config";
}

nlohmann::json discovery_payload(const DiscoveryContext& ctx, const Entity& e) {
  const std::string component(component_name(e.component));
  const std::string& pack_name =
      ctx.config.pack_name.empty() ? ctx.config.pack : ctx.config.pack_name;
  nlohmann::json j = {
      {"name", e.name},
      {"unique_id", unique_id(ctx, e)},
      {"default_entity_id", component + "." + slug(pack_name) + "_" + e.key},
      {"state_topic", e.source == StateSource::state  ? ctx.topics.state
                      : e.source == StateSource::link ? ctx.topics.link
                                                      : ctx.topics.settings},
      {"value_template", e.value_template},
      {"availability",
       {{{"topic", ctx.topics.availability},
         {"payload_available", "online"},
         {"payload_not_available", "offline"}}}},
      {"availability_mode", "all"},
      {"device", device_block(ctx)},
      {"origin", {{"name", "softbms"}, {"sw_version", ctx.config.sw_version}}},
  };
  add_if(j, "device_class", e.device_class);
  add_if(j, "unit_of_measurement", e.unit);
  add_if(j, "state_class", e.state_class);
  add_if(j, "entity_category", e.category);
  if (e.precision >= 0) j["suggested_display_precision"] = e.precision;
  if (!e.options.empty()) j["options"] = e.options;
  if (!e.enabled_by_default) j["enabled_by_default"] = false;
  if (e.source == StateSource::state) j["expire_after"] = expire_after_s(ctx.config);
  if (e.param) add_command_keys(ctx, e, j);
  return j;
}

std::vector<Message> discovery_messages(const DiscoveryContext& ctx, const core::Snapshot& s,
                                        const core::Settings& settings) {
  std::vector<Message> out;
  const auto& on = ctx.config.commands;
  for (const auto& e : announced_entities(s, settings, on)) {
    out.push_back({discovery_topic(ctx, e), discovery_payload(ctx, e).dump(), true});
  }
  for (const auto& e : command_entities(settings)) {
    const CommandClass c = command_class(e);
    const bool enabled = c == CommandClass::switches ? on.switches : on.settings;
    if (!enabled) out.push_back({discovery_topic(ctx, e), "", true});
  }
  return out;
}

std::string alarm_words(uint32_t alarms) {
  std::string out;
  for (const auto& a : core::kAlarms) {
    if ((alarms & core::alarm_mask(a.bit)) == 0) continue;
    if (!out.empty()) out += ';';
    out += a.words;
  }
  return out;
}

nlohmann::json state_payload(const core::Snapshot& s, int64_t unix_ms) {
  nlohmann::json j = snapshot_json(s);
  j["ts"] = unix_ms;
  j["errors"] = alarm_words(s.alarms);
  return j;
}

std::string result_payload(bool ok, std::string_view reason) {
  nlohmann::json j = {{"ok", ok}};
  if (!ok) j["reason"] = reason;
  // The reason quotes the topic's key, which a hostile client chose: bytes that are not UTF-8
  // become U+FFFD instead of an exception that would end the process (found by fuzzing).
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace softbms::host::mqtt
