// What `softbms run` and `softbms monitor` serve beside the JK endpoints: the web dashboard and
// its API, Prometheus text at /metrics on the same HTTP server, MQTT with Home Assistant
// discovery, and the SQLite history. Everything that touches a pack runs on the event loop;
// the servers' own threads reach it through LoopPack. See docs/app.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/history/store.hpp"
#include "host/loop/event_loop.hpp"
#include "host/mqtt/config.hpp"
#include "host/mqtt/publisher.hpp"
#include "host/services/loop_invoker.hpp"
#include "host/services/loop_pack.hpp"
#include "host/services/pack_backend.hpp"
#include "host/web/server.hpp"

namespace softbms::host::services {

struct HttpOptions {
  bool enabled = true;
  std::string address = "127.0.0.1";
  int port = 8080;              // 0 = any free port
  bool next_free_port = false;  // the port is taken: try the next ones (scripts/run-demo)
  bool metrics_open = false;    // /metrics without a login on a non-loopback address
  std::vector<std::string> allowed_hosts;  // --allowed-host: more names for Host (logins, writes)
};

struct MqttOptions {
  bool enabled = false;
  std::string host = "127.0.0.1";
  int port = 1883;
  bool tls = false;     // mqtts://: TLS, the server checked against ca_file or the system CAs
  std::string ca_file;  // --mqtt-ca: the CA certificate(s) to trust instead of the system's
  std::string base = "jkbms";
  std::string username;
  std::string password;
  mqtt::CommandClasses commands{};  // none unless asked for
  Milliseconds state_interval{5000};
  // --name: the pack's id in the topics and the device name in Home Assistant. Empty: the
  // device's serial number is the id (each state dir has its own, docs/app.md).
  std::string name;
};

struct ServiceOptions {
  HttpOptions http;
  MqttOptions mqtt;
  std::optional<std::string> history_path;  // nullopt = no history
  bool parallel = false;                    // the packs run in parallel: show the bank
  // The bank as GET /api/aggregate shows it (bank_json of the master), run on the loop; unset =
  // the dashboard adds the served packs up itself.
  std::function<nlohmann::json()> bank;
  std::string sw_version = "0.1.0";
};

// "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:80", ":8080" (loopback), or "off".
Result<HttpOptions> parse_http(std::string_view text);
// "HOST", "HOST:PORT" (1883 when no port), "mqtt://HOST[:PORT]", "mqtts://HOST[:PORT]" (TLS,
// 8883 when no port); an IPv6 address goes in brackets.
Result<MqttOptions> parse_mqtt_broker(std::string_view text);
// "none", "switches", "settings", "switches,settings" (either order).
Result<mqtt::CommandClasses> parse_mqtt_commands(std::string_view text);
// The history samples the dashboard charts from a stored table (series by name, `s` columns
// of a downsampled table are averages).
std::vector<web::HistorySample> samples_of(const history::Table& table);

class Services {
 public:
  using Notice = std::function<void(const std::string&)>;

  // Opens the history, starts the web server and one MQTT publisher per pack, and a
  // once-a-second timer on the loop that feeds them. Must run on the loop's thread. A refused
  // bind, a port in use or an unreadable history come back as an Error with the message.
  static Expected<std::unique_ptr<Services>> start(EventLoop& loop, std::vector<PackBackend*> packs,
                                                   const ServiceOptions& options, Notice notice);
  ~Services();
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  // Releases server threads waiting on the loop, then stops the servers. Call after the loop
  // stopped; the destructor does it too.
  void stop();
  // One feeding round now (the timer's work): MQTT update, history sample and upkeep.
  void publish_now();
  // What to print at start: the dashboard URL, metrics, MQTT, history.
  [[nodiscard]] std::vector<std::string> startup_lines() const;
  [[nodiscard]] int http_port() const { return web_ ? web_->port() : 0; }
  [[nodiscard]] std::string dashboard_url() const;
  // "mqtt connected", "mqtt cannot connect: Connection refused", ...; "" when MQTT is off. Any
  // thread.
  [[nodiscard]] std::string mqtt_state() const;
  // The Prometheus text of every pack (what GET /metrics answers); on the loop thread.
  [[nodiscard]] std::string metrics_text() const;

 private:
  Services(EventLoop& loop, std::vector<PackBackend*> packs, ServiceOptions options, Notice notice);
  Done open_history();
  Done start_web();
  Done start_mqtt();
  void tell(const std::string& line) const;
  std::optional<std::vector<web::HistorySample>> stored_history(const std::string& pack,
                                                                int64_t from_ms,
                                                                int64_t to_ms) const;
  // The stored table of these series for [from, to] at the resolution the span needs.
  std::optional<history::Table> chart_table(const std::string& pack, int64_t from_ms, int64_t to_ms,
                                            std::vector<std::string> series) const;
  std::optional<web::CellHistory> stored_cell_history(const std::string& pack, int64_t from_ms,
                                                      int64_t to_ms) const;
  void log_command(const std::string& pack, const core::Command& c, Status result) const;

  EventLoop& loop_;
  std::vector<PackBackend*> backends_;
  ServiceOptions options_;
  Notice notice_;
  std::unique_ptr<LoopInvoker> invoker_;
  std::unique_ptr<history::HistoryStore> history_;
  std::vector<std::unique_ptr<LoopPack>> packs_;
  std::unique_ptr<web::WebServer> web_;
  std::vector<std::unique_ptr<mqtt::Publisher>> publishers_;
  EventLoop::Id timer_ = 0;
  bool stopped_ = false;
};

// Unix time in ms (the wall clock the history, MQTT "ts" and metrics carry).
int64_t unix_now_ms();

}  // namespace softbms::host::services
