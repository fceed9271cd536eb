// One line of a Snapshot for a terminal or a log: "53.120 V  -30.00 A  SOC 67 %  CHG on  DSG on
// alarms -". `softbms run` and `softbms monitor` print it as their status line (docs/app.md).
#pragma once

#include <string>

#include "core/io/snapshot.hpp"

namespace softbms::host {

std::string snapshot_status(const core::Snapshot& s);

}  // namespace softbms::host
