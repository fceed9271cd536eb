// The Home Assistant entities of one pack: sensors and binary sensors read from the state JSON,
// switches and numbers read from the settings JSON and written through command topics.
// Keys are esphome-jk-bms's (total_voltage, cell_voltage_1, charging ...) and every entity's
// name slugs to its key, so entity ids and existing dashboards carry over.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/snapshot.hpp"
#include "core/settings/settings.hpp"
#include "host/mqtt/config.hpp"

namespace softbms::host::mqtt {

enum class Component : uint8_t { sensor, binary_sensor, switch_, number };
std::string_view component_name(Component c);

enum class StateSource : uint8_t { state, settings, link };
// Which opt-in class a command entity belongs to.
enum class CommandClass : uint8_t { none, switches, settings };

struct Entity {
  Component component = Component::sensor;
  std::string key;   // esphome-jk-bms key where it has one, else the parameter name
  std::string name;  // slug(name) == key
  std::string device_class;
  std::string unit;
  std::string state_class;
  std::string value_template;
  int precision = -1;    // suggested_display_precision; -1 = none
  std::string category;  // "", "diagnostic" or "config"
  bool enabled_by_default = true;
  StateSource source = StateSource::state;
  std::optional<core::Param> param;  // switches and numbers
  double min = 0;
  double max = 0;
  double step = 1;
  int32_t scale = 1;  // numbers: stored units per unit shown (1000 for a mV setting in V)
  std::vector<std::string> options;  // an enum sensor's values
};

// What command class may change this entity (none for sensors).
CommandClass command_class(const Entity& e);

// Sensors and binary sensors for the cells and temperature sensors the snapshot has.
std::vector<Entity> read_entities(const core::Snapshot& s);
// Every switch and number the settings table offers (ranges for the settings' model).
std::vector<Entity> command_entities(const core::Settings& settings);
// The entities to announce: read entities plus the command entities of the enabled classes.
std::vector<Entity> announced_entities(const core::Snapshot& s, const core::Settings& settings,
                                       CommandClasses enabled);

// The command entity with this key, if there is one.
std::optional<Entity> find_command_entity(const core::Settings& settings, std::string_view key);

// The parameter a command entity key names: esphome-jk-bms's key (cell_voltage_overvoltage_
// protection) or the settings table's name.
std::optional<core::Param> param_of_key(std::string_view key);

// Lower case, runs of other characters as one '_': what Home Assistant does to a name.
std::string slug(std::string_view name);

}  // namespace softbms::host::mqtt
