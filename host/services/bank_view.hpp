// `softbms run --packs N` as the services see it: one read-only PackBackend per slave of the
// bank, fed from what the JK-PB master decoded from that slave's frames, and the bank itself
// (the master's aggregate) in the form of GET /api/aggregate. Pack ids are the DIP addresses
// ("0" the master, "1".."N-1" the slaves), as the status file's bank.packs[] numbers them.
// Everything here runs on the event-loop thread, like the device. See docs/parallel.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/parallel/master.hpp"
#include "host/services/pack_backend.hpp"

namespace softbms::host::services {

// The id the services give the pack at a DIP address.
std::string pack_id(uint8_t address);

// A slave the master polls. Its values are the last status and settings frames the master took
// in: a slave that stops answering keeps its last values and reads as down until it answers
// again. Read-only: the master does not forward settings or switches to its slaves, so every
// command is refused (Errc::not_authorized) and no password opens it.
class SlaveBackend final : public PackBackend {
 public:
  // `device` is the master's identity; a slave shows it without the serial number (the master
  // does not read a slave's identity), so MQTT tells the packs apart by pack id.
  SlaveBackend(const Master& master, uint8_t address, core::DeviceInfo device);

  [[nodiscard]] web::PackInfo info() const override { return info_; }
  core::Snapshot snapshot() override;
  // The slave's settings frame; until one arrived, the master's own settings (what the master
  // assumes for it too).
  core::Settings settings() override;
  core::DeviceInfo device() override { return device_; }
  Status apply(const core::Command& command) override;
  Status apply(const core::SettingsChange& change) override;
  Status check_settings_password(std::string_view password) override;
  bool settings_password_is_default() override { return false; }
  std::vector<core::Event> events() override { return {}; }
  // Online in the master's slave tracker: waiting (never heard) and offline read as down.
  bool up() override;

 private:
  [[nodiscard]] const SlaveView* view() const;

  const Master& master_;
  uint8_t address_;
  core::DeviceInfo device_;
  web::PackInfo info_;
};

// One SlaveBackend per slave the master polls, in address order.
std::vector<std::unique_ptr<SlaveBackend>> slave_backends(const Master& master,
                                                          const core::DeviceInfo& device);

// The bank as GET /api/aggregate and the stream show it: the keys of web::aggregate_json with
// the master's values (online packs only), plus `battery` (the aggregate in snapshot_json form,
// as the status file's bank.battery), `online`, `packs_total` and `missing` (pack ids).
nlohmann::json bank_json(const Master& master);

}  // namespace softbms::host::services
