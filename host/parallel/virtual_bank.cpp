#include "host/parallel/virtual_bank.hpp"

#include <cmath>

#include "core/bms/bms.hpp"

namespace softbms::host {

VirtualBank::VirtualBank(const VirtualBankOptions& o)
    : write_policy_(o.write_policy), first_address_(o.first_address) {
  const int n = o.packs < 1 ? 1 : (o.packs > 15 ? 15 : o.packs);
  for (int i = 0; i < n; ++i) {
    core::Settings s = o.settings;
    s.set_raw(core::Param::device_address, address_of(static_cast<std::size_t>(i)));
    if (!o.capacities_ah.empty()) {
      const int32_t ah = o.capacities_ah[static_cast<std::size_t>(i) % o.capacities_ah.size()];
      s.set_raw(core::Param::design_capacity, ah * 1000);
    }
    double soc = o.soc_first + o.soc_step * i;
    soc = 0.2 + std::fmod(soc - 0.2, 0.7);
    packs_.push_back(
        std::make_unique<sim::ClosedLoop>(sim::pack_for(s, soc, o.seed + static_cast<uint64_t>(i)),
                                          o.world ? o.world(s) : sim::World{}, s, o.period));
  }
}

void VirtualBank::advance_to(Milliseconds t) {
  for (auto& p : packs_) p->run_until(t);
}

void VirtualBank::attach(VirtualSlaveBus& bus) {
  for (std::size_t i = 0; i < packs_.size(); ++i) {
    sim::ClosedLoop* p = packs_[i].get();
    bus.add_slave(address_of(i), [p] {
      const core::Bms& b = p->bms();
      return protocols::jk::BmsView{b.snapshot(), b.settings(), b.device()};
    });
  }
  bus.set_on_write([this](uint8_t address, const protocols::jk::ModbusOutcome& o) {
    if (address < first_address_) return Status(Errc::not_found);
    const std::size_t i = static_cast<std::size_t>(address - first_address_);
    if (i >= packs_.size()) return Status(Errc::not_found);
    core::Bms& bms = packs_[i]->bms();
    Status st;
    if (o.has_command) {
      core::Command c = o.command;
      c.authority = write_policy_;
      st = bms.apply(c, packs_[i]->now());
    } else {
      core::SettingsChange change = o.change;
      change.authority = write_policy_;
      st = bms.apply(change, packs_[i]->now());
    }
    ++(st.ok() ? writes_applied_ : writes_refused_);
    return st;
  });
}

}  // namespace softbms::host
