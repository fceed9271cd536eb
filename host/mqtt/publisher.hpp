// One pack on an MQTT broker through libmosquitto (its own network thread): last will and
// availability, Home Assistant discovery, the state JSON at an interval, re-announcement when
// Home Assistant comes online, and the opt-in command path.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

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
  // sink runs accepted commands; it is called on the MQTT network thread.
  Publisher(const MqttConfig& config, const core::DeviceInfo& device, CommandSink sink);
  ~Publisher();  // publishes "offline", disconnects and joins the network thread
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Connects in the background (and reconnects after a broker restart). Errc::bad_state when
  // the client could not be created or started; broker trouble shows in connected().
  Status start();
  // Where warnings go (another publisher on this pack's availability topic); called on the
  // MQTT network thread. Set before start().
  void on_notice(std::function<void(const std::string&)> notice) { notice_ = std::move(notice); }
  // Hands over the newest values. The state and settings are published when state_interval
  // has passed since the last publication, right after a command, or on the first call.
  // now: monotonic time for the interval; unix_ms: the "ts" in the payload.
  bool update(Milliseconds now, int64_t unix_ms, const core::Snapshot& s,
              const core::Settings& settings);
  [[nodiscard]] bool connected() const { return connected_; }
  [[nodiscard]] const Topics& topics() const { return ctx_.topics; }

 private:
  static void on_connect(mosquitto* m, void* self, int rc);
  static void on_disconnect(mosquitto* m, void* self, int rc);
  static void on_message(mosquitto* m, void* self, const mosquitto_message* msg);
  void connected_now();
  void command(const std::string& key, std::string_view payload);
  void announce();
  void publish_values();
  void publish(const Message& msg, int qos);

  DiscoveryContext ctx_;
  CommandSink sink_;
  std::function<void(const std::string&)> notice_;
  bool first_connect_ = true;  // the availability topic is checked for another holder once
  mosquitto* client_ = nullptr;
  std::atomic<bool> connected_{false};
  bool loop_started_ = false;

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
