// Saving and loading the BMS's lasting state through the two-slot store: settings, counters,
// event log, passwords and device identity, each its own record (core/store/layout.hpp).
#pragma once

#include <cstdint>

#include "core/base/status.hpp"
#include "core/bms/bms.hpp"
#include "core/store/store.hpp"

namespace softbms::core {

// Writes the records whose bit is set in `which` (DirtyRecord) and clears their dirty bits.
// The first failure is returned; records saved before it stay saved.
Status save_records(Bms& bms, Store& store, uint8_t which);
// Saves what the BMS marked dirty.
inline Status save_dirty(Bms& bms, Store& store) { return save_records(bms, store, bms.dirty()); }

// What each record's load did: ok, Errc::not_found (never saved: defaults stay) or
// Errc::corrupt (both slots bad or the content did not validate: defaults stay).
struct LoadReport {
  Status settings;
  Status counters;
  Status events;
  Status passwords;
  Status device;
  // Bit 1 << RecordId for each record that came back Errc::corrupt.
  [[nodiscard]] uint8_t damaged() const;
};
// Loads every record and tells the BMS which were damaged (Bms::note_store_damage).
LoadReport load_records(Bms& bms, Store& store);

}  // namespace softbms::core
