// What the client prints: a table for people, JSON (the status exactly as snapshot_json makes
// it, so it compares with other softbms tools) and CSV for spreadsheets.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/io/device_info.hpp"
#include "core/io/event.hpp"
#include "core/io/snapshot.hpp"
#include "host/client/board.hpp"

namespace softbms::host::client {

enum class Format : uint8_t { table, json, csv };
std::optional<Format> format_from_name(std::string_view name);

// `info` is printed as a heading in the table when given.
std::string format_status(const core::Snapshot& s, const core::DeviceInfo* info, Format f);
std::string format_cells(const core::Snapshot& s, Format f);
// The named parameters, or every parameter the board's protocol carries when `names` is empty.
std::string format_settings(const BoardSettings& b, std::span<const core::Param> names, Format f);
std::string format_events(std::span<const core::Event> events, Format f);

// "2024-05-01 12:00:00" for JK's RTC seconds since 2020-01-01 (UTC).
std::string rtc_text(uint32_t seconds_since_2020);
// One display value with its unit: "3650 mV", "-12.5 °C", "on".
std::string value_with_unit(core::Param p, int32_t raw);

}  // namespace softbms::host::client
