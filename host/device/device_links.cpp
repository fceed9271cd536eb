// The virtual device's links beyond the JK endpoints: the parallel bank it masters (--packs)
// and the inverter endpoints (pylon-can, victron-can, pylon-485), all fed with one battery.
#include "host/device/virtual_device.hpp"

namespace softbms::host {

BatteryFeed VirtualDevice::battery_feed() const {
  if (bank_) return bank_->feed();
  const core::Bms& b = sim_->bms();
  BatteryFeed f;
  f.snapshot = b.snapshot();
  f.charge = b.charge_control();
  f.settings = b.settings();
  return f;
}

Done VirtualDevice::open_links() {
  const Notice notice = [this](const std::string& line) { tell(line); };
  if (config_.parallel.packs > 0) {
    auto own = [this] { return OwnPack{sim_->bms().snapshot(), sim_->bms().settings()}; };
    auto now = [this] { return sim_->now(); };
    const WorldOptions world = config_.world;
    auto bank = ParallelBank::start(
        loop_, config_.parallel, bms().settings(), own, now,
        [world](const core::Settings& s) { return make_world(world, s); }, notice);
    if (!bank) return bank.error();
    bank_ = std::move(bank).value();
  }
  std::vector<EndpointSpec> specs;
  for (const EndpointSpec& spec : config_.endpoints) {
    if (InverterEndpoints::serves(spec.protocol)) specs.push_back(spec);
  }
  if (specs.empty()) return {};
  auto inverters = InverterEndpoints::open(
      loop_, specs, [this] { return battery_feed(); }, config_.inverter, notice);
  if (!inverters) return inverters.error();
  inverters_ = std::move(inverters).value();
  // Pylon RS485 0x64: the inverter asks the battery to shut down, as the power button would.
  inverters_->set_on_shutdown([this] {
    core::Command c;
    c.kind = core::CommandKind::shutdown;
    c.origin = core::Origin::rs485;
    c.authority = core::Authority::switches;
    const Status s = bms().apply(c, core_now());
    static_cast<void>(after_request());  // a failed save is told by save()
    tell(std::string("pylon-485: shutdown requested by the inverter: ") +
         (s.ok() ? "done" : std::string(errc_name(s.code()))));
  });
  return {};
}

std::vector<std::string> VirtualDevice::link_startup_lines() const {
  std::vector<std::string> lines;
  if (bank_) lines.push_back(bank_->startup_line());
  if (inverters_) {
    for (std::string& l : inverters_->startup_lines()) lines.push_back(std::move(l));
  }
  return lines;
}

void VirtualDevice::add_links_json(nlohmann::json& j) const {
  if (bank_) j["bank"] = bank_->status_json();
  j["inverters"] = inverters_ ? inverters_->status_json() : nlohmann::json::array();
  j["inverter_feed"] = charge_result_json(battery_feed().charge);
}

std::string VirtualDevice::links_status() const {
  std::string out;
  if (bank_) out += bank_->status_fragment();
  if (inverters_) out += inverters_->status_fragment();
  return out;
}

}  // namespace softbms::host
