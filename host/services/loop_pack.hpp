// The thread-safety wrapper: a PackBackend seen from the web server's and the MQTT client's
// threads. Every call is marshalled onto the event-loop thread through a LoopInvoker, where the
// device ticks and the endpoints answer, so the pack is only ever touched by that one thread.
// When the loop does not take a call in time (or has stopped), reads answer the last values
// seen and writes are refused with Errc::bad_state (HTTP 409).
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "host/mqtt/commands.hpp"
#include "host/services/loop_invoker.hpp"
#include "host/services/pack_backend.hpp"
#include "host/web/pack_access.hpp"

namespace softbms::host::services {

// Stored history for the charts, between two Unix ms; nullopt = none kept. Runs on the loop.
using HistorySource = std::function<std::optional<std::vector<web::HistorySample>>(
    const std::string& pack, int64_t from_ms, int64_t to_ms)>;
// Every cell's stored history, between two Unix ms; nullopt = none kept. Runs on the loop.
using CellHistorySource = std::function<std::optional<web::CellHistory>(
    const std::string& pack, int64_t from_ms, int64_t to_ms)>;
// Told about every command from the web or MQTT and its result, on the loop thread.
using CommandLog = std::function<void(const std::string& pack, const core::Command&, Status)>;

class LoopPack final : public web::PackAccess {
 public:
  LoopPack(PackBackend& backend, LoopInvoker& invoker, HistorySource history = {},
           CommandLog log = {});

  web::PackInfo info() override { return info_; }
  core::Snapshot snapshot() override;
  core::Settings settings() override;
  Status apply(const core::Command& command) override;
  Status apply(const core::SettingsChange& change) override;
  Status check_settings_password(std::string_view password) override;
  bool settings_password_is_default() override;
  std::vector<core::Event> events() override;
  web::LinkState link() override;
  std::optional<core::DeviceInfo> device() override;
  std::optional<std::vector<web::HistorySample>> history(int64_t from_ms, int64_t to_ms) override;
  std::optional<web::CellHistory> cell_history(int64_t from_ms, int64_t to_ms) override;
  void set_cell_history(CellHistorySource source) { cell_history_ = std::move(source); }

  // For mqtt::Publisher: runs the command on the loop (called on libmosquitto's thread).
  mqtt::CommandSink command_sink();

 private:
  PackBackend& backend_;
  LoopInvoker& invoker_;
  HistorySource history_;
  CellHistorySource cell_history_;
  CommandLog log_;
  web::PackInfo info_;
  std::mutex mu_;  // the last values, for answers while the loop is busy or gone
  core::Snapshot last_snapshot_{};
  core::Settings last_settings_{};
  web::LinkState last_link_{};
};

}  // namespace softbms::host::services
