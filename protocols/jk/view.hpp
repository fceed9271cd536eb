// What a BMS-side endpoint reads to answer a request: the core's published state.
#pragma once

#include "core/io/device_info.hpp"
#include "core/io/snapshot.hpp"
#include "core/settings/settings.hpp"

namespace softbms::protocols::jk {

struct BmsView {
  const core::Snapshot& snapshot;
  const core::Settings& settings;
  const core::DeviceInfo& info;
};

}  // namespace softbms::protocols::jk
