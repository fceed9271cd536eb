// N virtual packs for `--packs N`: each a closed loop of the core and the simulated pack with
// its own seed (so its own cell spread), its own starting SOC and capacity, and DIP address
// i + 1. They run on the host's clock and answer a master through a VirtualSlaveBus.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "core/settings/settings.hpp"
#include "host/parallel/virtual_slave_bus.hpp"
#include "sim/loop/closed_loop.hpp"

namespace softbms::host {

struct VirtualBankOptions {
  int packs = 4;  // 1..15
  core::Settings settings =
      core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
  uint64_t seed = 1;
  // Pack i starts at soc_first + i * soc_step (wrapped into 20..90 %) and has capacity
  // capacities_ah[i % size]: different packs, as in a bank bought over the years.
  double soc_first = 0.55;
  double soc_step = 0.07;
  std::vector<int32_t> capacities_ah{280, 230, 314, 280};
  Milliseconds period{100};
  // The world around each pack, made from its settings (its capacity); none: no current.
  std::function<sim::World(const core::Settings&)> world;
  // Writes that reach a pack over the bus (a JK master or PC tool forwarding settings) are
  // applied with this authority; read_only refuses them all.
  core::Authority write_policy = core::Authority::settings;
  uint8_t first_address = 1;  // pack i answers at first_address + i
};

class VirtualBank {
 public:
  explicit VirtualBank(const VirtualBankOptions& options);
  // Runs every pack's loop up to `t` (time since the bank started).
  void advance_to(Milliseconds t);
  // Registers every pack as a slave (address i + 1) and applies the writes a master sends.
  void attach(VirtualSlaveBus& bus);

  [[nodiscard]] std::size_t size() const { return packs_.size(); }
  [[nodiscard]] uint8_t address_of(std::size_t i) const {
    return static_cast<uint8_t>(first_address_ + i);
  }
  // Commands the bus brought, and how many the packs refused.
  [[nodiscard]] uint64_t writes_applied() const { return writes_applied_; }
  [[nodiscard]] uint64_t writes_refused() const { return writes_refused_; }
  [[nodiscard]] sim::ClosedLoop& pack(std::size_t i) { return *packs_[i]; }
  [[nodiscard]] const sim::ClosedLoop& pack(std::size_t i) const { return *packs_[i]; }

 private:
  std::vector<std::unique_ptr<sim::ClosedLoop>> packs_;
  core::Authority write_policy_;
  uint8_t first_address_;
  uint64_t writes_applied_ = 0;
  uint64_t writes_refused_ = 0;
};

}  // namespace softbms::host
