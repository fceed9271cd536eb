// One view of packs that run in parallel (a bank), with the rules users of parallel JK packs
// expect: voltage averaged, currents, powers and capacities summed, SOC weighted by capacity,
// lowest and highest cell over all packs with the pack that holds them, alarms with their pack.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "core/io/snapshot.hpp"

namespace softbms::host::web {

struct PackState {
  std::string id;
  core::Snapshot snapshot;
};

// `softbms run --packs N`: the JK-PB master already keeps the one battery the inverters are told
// about (offline packs dropped, SOC weighted as JK does). The dashboard shows that battery rather
// than a second sum with other rules. The source runs on a server thread; nullopt (the device
// loop did not answer) falls back to the sum.
using BankSource = std::function<std::optional<nlohmann::json>()>;

// The bank as the served packs add up, by the rules above; or what `bank` answers when it is set
// and answers (the same keys).
nlohmann::json aggregate_json(std::span<const PackState> packs, const BankSource& bank = {});

}  // namespace softbms::host::web
