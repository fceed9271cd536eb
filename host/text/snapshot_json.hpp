// The Snapshot as JSON, in the units people read (V, A, °C, Ah), with alarms as words.
// One form for `softbms status -o json`, the simulator, the web dashboard and MQTT state.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/io/snapshot.hpp"

namespace softbms::host {

// "charge_stage" by core::ChargeStage (also the options of Home Assistant's charge_status).
inline constexpr std::array<std::string_view, 3> kChargeStageNames = {"bulk", "absorption",
                                                                      "float"};

nlohmann::json snapshot_json(const core::Snapshot& s);
// The names (kAlarms) of the bits set in an alarm mask.
nlohmann::json alarm_names(uint32_t mask);

}  // namespace softbms::host
