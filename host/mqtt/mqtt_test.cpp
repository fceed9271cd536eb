#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/io/alarm.hpp"
#include "core/settings/validate.hpp"
#include "host/mqtt/commands.hpp"
#include "host/mqtt/discovery.hpp"

namespace softbms::host::mqtt {
namespace {

core::Settings lfp16() {
  return core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
}

core::Snapshot pack16() {
  core::Snapshot s;
  s.cell_count = 16;
  s.cell_present_mask = 0xFFFF;
  for (std::size_t i = 0; i < 16; ++i) s.cell[i] = Millivolts(3300 + static_cast<int32_t>(i));
  s.temp_present_mask = 0b000111;  // MOS, T1, T2
  return s;
}

DiscoveryContext context(CommandClasses commands = {}) {
  MqttConfig c;
  c.base = "jkbms/garage";
  c.pack = "rack 1";
  c.commands = commands;
  core::DeviceInfo d;
  d.model.assign("JK_PB2A16S20P");
  d.sw_version.assign("19.27");
  d.hw_version.assign("19A");
  d.serial_number.assign("4012345678");
  return discovery_context(c, d);
}

const Entity* find(const std::vector<Entity>& list, std::string_view key, Component c) {
  for (const auto& e : list) {
    if (e.key == key && e.component == c) return &e;
  }
  return nullptr;
}

std::set<std::string> keys(const std::vector<Entity>& list, Component c) {
  std::set<std::string> out;
  for (const auto& e : list) {
    if (e.component == c) out.insert(e.key);
  }
  return out;
}

TEST(MqttTopics, topics_follow_base_and_pack_with_unsafe_characters_replaced) {
  const Topics t = context().topics;
  EXPECT_EQ(t.state, "jkbms/garage/rack_1/state");
  EXPECT_EQ(t.availability, "jkbms/garage/rack_1/availability");
  EXPECT_EQ(t.settings, "jkbms/garage/rack_1/settings");
  EXPECT_EQ(t.command_filter, "jkbms/garage/rack_1/+/set");
  EXPECT_EQ(t.ha_status, "homeassistant/status");
  EXPECT_EQ(command_topic(t, "charging"), "jkbms/garage/rack_1/charging/set");
  EXPECT_EQ(result_topic(t, "charging"), "jkbms/garage/rack_1/charging/result");
}

TEST(MqttTopics, command_key_is_taken_only_from_root_key_set) {
  const Topics t = context().topics;
  EXPECT_EQ(command_key(t, "jkbms/garage/rack_1/charging/set"), "charging");
  EXPECT_FALSE(command_key(t, "jkbms/garage/rack_1/set"));
  EXPECT_FALSE(command_key(t, "jkbms/garage/rack_1/a/b/set"));
  EXPECT_FALSE(command_key(t, "jkbms/garage/rack_10/charging/set"));
  EXPECT_FALSE(command_key(t, "jkbms/garage/rack_1/charging/result"));
}

TEST(MqttEntities, every_name_slugs_to_its_esphome_key_and_keys_are_unique) {
  const auto all = announced_entities(pack16(), lfp16(), {true, true});
  std::set<std::string> ids;
  for (const auto& e : all) {
    // Alarm bits are named in JK's words; their keys (and entity ids) keep the short names.
    if (e.key.starts_with("alarm_")) {
      const auto* a =
          std::find_if(core::kAlarms.begin(), core::kAlarms.end(),
                       [&](const auto& row) { return "alarm_" + std::string(row.name) == e.key; });
      if (a != core::kAlarms.end()) {
        EXPECT_EQ(e.name, a->words) << e.key;
        continue;
      }
    }
    EXPECT_EQ(slug(e.name), e.key) << e.name;
    EXPECT_TRUE(ids.insert(std::string(component_name(e.component)) + "/" + e.key).second) << e.key;
  }
  for (const char* k :
       {"total_voltage", "current", "power", "state_of_charge", "capacity_remaining",
        "charging_cycles", "delta_cell_voltage", "balancing_current", "errors",
        "mosfet_temperature", "temperature_sensor_1", "temperature_sensor_2"}) {
    EXPECT_NE(find(all, k, Component::sensor), nullptr) << k;
  }
  EXPECT_EQ(keys(all, Component::switch_).count("charging"), 1u);
  EXPECT_EQ(keys(all, Component::switch_).count("balancer"), 1u);
  EXPECT_NE(find(all, "cell_voltage_overvoltage_protection", Component::number), nullptr);
}

TEST(MqttEntities, one_voltage_sensor_per_present_cell_reading_its_place_in_the_state_json) {
  core::Snapshot s = pack16();
  s.cell_present_mask = 0xFF;  // an 8S pack
  const auto list = read_entities(s);
  const Entity* c8 = find(list, "cell_voltage_8", Component::sensor);
  ASSERT_NE(c8, nullptr);
  EXPECT_EQ(c8->value_template, "{{ value_json.cells[7].voltage }}");
  EXPECT_EQ(c8->unit, "V");
  EXPECT_EQ(c8->device_class, "voltage");
  EXPECT_EQ(find(list, "cell_voltage_9", Component::sensor), nullptr);
  EXPECT_EQ(find(list, "temperature_sensor_3", Component::sensor), nullptr);
}

TEST(MqttDiscovery, total_voltage_config_carries_ids_device_availability_class_and_unit) {
  const auto ctx = context();
  const auto list = read_entities(pack16());
  const Entity& e = *find(list, "total_voltage", Component::sensor);
  EXPECT_EQ(discovery_topic(ctx, e), "homeassistant/sensor/jkbms_4012345678_total_voltage/config");
  const auto j = discovery_payload(ctx, e);
  EXPECT_EQ(j["unique_id"], "jkbms_4012345678_total_voltage");
  EXPECT_EQ(j["name"], "Total voltage");
  EXPECT_EQ(j["state_topic"], "jkbms/garage/rack_1/state");
  EXPECT_EQ(j["value_template"], "{{ value_json.voltage }}");
  EXPECT_EQ(j["device_class"], "voltage");
  EXPECT_EQ(j["state_class"], "measurement");
  EXPECT_EQ(j["unit_of_measurement"], "V");
  EXPECT_EQ(j["availability"][0]["topic"], "jkbms/garage/rack_1/availability");
  EXPECT_EQ(j["availability"][0]["payload_not_available"], "offline");
  EXPECT_EQ(j["device"]["identifiers"][0], "jkbms_4012345678");
  EXPECT_EQ(j["device"]["model"], "JK_PB2A16S20P");
  EXPECT_EQ(j["device"]["serial_number"], "4012345678");
  EXPECT_EQ(j["origin"]["name"], "softbms");
  EXPECT_EQ(j["expire_after"], 30);  // 3 x 5 s is below the 30 s floor
  EXPECT_FALSE(j.contains("command_topic"));
}

TEST(MqttDiscovery, unique_id_falls_back_to_the_pack_id_without_a_serial) {
  auto ctx = context();
  ctx.device.serial_number.assign("");
  const auto list = read_entities(pack16());
  EXPECT_EQ(unique_id(ctx, *find(list, "current", Component::sensor)), "jkbms_rack_1_current");
  EXPECT_EQ(unique_id(ctx, *find(list, "charging", Component::binary_sensor)),
            "jkbms_rack_1_binary_sensor_charging");
}

TEST(MqttDiscovery, energy_counters_are_total_increasing_watt_hours_for_the_energy_dashboard) {
  const auto ctx = context();
  const auto list = read_entities(pack16());
  for (const char* k : {"total_charged_energy", "total_discharged_energy"}) {
    const auto j = discovery_payload(ctx, *find(list, k, Component::sensor));
    EXPECT_EQ(j["device_class"], "energy") << k;
    EXPECT_EQ(j["state_class"], "total_increasing") << k;
    EXPECT_EQ(j["unit_of_measurement"], "Wh") << k;
  }
  const auto cycles = discovery_payload(ctx, *find(list, "charging_cycles", Component::sensor));
  EXPECT_EQ(cycles["state_class"], "total_increasing");
}

TEST(MqttDiscovery, binary_sensors_for_fets_balancing_and_alarms) {
  const auto ctx = context();
  const auto list = read_entities(pack16());
  const auto charging = discovery_payload(ctx, *find(list, "charging", Component::binary_sensor));
  EXPECT_EQ(charging["value_template"], "{{ 'ON' if value_json.charge_fet else 'OFF' }}");
  EXPECT_EQ(discovery_payload(ctx, *find(list, "alarm", Component::binary_sensor))["device_class"],
            "problem");
  const Entity* uvp = find(list, "alarm_cell_uvp", Component::binary_sensor);
  ASSERT_NE(uvp, nullptr);
  EXPECT_EQ(uvp->value_template,
            "{{ 'ON' if (value_json.alarm_bits | int) // 2048 % 2 == 1 else 'OFF' }}");
  EXPECT_FALSE(uvp->enabled_by_default);
}

TEST(MqttDiscovery, command_entities_are_deleted_when_their_class_is_off) {
  const auto msgs = discovery_messages(context(), pack16(), lfp16());
  int deleted = 0;
  for (const auto& m : msgs) {
    EXPECT_TRUE(m.retain) << m.topic;
    if (m.payload.empty()) ++deleted;
  }
  EXPECT_EQ(deleted, static_cast<int>(command_entities(lfp16()).size()));
  bool switch_deleted = false;
  for (const auto& m : msgs) {
    if (m.topic == "homeassistant/switch/jkbms_4012345678_switch_charging/config") {
      switch_deleted = m.payload.empty();
    }
  }
  EXPECT_TRUE(switch_deleted);
}

TEST(MqttDiscovery, switches_class_announces_switches_but_not_numbers) {
  const auto ctx = context({.switches = true, .settings = false});
  const auto msgs = discovery_messages(ctx, pack16(), lfp16());
  for (const auto& m : msgs) {
    if (m.topic == "homeassistant/switch/jkbms_4012345678_switch_charging/config") {
      const auto j = nlohmann::json::parse(m.payload);
      EXPECT_EQ(j["command_topic"], "jkbms/garage/rack_1/charging/set");
      EXPECT_EQ(j["state_topic"], "jkbms/garage/rack_1/settings");
      EXPECT_EQ(j["value_template"], "{{ value_json.charge_enabled }}");
      EXPECT_EQ(j["state_on"], "1");
      EXPECT_EQ(j["payload_on"], "ON");
    }
    if (m.topic.find("/number/") != std::string::npos) {
      EXPECT_TRUE(m.payload.empty()) << m.topic;
    }
  }
}

TEST(MqttDiscovery, numbers_use_the_table_unit_and_the_model_range) {
  const auto settings = lfp16();
  const auto ovp = find_command_entity(settings, "cell_voltage_overvoltage_protection");
  ASSERT_TRUE(ovp);
  const core::Range r = core::allowed_range(core::Param::cell_ovp, settings);
  const auto j = discovery_payload(context({.switches = false, .settings = true}), *ovp);
  // esphome-jk-bms's unit for this key: volts in 1 mV steps.
  EXPECT_EQ(j["unit_of_measurement"], "V");
  EXPECT_EQ(j["device_class"], "voltage");
  EXPECT_DOUBLE_EQ(j["min"].get<double>(), r.min / 1000.0);
  EXPECT_DOUBLE_EQ(j["max"].get<double>(), r.max / 1000.0);
  EXPECT_DOUBLE_EQ(j["step"].get<double>(), 0.001);
  EXPECT_EQ(j["value_template"], "{{ value_json.cell_ovp / 1000 }}");
  EXPECT_EQ(j["entity_category"], "config");
  const auto otp = find_command_entity(settings, "charge_overtemperature_protection");
  ASSERT_TRUE(otp);
  EXPECT_EQ(otp->unit, "°C");
  EXPECT_DOUBLE_EQ(otp->step, 0.1);
  EXPECT_DOUBLE_EQ(otp->min, -40.0);
  EXPECT_FALSE(find_command_entity(settings, "mos_otp"));  // fixed at the factory
  EXPECT_FALSE(find_command_entity(settings, "voltage_calibration"));
}

struct SinkSpy {
  int calls = 0;
  core::Command last{};
  Status answer{};
  CommandSink sink() {
    return [this](const core::Command& c) {
      ++calls;
      last = c;
      return answer;
    };
  }
};

TEST(MqttCommands, switch_command_is_refused_and_not_applied_when_switch_commands_are_off) {
  SinkSpy spy;
  const auto msg = handle_command(context().topics, lfp16(), {}, "charging", "OFF", spy.sink());
  EXPECT_EQ(spy.calls, 0);
  EXPECT_EQ(msg.topic, "jkbms/garage/rack_1/charging/result");
  const auto j = nlohmann::json::parse(msg.payload);
  EXPECT_EQ(j["ok"], false);
  EXPECT_NE(j["reason"].get<std::string>().find("off"), std::string::npos);
}

TEST(MqttCommands, switch_command_becomes_a_command_from_mqtt_with_switch_authority) {
  SinkSpy spy;
  const auto msg =
      handle_command(context().topics, lfp16(), {.switches = true}, "charging", "OFF", spy.sink());
  ASSERT_EQ(spy.calls, 1);
  EXPECT_EQ(spy.last.kind, core::CommandKind::set_param);
  EXPECT_EQ(spy.last.origin, core::Origin::mqtt);
  EXPECT_EQ(spy.last.authority, core::Authority::switches);
  EXPECT_EQ(spy.last.param, core::Param::charge_enabled);
  EXPECT_EQ(spy.last.value, 0);
  EXPECT_EQ(msg.payload, R"({"ok":true})");
}

TEST(MqttCommands, switch_class_does_not_open_settings) {
  SinkSpy spy;
  const auto r =
      decode_command(lfp16(), {.switches = true}, "cell_voltage_overvoltage_protection", "3550");
  EXPECT_EQ(r.status().code(), Errc::not_authorized);
  const auto bal = decode_command(lfp16(), {.settings = true}, "balancer", "ON");
  EXPECT_EQ(bal.status().code(), Errc::not_authorized);
}

TEST(MqttCommands, settings_command_parses_the_displayed_unit) {
  const auto ovp =
      decode_command(lfp16(), {.settings = true}, "cell_voltage_overvoltage_protection", "3.55");
  ASSERT_TRUE(ovp.ok());
  EXPECT_EQ(ovp.value().param, core::Param::cell_ovp);
  EXPECT_EQ(ovp.value().value, 3550);
  EXPECT_EQ(ovp.value().authority, core::Authority::settings);
  const auto utp =
      decode_command(lfp16(), {.settings = true}, "charge_undertemperature_protection", "-12.5");
  ASSERT_TRUE(utp.ok());
  EXPECT_EQ(utp.value().value, -125);
  const auto sleep = decode_command(lfp16(), {.settings = true}, "smart_sleep", "OFF");
  ASSERT_TRUE(sleep.ok());
  EXPECT_EQ(sleep.value().param, core::Param::smart_sleep_enabled);
}

TEST(MqttCommands, junk_payload_and_unknown_key_change_nothing) {
  SinkSpy spy;
  const CommandClasses all{true, true};
  auto msg = handle_command(context().topics, lfp16(), all, "charging", "maybe", spy.sink());
  EXPECT_EQ(nlohmann::json::parse(msg.payload)["ok"], false);
  msg = handle_command(context().topics, lfp16(), all, "total_voltage", "52", spy.sink());
  EXPECT_EQ(nlohmann::json::parse(msg.payload)["reason"], "no command entity 'total_voltage'");
  EXPECT_EQ(spy.calls, 0);
}

// Found by mqtt_command_fuzz: a key that is not UTF-8 ended the process (the JSON of the result
// threw). It is refused like any unknown key, and the reason stays valid JSON.
TEST(MqttCommands, a_key_that_is_not_utf8_is_refused_without_a_crash) {
  SinkSpy spy;
  const std::string key = "chargarge_ot5>\xb5";
  const auto msg = handle_command(context().topics, lfp16(), {true, true}, key, "", spy.sink());
  const auto j = nlohmann::json::parse(msg.payload);
  EXPECT_EQ(j["ok"], false);
  EXPECT_NE(j["reason"].get<std::string>().find("\xef\xbf\xbd"), std::string::npos) << msg.payload;
  EXPECT_EQ(spy.calls, 0);
}

TEST(MqttCommands, a_setting_the_core_rejects_comes_back_with_field_and_rule) {
  core::Settings settings = lfp16();
  const CommandSink sink = [&](const core::Command& c) {
    return core::apply_change(settings, c.param, c.value);
  };
  // Recovery above protection breaks cell_ovpr < cell_ovp.
  const auto msg = handle_command(context().topics, settings, {.settings = true},
                                  "cell_voltage_overvoltage_recovery", "3700", sink);
  const auto j = nlohmann::json::parse(msg.payload);
  EXPECT_EQ(j["ok"], false);
  EXPECT_NE(j["reason"].get<std::string>().find("cell_ovpr"), std::string::npos) << j["reason"];
  EXPECT_EQ(settings.raw(core::Param::cell_ovpr), 3400);
}

TEST(MqttState, state_payload_adds_time_and_alarm_words_to_the_snapshot_json) {
  core::Snapshot s = pack16();
  s.pack_voltage = Millivolts(52800);
  s.alarms = core::alarm_mask(core::AlarmBit::cell_uvp) | core::alarm_mask(core::AlarmBit::mos_otp);
  const auto j = state_payload(s, 1'700'000'000'123);
  EXPECT_EQ(j["ts"], 1'700'000'000'123);
  EXPECT_DOUBLE_EQ(j["voltage"].get<double>(), 52.8);
  EXPECT_EQ(j["errors"], "MOSFET over-temperature;Cell under-voltage");
  EXPECT_EQ(j["alarm_bits"], 2050);
  EXPECT_EQ(state_payload(pack16(), 0)["errors"], "");
}

TEST(MqttDiscovery, the_soc_models_values_are_sensors_reading_the_state_json) {
  core::Snapshot s = pack16();
  s.soc_model_permille = 643;
  s.soc_model_sigma_permille = 37;
  s.soc_coulomb_permille = 702;
  s.model_soh_permille = 948;
  s.model_capacity = MilliampHours(265400);
  s.model_r0 = Microohms(1250);
  s.model_current_offset = Milliamps(-180);
  const auto state = state_payload(s, 0);
  EXPECT_EQ(state["soc_model_permille"], 643);
  EXPECT_EQ(state["soc_model_sigma_permille"], 37);
  EXPECT_EQ(state["soc_coulomb_permille"], 702);
  EXPECT_DOUBLE_EQ(state["model_soh"].get<double>(), 94.8);
  EXPECT_DOUBLE_EQ(state["model_capacity_ah"].get<double>(), 265.4);
  EXPECT_DOUBLE_EQ(state["model_resistance_mohm"].get<double>(), 1.25);
  EXPECT_DOUBLE_EQ(state["model_current_offset"].get<double>(), -0.18);
  const auto ctx = context();
  const auto list = read_entities(pack16());
  const std::pair<const char*, const char*> rows[] = {
      {"state_of_charge_model", "value_json.soc_model_permille / 10"},
      {"state_of_charge_model_sigma", "value_json.soc_model_sigma_permille / 10"},
      {"state_of_charge_coulomb", "value_json.soc_coulomb_permille / 10"},
      {"model_state_of_health", "value_json.model_soh"},
      {"model_capacity", "value_json.model_capacity_ah"},
      {"model_cell_resistance", "value_json.model_resistance_mohm"},
      {"model_current_offset", "value_json.model_current_offset"}};
  for (const auto& [key, expr] : rows) {
    const auto* e = find(list, key, Component::sensor);
    ASSERT_NE(e, nullptr) << key;
    const std::string tmpl = discovery_payload(ctx, *e)["value_template"];
    EXPECT_NE(tmpl.find(expr), std::string::npos) << key << ": " << tmpl;
  }
  EXPECT_EQ(discovery_payload(ctx, *find(list, "model_capacity", Component::sensor))
                ["unit_of_measurement"],
            "Ah");
}

}  // namespace
}  // namespace softbms::host::mqtt

