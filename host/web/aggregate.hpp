// One view of packs that run in parallel (a bank), with the rules users of parallel JK packs
// expect: voltage averaged, currents, powers and capacities summed, SOC weighted by capacity,
// lowest and highest cell over all packs with the pack that holds them, alarms with their pack.
#pragma once

#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "core/io/snapshot.hpp"

namespace softbms::host::web {

struct PackState {
  std::string id;
  core::Snapshot snapshot;
};

nlohmann::json aggregate_json(std::span<const PackState> packs);

}  // namespace softbms::host::web
