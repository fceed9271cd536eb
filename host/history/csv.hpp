// CSV for `softbms history export`, and the time forms its --from/--to accept.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "host/history/store.hpp"

namespace softbms::host::history {

// Header "time,unix_ms,pack,<column> [<unit>],..." (no brackets for a column without a unit,
// such as the 0/1 FET states) then one line per row; an empty field for a missing value. time is
// ISO 8601 UTC, so spreadsheets and pandas read it without hints.
void write_csv(const Table& t, std::ostream& out);

// The table without the cell_N columns (and their _min/_max) that hold no value in any row: the
// cells this pack does not have. Other columns stay, empty or not.
Table without_absent_cells(Table t);

// "2024-05-01T12:00:00Z" (".250" when there are milliseconds).
std::string format_utc(int64_t unix_ms);
// Unix ms from "now", "-90s" / "-15m" / "-2h" / "-7d" (before now), Unix seconds ("1714564800"),
// "2024-05-01" or "2024-05-01T12:00[:00][Z]" (UTC). Nothing for anything else.
std::optional<int64_t> parse_time(std::string_view text, int64_t now_ms);

}  // namespace softbms::host::history
