// The series the history keeps: what users chart (pack voltage, current, SOC, cell spread,
// temperatures) and every cell voltage. Names match the web dashboard's history series.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/snapshot.hpp"

namespace softbms::host::history {

struct SeriesInfo {
  std::string name;  // also the column name: [a-z0-9_]
  std::string unit;
};

// The fixed series, then cell_1 .. cell_32, in column order.
const std::vector<SeriesInfo>& all_series();
// The index of a series in all_series(), if there is one by that name.
std::optional<std::size_t> series_index(std::string_view name);
// One value per series, in all_series() order; nothing for an absent cell or sensor.
std::vector<std::optional<double>> series_values(const core::Snapshot& s);

}  // namespace softbms::host::history
