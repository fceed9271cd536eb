// One pack on an MQTT broker through libmosquitto (on a network thread of its own): last will
// and availability, Home Assistant discovery, the state JSON at an interval, re-announcement
// when Home Assistant comes online, and the opt-in command path. The thread connects, and after
// any failure (a refused or lost connection, an unknown host, a rejected login) reconnects with
// backoff (1 s doubling to 30 s); each failure and each recovery is told once, not every retry.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/base/status.hpp"
#include "core/io/device_info.hpp"
#include "core/io/snapshot.hpp"
#include "core/settings/settings.hpp"
#include "host/mqtt/commands.hpp"
#include "host/mqtt/config.hpp"
#include "host/mqtt/discovery.hpp"

struct mosquitto;
struct mosquitto_message;

namespace softbms::host::mqtt {

class Publisher {
 public:
  // Told (on the network thread) when the connection fails or comes back: one line each.
  using Notice = std::function<void(const std::string&)>;

  // sink runs accepted commands; it is called on the MQTT network thread.
  Publisher(const MqttConfig& config, const core::DeviceInfo& device, CommandSink sink);
  ~Publisher();  // publishes "offline", disconnects and joins the network thread
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Connects in the background (and reconnects after a broker restart). Errc::bad_state when
  // the client could not be created or started; broker trouble shows in connected().
  Status start();
  // Where notices go (connection trouble and recovery, told once each; another publisher on
  // this pack's availability topic); called on the MQTT network thread. Set before start().
  void set_notice(Notice notice) { notice_ = std::move(notice); }
  // Hands over the newest values. The state and settings are published when state_interval
  // has passed since the last publication, right after a command, or on the first call.
  // now: monotonic time for the interval; unix_ms: the "ts" in the payload.
  bool update(Milliseconds now, int64_t unix_ms, const core::Snapshot& s,
              const core::Settings& settings);
  // Whether the board answers (the link topic, retained); published when it changes and on
  // every connection.
  void set_link(bool up);
  [[nodiscard]] bool connected() const { return connected_; }
  // "connected", or what went wrong last ("login refused: not authorised", ...).
  [[nodiscard]] std::string state() const;
  [[nodiscard]] const Topics& topics() const { return ctx_.topics; }

 private:
  static void on_connect(mosquitto* m, void* self, int rc);
  static void on_disconnect(mosquitto* m, void* self, int rc);
  static void on_message(mosquitto* m, void* self, const mosquitto_message* msg);
  void connected_now();
  void network();
  void trouble(const std::string& what);
  void recovered();
  [[nodiscard]] std::string broker() const;
  void command(const std::string& key, std::string_view payload);
  void announce();
  void publish_values();
  void publish(const Message& msg, int qos);

  DiscoveryContext ctx_;
  CommandSink sink_;
  bool first_connect_ = true;  // the availability topic is checked for another holder once
  mosquitto* client_ = nullptr;
  std::atomic<bool> connected_{false};
  Notice notice_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex wait_mu_;
  std::condition_variable wait_cv_;
  mutable std::mutex state_mu_;
  std::string problem_;  // the last failure told; empty while connected or not yet tried
  bool told_connected_ = false;
  std::atomic<int> link_{-1};  // -1 unknown, 0 down, 1 up

  std::mutex mutex_;  // guards everything below (network thread and update())
  bool have_values_ = false;
  core::Snapshot snapshot_{};
  core::Settings settings_{};
  int64_t unix_ms_ = 0;
  Milliseconds last_publish_{};
  bool publish_now_ = true;
  bool need_announce_ = true;
  bool resend_settings_ = true;  // publish the settings even when unchanged
  std::string last_settings_;    // the settings payload last published
  uint32_t announced_cells_ = 0;
  uint8_t announced_temps_ = 0;
};

}  // namespace softbms::host::mqtt
