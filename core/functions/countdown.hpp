// Countdowns shown to users count whole seconds and reach 0 only when the time is up.
#pragma once

#include "core/base/units.hpp"

namespace softbms::core {

constexpr Seconds ceil_seconds(Milliseconds left) {
  if (left.count() <= 0) return Seconds(0);
  return Seconds((left.count() + 999) / 1000);
}

}  // namespace softbms::core
