// The JK-PB master (DIP address 0) on one RS485 line: polls each slave with the trigger
// exchange (0x1620 status, 0x161E settings, answered by a 300-byte 55AA frame and the FC10
// acknowledge), waits 220 ms for an answer as JK does, takes a slave offline after
// `offline_after` missed polls and back online on its next answer, and keeps the aggregate
// battery (core/parallel) up to date. The same code talks to real JK-PB slaves on a serial
// port and to virtual packs behind a VirtualSlaveBus.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/parallel/aggregate.hpp"
#include "core/parallel/slave_tracker.hpp"
#include "host/inverter/inverter_service.hpp"
#include "host/loop/event_loop.hpp"
#include "host/transport/transport.hpp"

namespace softbms::host {

struct MasterOptions {
  std::vector<uint8_t> addresses{1, 2, 3};  // slaves to poll (DIP 1..15)
  Milliseconds timeout{220};                // per request, as the JK-PB master
  Milliseconds cycle{1000};                 // one round over every slave starts this often
  Milliseconds turnaround{10};              // quiet line between an answer and the next request
  uint8_t offline_after = 3;                // missed polls in a row
  uint32_t settings_every = 10;             // cycles between settings reads of an online slave
  // Until a slave's settings frame arrives, its limits are worked out with these.
  core::Settings defaults =
      core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
};

struct SlaveView {
  uint8_t address = 0;
  core::SlaveTracker tracker;
  core::Snapshot snapshot;  // last decoded status
  core::Settings settings;
  bool has_status = false;
  bool has_settings = false;
};

// The master's own pack (DIP address 0, as a JK-PB master is a pack itself): what it measures
// and the settings it runs with. It is always online and counts in the aggregate.
struct OwnPack {
  core::Snapshot snapshot;
  core::Settings settings;
};

class Master {
 public:
  using UpdateFn = std::function<void()>;
  using OwnPackFn = std::function<OwnPack()>;

  static Expected<std::unique_ptr<Master>> open(EventLoop& loop, std::unique_ptr<Transport> line,
                                                MasterOptions options = {});
  ~Master();
  Master(const Master&) = delete;
  Master& operator=(const Master&) = delete;

  void set_notice(Notice n) { notice_ = std::move(n); }
  // Called after every poll outcome, with the aggregate already updated.
  void set_on_update(UpdateFn fn) { on_update_ = std::move(fn); }
  // Adds the master's own pack (address 0) to the aggregate; without it the master only polls.
  void set_own_pack(OwnPackFn fn) { own_pack_ = std::move(fn); }
  [[nodiscard]] bool has_own_pack() const { return static_cast<bool>(own_pack_); }
  // The own pack as the aggregate last took it in.
  [[nodiscard]] const OwnPack& own_pack() const { return own_seen_; }

  [[nodiscard]] const core::Aggregate& aggregate() const { return aggregate_; }
  [[nodiscard]] const core::ChargeResult& charge() const { return controller_.result(); }
  [[nodiscard]] const std::vector<SlaveView>& slaves() const { return slaves_; }
  // The aggregate as an inverter feed (module count = packs online).
  [[nodiscard]] BatteryFeed feed() const;
  [[nodiscard]] uint64_t cycles() const { return cycles_; }
  [[nodiscard]] uint64_t overruns() const { return overruns_; }  // a cycle still busy when due

 private:
  enum class Ask : uint8_t { status, settings };
  struct Poll {
    std::size_t slave;
    Ask ask;
  };
  Master(EventLoop& loop, std::unique_ptr<Transport> line, MasterOptions options);
  void start_cycle();
  void send_next();
  void on_readable();
  void on_timeout();
  void finish(bool answered);
  bool take_frame();
  void recompute();
  void tell(const std::string& line) const;

  EventLoop& loop_;
  std::unique_ptr<Transport> line_;
  MasterOptions options_;
  std::vector<SlaveView> slaves_;
  std::deque<Poll> queue_;
  std::optional<Poll> current_;
  std::vector<uint8_t> rx_;
  core::Aggregate aggregate_;
  core::ParallelController controller_;
  Notice notice_;
  UpdateFn on_update_;
  OwnPackFn own_pack_;
  OwnPack own_seen_;
  EventLoop::Id watch_ = 0;
  EventLoop::Id cycle_timer_ = 0;
  EventLoop::Id wait_timer_ = 0;
  EventLoop::Id next_timer_ = 0;
  uint64_t cycles_ = 0;
  uint64_t overruns_ = 0;
};

}  // namespace softbms::host
