#include "core/bms/persistence.hpp"

#include <array>
#include <cstring>

#include "core/store/device_info_record.hpp"
#include "core/store/layout.hpp"
#include "core/store/settings_record.hpp"

namespace softbms::core {
namespace {

// One payload buffer for all records: static so a microcontroller's stack does not carry 4 KiB.
// Saving and loading run from the main loop only, never concurrently.
std::array<uint8_t, kMaxPayload>& scratch() {
  static std::array<uint8_t, kMaxPayload> buffer{};
  return buffer;
}

// The counters record: Counters, then (from version 2) what the SOC model learned.
constexpr std::size_t kCountersRecordV1 = sizeof(Counters);
constexpr std::size_t kCountersRecordV2 = sizeof(Counters) + sizeof(ModelMemory);
static_assert(kCountersVersion == 2 && kCountersRecordV2 <= kMaxPayload);

Status save_counters(Store& store, const Counters& c, const ModelMemory& model) {
  auto& buf = scratch();
  std::memcpy(buf.data(), &c, sizeof c);
  std::memcpy(buf.data() + sizeof c, &model, sizeof model);
  return store.save(RecordId::counters, std::span<const uint8_t>(buf.data(), kCountersRecordV2));
}

Status save_events(Store& store, const EventLog& log) {
  auto& buf = scratch();
  const Result<std::size_t> n = log.serialize(buf);
  if (!n.ok()) return n.status();
  return store.save(RecordId::event_log, std::span<const uint8_t>(buf.data(), n.value()));
}

Status save_passwords(Store& store, const PasswordRecord& r) {
  auto& buf = scratch();
  const Result<std::size_t> n = encode_password_record(r, buf);
  if (!n.ok()) return n.status();
  return store.save(RecordId::passwords, std::span<const uint8_t>(buf.data(), n.value()));
}

struct SaveRow {
  DirtyRecord bit;
  Status (*save)(Bms&, Store&);
};

// clang-format off
constexpr std::array<SaveRow, 5> kSaveRows = {{
  {kDirtySettings, [](Bms& b, Store& s) { return save_settings(s, b.settings()); }},
  {kDirtyCounters, [](Bms& b, Store& s) { return save_counters(s, b.counters(), b.model_memory()); }},
  {kDirtyEvents, [](Bms& b, Store& s) { return save_events(s, b.events()); }},
  {kDirtyPasswords, [](Bms& b, Store& s) { return save_passwords(s, b.passwords().record()); }},
  {kDirtyDevice, [](Bms& b, Store& s) { return save_device_info(s, b.device()); }},
}};
// clang-format on

Status load_counters(Bms& bms, Store& store) {
  auto& buf = scratch();
  const Result<std::size_t> n = store.load(RecordId::counters, buf);
  if (!n.ok()) return n.status();
  Counters c;
  if (n.value() < sizeof c) return Status(Errc::corrupt);
  std::memcpy(&c, buf.data(), sizeof c);
  // Version 1 (no model memory) migrates: the counters load as they are, the model starts from
  // the coulomb counter's SOC as before.
  const bool v1 = c.version == 1 && n.value() == kCountersRecordV1;
  const bool v2 = c.version == kCountersVersion && n.value() == kCountersRecordV2;
  if (!v1 && !v2) return Status(Errc::corrupt, c.version);
  c.version = kCountersVersion;
  if (Status st = bms.restore_counters(c); !st.ok()) return st;
  if (v2) {
    ModelMemory model;
    std::memcpy(&model, buf.data() + sizeof c, sizeof model);
    bms.restore_model(model);
  }
  return ok_status();
}

Status load_events(Bms& bms, Store& store) {
  auto& buf = scratch();
  const Result<std::size_t> n = store.load(RecordId::event_log, buf);
  if (!n.ok()) return n.status();
  static EventLog log;  // 3 KiB: not on the stack
  if (Status st = log.deserialize(std::span<const uint8_t>(buf.data(), n.value())); !st.ok()) return st;
  bms.restore_events(log);
  return ok_status();
}

Status load_passwords(Bms& bms, Store& store) {
  auto& buf = scratch();
  const Result<std::size_t> n = store.load(RecordId::passwords, buf);
  if (!n.ok()) return n.status();
  const Result<PasswordRecord> r = decode_password_record(std::span<const uint8_t>(buf.data(), n.value()));
  if (!r.ok()) return r.status();
  return bms.restore_passwords(r.value());
}

}  // namespace

Status save_records(Bms& bms, Store& store, uint8_t which) {
  for (const SaveRow& row : kSaveRows) {
    if ((which & row.bit) == 0) continue;
    if (Status st = row.save(bms, store); !st.ok()) return st;
    bms.mark_saved(row.bit);
  }
  return ok_status();
}

uint8_t LoadReport::damaged() const {
  const std::array<Status, kRecordCount> by_id = {settings, counters, events, passwords, device};
  uint8_t mask = 0;
  for (std::size_t i = 0; i < by_id.size(); ++i) {
    if (by_id[i].code() == Errc::corrupt) mask = static_cast<uint8_t>(mask | (1u << i));
  }
  return mask;
}

LoadReport load_records(Bms& bms, Store& store) {
  LoadReport r;
  const Result<Settings> s = load_settings(store);
  r.settings = s.ok() ? bms.restore_settings(s.value()) : s.status();
  r.counters = load_counters(bms, store);
  r.events = load_events(bms, store);
  r.passwords = load_passwords(bms, store);
  const Result<DeviceInfo> d = load_device_info(store);
  r.device = d.status();
  if (d.ok()) bms.restore_device(d.value());
  bms.note_store_damage(r.damaged());
  return r;
}

}  // namespace softbms::core
