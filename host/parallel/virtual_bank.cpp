#include "host/parallel/virtual_bank.hpp"

#include <cmath>

#include "core/bms/bms.hpp"

namespace softbms::host {

VirtualBank::VirtualBank(const VirtualBankOptions& o) {
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
    packs_.push_back(std::make_unique<sim::ClosedLoop>(
        sim::pack_for(s, soc, o.seed + static_cast<uint64_t>(i)), sim::World{}, s, o.period));
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
  bus.set_on_commands([this](uint8_t address, const protocols::jk::CommandList& list) {
    const std::size_t i = static_cast<std::size_t>(address) - 1;
    if (i >= packs_.size()) return;
    for (std::size_t k = 0; k < list.size; ++k) {
      (void)packs_[i]->bms().apply(list.items[k], packs_[i]->now());
    }
  });
}

}  // namespace softbms::host
