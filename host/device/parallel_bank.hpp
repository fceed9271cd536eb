// `softbms run --packs N`: the device is the JK-PB master (DIP address 0) of a parallel bank. Its
// own pack is one of the N; the other N-1 are virtual slaves (addresses 1..N-1, each its own
// seed, SOC and capacity) behind an in-process RS485 line, or real JK-PB slaves on a serial port
// (--master-port). The master polls them with the JK-PB trigger exchange and the inverters are
// told about the aggregate. A virtual slave can be taken off the line for a while
// (--pack-offline ADDR@FROM-TO) to watch the bank drop it and take it back.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/endpoint/endpoint_spec.hpp"
#include "host/inverter/inverter_service.hpp"
#include "host/loop/event_loop.hpp"
#include "host/parallel/master.hpp"
#include "host/parallel/stream_pair.hpp"
#include "host/parallel/virtual_bank.hpp"
#include "host/parallel/virtual_slave_bus.hpp"

namespace softbms::host {

// A virtual slave does not answer from `from` to `to` (simulated time since the start).
struct OfflineWindow {
  uint8_t address = 1;
  Seconds from{};
  std::optional<Seconds> to;  // none: it never comes back
  [[nodiscard]] bool covers(Milliseconds t) const {
    return t >= to_ms(from) && (!to || t < to_ms(*to));
  }
};

// "3@20-40" (slave 3 silent from 20 s to 40 s) or "3@20" (from 20 s on).
Expected<OfflineWindow> parse_offline_window(std::string_view text);

struct ParallelOptions {
  int packs = 0;  // 0: one pack, no master; 2..15 with --packs (the master's own pack counts)
  // A serial port with real JK-PB slaves (TransportSpec "serial:/dev/ttyUSB0[:BAUD]" or a pty);
  // empty: the virtual slaves on an in-process line.
  std::optional<TransportSpec> master_port;
  std::vector<OfflineWindow> offline;
  Milliseconds cycle{1000};
  core::Authority write_policy = core::Authority::settings;  // bus writes to virtual slaves
  uint64_t seed = 1;
};

class ParallelBank {
 public:
  using OwnPackFn = Master::OwnPackFn;
  using NowFn = std::function<Milliseconds()>;
  using WorldFn = std::function<sim::World(const core::Settings&)>;

  // `own` is the master's own pack; `core_now` the device's simulated time, which the virtual
  // slaves follow; `world` makes each slave's world from its settings.
  static Expected<std::unique_ptr<ParallelBank>> start(EventLoop& loop, const ParallelOptions& o,
                                                       const core::Settings& settings,
                                                       OwnPackFn own, NowFn core_now, WorldFn world,
                                                       Notice notice);
  ~ParallelBank();
  ParallelBank(const ParallelBank&) = delete;
  ParallelBank& operator=(const ParallelBank&) = delete;

  // What the inverters are told: the aggregate, module counts included.
  [[nodiscard]] BatteryFeed feed() const { return master_->feed(); }
  [[nodiscard]] const Master& master() const { return *master_; }
  // bank: the aggregate battery (snapshot_json form), counts, the bank's limits, every pack.
  [[nodiscard]] nlohmann::json status_json() const;
  // "bank 4/4 online" or "bank 3/4 online, missing 3"
  [[nodiscard]] std::string status_fragment() const;
  // "master: address 0 polls 3 virtual slaves (1..3) every 1000 ms"
  [[nodiscard]] std::string startup_line() const;

 private:
  ParallelBank(EventLoop& loop, const ParallelOptions& o, NowFn core_now)
      : loop_(loop), options_(o), core_now_(std::move(core_now)) {}
  Done open_virtual(const core::Settings& settings, WorldFn world, StreamPair& pair);
  void follow();  // slaves catch up with the device's time; offline windows apply

  EventLoop& loop_;
  ParallelOptions options_;
  NowFn core_now_;
  Milliseconds start_{};
  std::unique_ptr<VirtualBank> bank_;
  std::unique_ptr<VirtualSlaveBus> bus_;
  std::unique_ptr<Master> master_;
  std::vector<uint8_t> addresses_;
  EventLoop::Id timer_ = 0;
};

}  // namespace softbms::host
