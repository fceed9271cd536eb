#include "core/store/settings_record.hpp"

#include <array>

#include "core/settings/validate.hpp"
#include "core/store/bytes.hpp"

namespace softbms::core {
namespace {

constexpr int32_t kFallbackCells = 16;

struct Entry {
  uint16_t index;
  int32_t value;
};

Entry read_entry(ByteReader& r) {
  const uint16_t index = r.u16();
  return {index, r.i32()};
}

// The preset needs the cell count (per-cell defaults), so look for it before overlaying.
int32_t stored_cell_count(std::span<const uint8_t> entries, std::size_t count) {
  ByteReader r(entries);
  for (std::size_t i = 0; i < count; ++i) {
    const Entry e = read_entry(r);
    if (e.index == static_cast<uint16_t>(Param::cell_count)) return e.value;
  }
  return kFallbackCells;
}

}  // namespace

Result<std::size_t> encode_settings(const Settings& s, std::span<uint8_t> out) {
  ByteWriter w(out);
  w.u16(kSettingsRecordVersion);
  w.u8(static_cast<uint8_t>(s.chemistry()));
  w.u8(static_cast<uint8_t>(s.model_id()));
  w.u16(static_cast<uint16_t>(kParamCount));
  for (const ParamInfo& row : kParams) {
    w.u16(static_cast<uint16_t>(row.id));
    w.i32(s.raw(row.id));
  }
  if (!w.ok()) return Status(Errc::no_space);
  return w.size();
}

Result<Settings> decode_settings(std::span<const uint8_t> in) {
  ByteReader r(in);
  const uint16_t version = r.u16();
  const uint8_t chemistry = r.u8();
  const uint8_t model_id = r.u8();
  const uint16_t count = r.u16();
  if (!r.ok() || version != kSettingsRecordVersion || chemistry >= kChemistryCount ||
      model_id >= kModels.size() || r.remaining() != std::size_t{count} * kSettingsEntryBytes) {
    return Status(Errc::corrupt);
  }
  const std::span<const uint8_t> entries = in.subspan(kSettingsHeaderBytes);
  Settings s = Settings::preset(static_cast<Chemistry>(chemistry), static_cast<ModelId>(model_id),
                                stored_cell_count(entries, count));
  std::array<bool, kParamCount> seen{};
  for (std::size_t i = 0; i < count; ++i) {
    const Entry e = read_entry(r);
    // A parameter this firmware does not know was written by a newer one: skip it.
    if (e.index >= kParamCount) continue;
    if (seen[e.index]) return Status(Errc::corrupt);
    seen[e.index] = true;
    s.set_raw(static_cast<Param>(e.index), e.value);
  }
  // Factory values belong to the firmware, not to the record: one written before a value became
  // fixed (MOS OTPR 70 °C, a special_charger bit set) loads with the fixed value and keeps every
  // other setting.
  for (const ParamInfo& row : kParams) {
    if ((row.flags & kFactoryFixed) != 0) s.set_raw(row.id, factory_value(row.id, s.model_id()));
  }
  if (const Status v = validate(s); !v.ok()) return Status(Errc::corrupt, v.detail(), v.detail2());
  return s;
}

Status save_settings(Store& store, const Settings& s) {
  std::array<uint8_t, kSettingsRecordSize> buf{};
  const Result<std::size_t> n = encode_settings(s, buf);
  if (!n.ok()) return n.status();
  return store.save(RecordId::settings, std::span(buf).first(n.value()));
}

Result<Settings> load_settings(Store& store) {
  std::array<uint8_t, kSettingsRecordCapacity> buf{};
  const Result<std::size_t> n = store.load(RecordId::settings, buf);
  if (!n.ok()) return n.status().code() == Errc::no_space ? Status(Errc::corrupt) : n.status();
  return decode_settings(std::span(buf).first(n.value()));
}

}  // namespace softbms::core
