// The settings record: every value stored with its parameter's index (the Param enum value,
// which is append-only), plus chemistry and model. Loading overlays the stored values on the
// chemistry preset and validates the result; a record that does not validate is corrupt and
// the caller keeps what it had (the previous good settings, or the defaults).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/base/status.hpp"
#include "core/settings/settings.hpp"
#include "core/store/store.hpp"

namespace softbms::core {

inline constexpr uint16_t kSettingsRecordVersion = 1;
// u16 version, u8 chemistry, u8 model, u16 count, then count x (u16 index, i32 value).
inline constexpr std::size_t kSettingsHeaderBytes = 6;
inline constexpr std::size_t kSettingsEntryBytes = 6;
inline constexpr std::size_t kSettingsRecordSize =
    kSettingsHeaderBytes + kParamCount * kSettingsEntryBytes;
// Room for records from a newer firmware with up to 128 parameters (unknown ones are skipped).
inline constexpr std::size_t kSettingsRecordCapacity =
    kSettingsHeaderBytes + 128 * kSettingsEntryBytes;
static_assert(kSettingsRecordSize <= kSettingsRecordCapacity &&
              kSettingsRecordCapacity <= kMaxPayload);

Result<std::size_t> encode_settings(const Settings& s, std::span<uint8_t> out);
// Errc::corrupt for a malformed record; for one that does not validate, Errc::corrupt with
// detail = the Param and detail2 = the Rule that failed.
Result<Settings> decode_settings(std::span<const uint8_t> in);

Status save_settings(Store& store, const Settings& s);
Result<Settings> load_settings(Store& store);

}  // namespace softbms::core
