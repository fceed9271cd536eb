#include "core/bms/persistence.hpp"

#include <array>
#include <cstring>

#include "core/store/device_info_record.hpp"
#include "core/store/layout.hpp"
#include "core/store/settings_record.hpp"

namespace softbms::core {
namespace {

// Each record's payload is built in the Bms's own buffer (Bms::store_buffer()): 4 KiB that
// are neither on a microcontroller's stack nor shared between packs saved on other threads.

// The counters record: Counters, then (from version 2) what the SOC model learned, and (from
// version 3) each cell's last SOC event with the charge counted since.
constexpr std::size_t kCountersRecordV1 = sizeof(Counters);
constexpr std::size_t kCountersRecordV2 = sizeof(Counters) + kModelMemoryV2Size;
constexpr std::size_t kCountersRecordV3 = sizeof(Counters) + sizeof(ModelMemory);
static_assert(kCountersVersion == 3 && kCountersRecordV3 <= kMaxPayload);

Status save_counters(Bms& bms, Store& store) {
  const std::span<uint8_t> buf = bms.store_buffer();
  const Counters c = bms.counters();
  const ModelMemory model = bms.model_memory();
  std::memcpy(buf.data(), &c, sizeof c);
  std::memcpy(buf.data() + sizeof c, &model, sizeof model);
  return store.save(RecordId::counters, buf.first(kCountersRecordV3));
}

Status save_events(Bms& bms, Store& store) {
  const std::span<uint8_t> buf = bms.store_buffer();
  const Result<std::size_t> n = bms.events().serialize(buf);
  if (!n.ok()) return n.status();
  return store.save(RecordId::event_log, buf.first(n.value()));
}

Status save_passwords(Bms& bms, Store& store) {
  const std::span<uint8_t> buf = bms.store_buffer();
  const Result<std::size_t> n = encode_password_record(bms.passwords().record(), buf);
  if (!n.ok()) return n.status();
  return store.save(RecordId::passwords, buf.first(n.value()));
}

struct SaveRow {
  DirtyRecord bit;
  Status (*save)(Bms&, Store&);
};

// clang-format off
constexpr std::array<SaveRow, 5> kSaveRows = {{
  {kDirtySettings, [](Bms& b, Store& s) { return save_settings(s, b.settings()); }},
  {kDirtyCounters, save_counters},
  {kDirtyEvents, save_events},
  {kDirtyPasswords, save_passwords},
  {kDirtyDevice, [](Bms& b, Store& s) { return save_device_info(s, b.device()); }},
}};
// clang-format on

Status load_counters(Bms& bms, Store& store) {
  const std::span<uint8_t> buf = bms.store_buffer();
  const Result<std::size_t> n = store.load(RecordId::counters, buf);
  if (!n.ok()) return n.status();
  Counters c;
  if (n.value() < sizeof c) return Status(Errc::corrupt);
  std::memcpy(&c, buf.data(), sizeof c);
  // Older versions migrate: version 1 (no model memory) loads the counters as they are and the
  // model starts from the coulomb counter's SOC; version 2 (no SOC events) resumes the model
  // with no event to pair the next one with.
  const bool v1 = c.version == 1 && n.value() == kCountersRecordV1;
  const bool v2 = c.version == 2 && n.value() == kCountersRecordV2;
  const bool v3 = c.version == kCountersVersion && n.value() == kCountersRecordV3;
  if (!v1 && !v2 && !v3) return Status(Errc::corrupt, c.version);
  c.version = kCountersVersion;
  if (Status st = bms.restore_counters(c); !st.ok()) return st;
  if (v2 || v3) {
    ModelMemory model;
    std::memcpy(&model, buf.data() + sizeof c, v3 ? sizeof model : kModelMemoryV2Size);
    bms.restore_model(model);
  }
  return ok_status();
}

Status load_events(Bms& bms, Store& store) {
  const std::span<uint8_t> buf = bms.store_buffer();
  const Result<std::size_t> n = store.load(RecordId::event_log, buf);
  if (!n.ok()) return n.status();
  return bms.restore_events(buf.first(n.value()));
}

Status load_passwords(Bms& bms, Store& store) {
  const std::span<uint8_t> buf = bms.store_buffer();
  const Result<std::size_t> n = store.load(RecordId::passwords, buf);
  if (!n.ok()) return n.status();
  const Result<PasswordRecord> r = decode_password_record(buf.first(n.value()));
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
