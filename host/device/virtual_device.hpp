// The virtual JK BMS of `softbms run`: the core in closed loop with the simulated pack, paced
// to the wall clock (times --speed), its settings, counters and event log in a state directory,
// and one EndpointServer per --endpoint.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bms/persistence.hpp"
#include "core/store/store.hpp"
#include "host/device/endpoint_server.hpp"
#include "host/device/inverter_endpoints.hpp"
#include "host/device/parallel_bank.hpp"
#include "host/device/world_setup.hpp"
#include "host/endpoint/endpoint_spec.hpp"
#include "host/loop/event_loop.hpp"
#include "host/state/state_dir.hpp"
#include "sim/loop/closed_loop.hpp"

namespace softbms::host {

// Identity overrides; what is not given comes from the store, else from the model profile.
struct IdentityOptions {
  std::optional<std::string> model;       // at most 16 characters
  std::optional<std::string> hw_version;  // at most 8
  std::optional<std::string> sw_version;  // at most 8; major >= 11 selects the 32-cell layout
  std::optional<std::string> serial;      // at most 11
};

struct DeviceConfig {
  core::Settings settings;  // the preset for a first start; a stored copy wins afterwards
  std::optional<double>
      soc;  // 0..1 the plant starts at; default: what the core remembers, else 0.5
  uint64_t seed = 1;
  double speed = 1.0;
  uint8_t address = 1;  // the DIP address (settings@270 shows it)
  IdentityOptions identity;
  WorldOptions world;
  std::string state_dir;
  std::string status_file;  // rewritten every status_period when not empty
  Milliseconds period{100};
  Milliseconds status_period{1000};
  Seconds save_period{60};  // counters and events; settings are saved at once
  uint32_t rtc_s = 0;       // wall clock, seconds since 2020-01-01
  std::vector<EndpointSpec> endpoints;  // JK and inverter protocols alike
  ParallelOptions parallel;             // --packs: the device is the master of a bank
  InverterLinkOptions inverter;         // keep-alive timeout and fail-safe of CAN links
};

class VirtualDevice final : public DeviceAccess {
 public:
  using Notice = std::function<void(const std::string&)>;

  // Locks and loads the state dir, builds the pack, opens every endpoint and starts the timers.
  static Expected<std::unique_ptr<VirtualDevice>> start(EventLoop& loop, const DeviceConfig& config,
                                                        Notice notice);
  ~VirtualDevice();
  VirtualDevice(const VirtualDevice&) = delete;
  VirtualDevice& operator=(const VirtualDevice&) = delete;

  core::Bms& bms() override { return sim_->bms(); }
  [[nodiscard]] Milliseconds core_now() const override { return sim_->now(); }
  Status after_request() override;

  // Runs the control periods the wall clock says are due, within a time budget so endpoints
  // are served between batches at high --speed. Called by the tick timer.
  void catch_up();
  // Saves everything not saved yet (on exit, and every save_period).
  Done save_now();
  // Writes the status JSON to config.status_file (atomically: temp file and rename).
  Done write_status_file() const;

  [[nodiscard]] nlohmann::json status_json() const;
  // "t+00:12:40  53.312 V  +20.00 A  SOC 51 %  CHG on  DSG on  alarms -  jk-pb 12/0 ..."
  [[nodiscard]] std::string status_line() const;
  [[nodiscard]] const std::vector<std::unique_ptr<EndpointServer>>& endpoints() const {
    return endpoints_;
  }
  [[nodiscard]] const sim::ClosedLoop& closed_loop() const { return *sim_; }
  // What the start found in the state dir ("settings: loaded", "counters: not found", ...).
  [[nodiscard]] const std::vector<std::string>& load_report() const { return load_report_; }
  [[nodiscard]] const std::string& state_dir() const { return state_.path(); }
  // Times the core fell more than a second behind the wall clock and skipped ahead.
  [[nodiscard]] uint64_t lag_events() const { return lag_events_; }
  // What inverters are told: the own pack, or with --packs the bank's aggregate
  // (device_links.cpp, as the rest of the bank and inverter wiring).
  [[nodiscard]] BatteryFeed battery_feed() const;
  [[nodiscard]] const ParallelBank* bank() const { return bank_.get(); }
  [[nodiscard]] const InverterEndpoints* inverters() const { return inverters_.get(); }
  // The start-up lines of the master and the inverter endpoints.
  [[nodiscard]] std::vector<std::string> link_startup_lines() const;

 private:
  VirtualDevice(EventLoop& loop, const DeviceConfig& config, Notice notice, StateDir state,
                std::unique_ptr<FileMedium> medium);
  Done load_and_build();
  [[nodiscard]] uint8_t truncated_records(const core::LoadReport& r) const;
  void tell_damage(uint8_t damaged);
  Done open_endpoints();
  Done open_links();
  void add_links_json(nlohmann::json& j) const;
  [[nodiscard]] std::string links_status() const;
  void start_timers();
  Status save(uint8_t which);
  void tell(const std::string& line) const;

  EventLoop& loop_;
  DeviceConfig config_;
  Notice notice_;
  StateDir state_;
  std::unique_ptr<FileMedium> medium_;
  std::unique_ptr<core::Store> store_;
  std::unique_ptr<sim::ClosedLoop> sim_;
  std::vector<std::unique_ptr<EndpointServer>> endpoints_;
  std::unique_ptr<ParallelBank> bank_;
  std::unique_ptr<InverterEndpoints> inverters_;
  std::vector<std::string> load_report_;
  std::vector<EventLoop::Id> timers_;
  Milliseconds anchor_wall_{};
  Milliseconds anchor_core_{};
  uint64_t lag_events_ = 0;
  Status last_save_error_;
};

// Wall-clock seconds since 2020-01-01 00:00 UTC (JK's RTC epoch) and seconds since local
// midnight, for DeviceConfig::rtc_s and WorldOptions::day_start_s.
uint32_t wall_rtc_s();
double local_seconds_of_day();

}  // namespace softbms::host
