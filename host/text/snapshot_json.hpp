// The Snapshot as JSON, in the units people read (V, A, °C, Ah), with alarms as words.
// One form for `softbms status -o json`, the simulator, the web dashboard and MQTT state.
#pragma once

#include <nlohmann/json.hpp>

#include "core/io/snapshot.hpp"

namespace softbms::host {

nlohmann::json snapshot_json(const core::Snapshot& s);
// The names (kAlarms) of the bits set in an alarm mask.
nlohmann::json alarm_names(uint32_t mask);

}  // namespace softbms::host
