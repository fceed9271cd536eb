#include "host/services/bank_view.hpp"

#include <cmath>

#include "host/text/snapshot_json.hpp"

namespace softbms::host::services {
namespace {

double volts(Millivolts v) {
  return static_cast<double>(v.count()) / 1000.0;
}
double thousandths(int64_t v) {
  return static_cast<double>(v) / 1000.0;
}

struct Member {
  uint8_t address;
  const core::Snapshot* snapshot;
};

// The packs the aggregate counts: the master's own pack and every slave online with a status.
std::vector<Member> online_members(const Master& m) {
  std::vector<Member> out;
  if (m.has_own_pack()) out.push_back({0, &m.own_pack().snapshot});
  for (const SlaveView& s : m.slaves()) {
    if (s.tracker.online() && s.has_status) out.push_back({s.address, &s.snapshot});
  }
  return out;
}

nlohmann::json cell_json(Millivolts v, uint8_t address, uint8_t index) {
  return {{"voltage", volts(v)}, {"pack", pack_id(address)}, {"cell", index + 1}};
}

// Battery sensors T1..T5 of the counted packs, with the pack that holds each extreme.
nlohmann::json temperatures(const std::vector<Member>& members) {
  nlohmann::json lo = nullptr;
  nlohmann::json hi = nullptr;
  for (const Member& p : members) {
    for (std::size_t i = 1; i < core::kMaxTempSensors; ++i) {
      if ((p.snapshot->temp_present_mask & (1U << i)) == 0) continue;
      const double t = static_cast<double>(p.snapshot->temp[i].count()) / 10.0;
      const nlohmann::json at = {{"celsius", t}, {"pack", pack_id(p.address)}};
      if (lo.is_null() || t < lo["celsius"].get<double>()) lo = at;
      if (hi.is_null() || t > hi["celsius"].get<double>()) hi = at;
    }
  }
  return {{"min", lo}, {"max", hi}};
}

}  // namespace

std::string pack_id(uint8_t address) {
  return std::to_string(address);
}

SlaveBackend::SlaveBackend(const Master& master, uint8_t address, core::DeviceInfo device)
    : master_(master),
      address_(address),
      device_(device),
      info_{pack_id(address), "Pack " + pack_id(address) + " (slave)",
            master.own_pack().settings.model_id()} {
  device_.serial_number = {};
  device_.device_name.assign("Pack" + pack_id(address));
}

const SlaveView* SlaveBackend::view() const {
  for (const SlaveView& s : master_.slaves()) {
    if (s.address == address_) return &s;
  }
  return nullptr;
}

core::Snapshot SlaveBackend::snapshot() {
  const SlaveView* v = view();
  return v != nullptr && v->has_status ? v->snapshot : core::Snapshot{};
}

core::Settings SlaveBackend::settings() {
  const SlaveView* v = view();
  return v != nullptr && v->has_settings ? v->settings : master_.own_pack().settings;
}

Status SlaveBackend::apply(const core::Command& /*command*/) {
  return Status(Errc::not_authorized);
}

Status SlaveBackend::apply(const core::SettingsChange& /*change*/) {
  return Status(Errc::not_authorized);
}

Status SlaveBackend::check_settings_password(std::string_view /*password*/) {
  // Never counted as a wrong password: a dashboard login tries every pack, and a slave that
  // refused would only add to the master's lockout count in the user's eyes.
  return Status(Errc::not_authorized);
}

bool SlaveBackend::up() {
  const SlaveView* v = view();
  return v != nullptr && v->tracker.online() && v->has_status;
}

std::vector<std::unique_ptr<SlaveBackend>> slave_backends(const Master& master,
                                                          const core::DeviceInfo& device) {
  std::vector<std::unique_ptr<SlaveBackend>> out;
  for (const SlaveView& s : master.slaves())
    out.push_back(std::make_unique<SlaveBackend>(master, s.address, device));
  return out;
}

nlohmann::json bank_json(const Master& master) {
  const core::Aggregate& a = master.aggregate();
  const core::Snapshot& b = a.snapshot;
  const std::vector<Member> members = online_members(master);
  nlohmann::json alarms = nlohmann::json::array();
  int charging = 0;
  int discharging = 0;
  for (const Member& p : members) {
    for (const auto& name : alarm_names(p.snapshot->alarms))
      alarms.push_back({{"pack", pack_id(p.address)}, {"alarm", name}});
    charging += p.snapshot->charge_fet ? 1 : 0;
    discharging += p.snapshot->discharge_fet ? 1 : 0;
  }
  nlohmann::json missing = nlohmann::json::array();
  for (uint8_t i = 0; i < core::kMaxPacks; ++i) {
    if (((a.missing_mask >> i) & 1U) == 0) continue;
    missing.push_back(pack_id(i));
    alarms.push_back({{"pack", pack_id(i)}, {"alarm", "internal_comm"}});
  }
  const bool any = a.online > 0;
  return {
      {"packs", a.packs},
      {"packs_total", a.packs},
      {"online", a.online},
      {"missing", missing},
      {"voltage", volts(b.pack_voltage)},
      {"current", thousandths(b.current.count())},
      {"power", thousandths(b.power.count())},
      {"remaining_ah", thousandths(b.remaining.count())},
      {"full_capacity_ah", thousandths(b.full_capacity.count())},
      {"soc", b.soc_percent},
      {"cell_min", any ? cell_json(b.cell_min, a.min_cell_pack, b.cell_min_index) : nullptr},
      {"cell_max", any ? cell_json(b.cell_max, a.max_cell_pack, b.cell_max_index) : nullptr},
      {"cell_delta", any ? volts(b.cell_max - b.cell_min) : 0.0},
      {"temperatures", temperatures(members)},
      {"charging_packs", charging},
      {"discharging_packs", discharging},
      {"alarms", alarms},
      {"battery", snapshot_json(b)},
  };
}

}  // namespace softbms::host::services