namespace softbms::host::mqtt {
namespace {

// [M-B2A] table 1: over-current 10-200 A, 350 A peak; the number entities use the model's range.
TEST(MqttDiscovery, number_entities_use_the_models_ranges) {
  const auto b2a = core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_b2a8s20p, 8);
  const auto list = command_entities(b2a);
  const Entity* ocp = find(list, "max_charge_current", Component::number);
  ASSERT_NE(ocp, nullptr);
  EXPECT_DOUBLE_EQ(ocp->min, 10.0);  // A, as esphome-jk-bms shows max_charge_current
  EXPECT_DOUBLE_EQ(ocp->max, 200.0);
  EXPECT_EQ(ocp->unit, "A");
  const Entity* cells = find(list, "cell_count", Component::number);
  ASSERT_NE(cells, nullptr);
  EXPECT_EQ(cells->min, 4);
  EXPECT_EQ(cells->max, 8);
  EXPECT_EQ(find(list, "mos_otpr", Component::number), nullptr) << "a factory value";
}

// The packs of a parallel bank share the master's device info: each is its own device by key.
TEST(MqttDiscovery, packs_of_a_bank_are_devices_of_their_own) {
  DiscoveryContext a = context();
  DiscoveryContext b = context();
  a.config.device_key = "4012345678_0";
  b.config.device_key = "4012345678_1";
  EXPECT_EQ(device_id(context()), "jkbms_4012345678");
  EXPECT_EQ(device_id(a), "jkbms_4012345678_0");
  const Entity volt = read_entities(pack16()).front();
  EXPECT_NE(unique_id(a, volt), unique_id(b, volt));
}

}  // namespace
}  // namespace softbms::host::mqtt
