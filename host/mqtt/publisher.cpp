#include "host/mqtt/publisher.hpp"

#include <mosquitto.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "host/text/param_text.hpp"

namespace softbms::host::mqtt {
namespace {

constexpr int kKeepAliveS = 30;
constexpr int kQosDiscovery = 1;
constexpr int kQosState = 0;

}  // namespace

Publisher::Publisher(const MqttConfig& config, const core::DeviceInfo& device, CommandSink sink)
    : ctx_(discovery_context(config, device)), sink_(std::move(sink)) {
  mosquitto_lib_init();
}

Publisher::~Publisher() {
  if (client_ != nullptr) {
    const bool was_connected = connected_;
    if (was_connected) publish({ctx_.topics.availability, "offline", true}, kQosDiscovery);
    {
      std::lock_guard lock(wait_mu_);  // so a thread about to wait sees it
      stopping_ = true;
    }
    mosquitto_disconnect(client_);  // the thread sends what is queued, then the goodbye
    wait_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    mosquitto_destroy(client_);
  }
  mosquitto_lib_cleanup();
}

Status Publisher::start() {
  const MqttConfig& c = ctx_.config;
  // The serial keeps two instances that share a topic (one --name twice) from taking each
  // other's connection over and over under one client id.
  const std::string serial(ctx_.device.serial_number.view());
  const std::string id = !c.client_id.empty() ? c.client_id
                         : serial.empty() || serial == c.pack
                             ? "softbms-" + sanitize_id(c.pack)
                             : "softbms-" + sanitize_id(c.pack) + "-" + sanitize_id(serial);
  client_ = mosquitto_new(id.c_str(), true, this);
  if (client_ == nullptr) return Status(Errc::bad_state);
  const std::string offline = "offline";
  // The broker publishes the will when the connection drops without a goodbye.
  if (mosquitto_will_set(client_, ctx_.topics.availability.c_str(),
                         static_cast<int>(offline.size()), offline.data(), kQosDiscovery,
                         true) != MOSQ_ERR_SUCCESS) {
    return Status(Errc::bad_value);
  }
  if (!c.username.empty())
    mosquitto_username_pw_set(client_, c.username.c_str(), c.password.c_str());
  if (c.tls || !c.ca_file.empty()) {
    const char* ca_file = c.ca_file.empty() ? nullptr : c.ca_file.c_str();
    const char* ca_path = c.ca_file.empty() ? "/etc/ssl/certs" : nullptr;
    if (mosquitto_tls_set(client_, ca_file, ca_path, nullptr, nullptr, nullptr) != MOSQ_ERR_SUCCESS)
      return Status(Errc::bad_value);
  }
  mosquitto_connect_callback_set(client_, &Publisher::on_connect);
  mosquitto_disconnect_callback_set(client_, &Publisher::on_disconnect);
  mosquitto_message_callback_set(client_, &Publisher::on_message);
  // Our own network thread: libmosquitto's loop_start gives up for good after an unknown host
  // or a refused login, and says nothing about either.
  if (mosquitto_threaded_set(client_, true) != MOSQ_ERR_SUCCESS) return Status(Errc::bad_state);
  thread_ = std::thread([this] { network(); });
  return ok_status();
}

std::string Publisher::broker() const {
  return ctx_.config.host + ":" + std::to_string(ctx_.config.port);
}

std::string Publisher::state() const {
  if (connected_) return "connected";
  std::lock_guard lock(state_mu_);
  return problem_.empty() ? std::string("connecting") : problem_;
}

void Publisher::trouble(const std::string& what) {
  connected_ = false;
  {
    // One line per outage: the retries, and other reasons while still down, are not told again
    // (state() has the latest).
    std::lock_guard lock(state_mu_);
    const bool told = !problem_.empty();
    problem_ = what;
    told_connected_ = false;
    if (told) return;
  }
  if (notice_) notice_("mqtt: " + broker() + ": " + what + "; retrying with backoff");
}

void Publisher::recovered() {
  {
    std::lock_guard lock(state_mu_);
    if (told_connected_) return;
    told_connected_ = true;
    problem_.clear();
  }
  if (notice_) notice_("mqtt: " + broker() + ": connected");
}

// Connect, run, and after any failure wait (1 s doubling to 30 s) and connect again.
void Publisher::network() {
  constexpr Milliseconds kFirstWait{1000};
  constexpr Milliseconds kMostWait{30000};
  constexpr int kLoopMs = 200;
  Milliseconds wait = kFirstWait;
  bool have_socket = false;
  bool had_session = false;  // the broker accepted us on this socket
  while (!stopping_) {
    if (!have_socket) {
      const MqttConfig& c = ctx_.config;
      const int rc = mosquitto_connect(client_, c.host.c_str(), c.port, kKeepAliveS);
      if (rc == MOSQ_ERR_SUCCESS) {
        have_socket = true;
        continue;
      }
      const int err = errno;
      trouble(rc == MOSQ_ERR_EAI     ? "unknown host " + c.host
              : rc == MOSQ_ERR_ERRNO ? std::string("cannot connect: ") + std::strerror(err)
                                     : std::string("cannot connect: ") + mosquitto_strerror(rc));
    } else {
      const int rc = mosquitto_loop(client_, kLoopMs, 1);
      if (rc == MOSQ_ERR_SUCCESS) {
        if (connected_) {
          wait = kFirstWait;
          had_session = true;
        }
        continue;
      }
      have_socket = false;
      if (stopping_) break;
      if (rc != MOSQ_ERR_CONN_REFUSED) {  // a refusal was told by on_connect
        trouble(had_session ? std::string("connection lost")
                            : std::string("connection failed: ") + mosquitto_strerror(rc));
      }
      had_session = false;
      connected_ = false;
    }
    std::unique_lock lock(wait_mu_);
    wait_cv_.wait_for(lock, std::chrono::milliseconds(wait.count()),
                      [this] { return stopping_.load(); });
    wait = std::min(wait * 2, kMostWait);
  }
  // Let the goodbye (and the "offline" before it) go out.
  for (int i = 0; i < 5 && have_socket; ++i) {
    if (mosquitto_loop(client_, kLoopMs, 1) != MOSQ_ERR_SUCCESS) break;
  }
}

bool Publisher::update(Milliseconds now, int64_t unix_ms, const core::Snapshot& s,
                       const core::Settings& settings) {
  bool announce_now = false;
  {
    std::lock_guard lock(mutex_);
    const bool first = !have_values_;
    // New cells or sensors change the entity list: announce again.
    if (s.cell_present_mask != announced_cells_ || s.temp_present_mask != announced_temps_) {
      need_announce_ = true;
    }
    snapshot_ = s;
    settings_ = settings;
    unix_ms_ = unix_ms;
    have_values_ = true;
    const bool due = first || publish_now_ || now - last_publish_ >= ctx_.config.state_interval;
    announce_now = need_announce_;
    if (!connected_ || (!due && !announce_now)) return false;
    last_publish_ = now;
    publish_now_ = false;
  }
  if (announce_now) {
    announce();
  } else {
    publish_values();
  }
  return true;
}

void Publisher::set_link(bool up) {
  const int v = up ? 1 : 0;
  if (link_.exchange(v) == v || !connected_) return;
  publish({ctx_.topics.link, up ? "ON" : "OFF", true}, kQosDiscovery);
}

void Publisher::on_connect(mosquitto* /*m*/, void* self, int rc) {
  auto* p = static_cast<Publisher*>(self);
  if (rc == 0) {
    p->connected_now();
    return;
  }
  // CONNACK refused: a bad login (4, 5) or an identifier/protocol the broker will not take.
  p->trouble(std::string("the broker refused the connection: ") + mosquitto_connack_string(rc));
}

void Publisher::on_disconnect(mosquitto* /*m*/, void* self, int /*rc*/) {
  static_cast<Publisher*>(self)->connected_ = false;
}

void Publisher::on_message(mosquitto* /*m*/, void* self, const mosquitto_message* msg) {
  auto* p = static_cast<Publisher*>(self);
  const std::string_view topic(msg->topic);
  const std::string_view payload(static_cast<const char*>(msg->payload),
                                 static_cast<std::size_t>(msg->payloadlen));
  if (topic == p->ctx_.topics.ha_status) {
    if (payload == "online") p->announce();
    return;
  }
  // A retained "online" that was there before ours: another live publisher uses this pack's
  // topics (a second instance with the same --name, or the same serial).
  if (topic == p->ctx_.topics.availability) {
    if (msg->retain && payload == "online" && p->notice_)
      p->notice_("mqtt: another publisher holds " + p->ctx_.topics.availability +
                 " (it says online): two packs on one topic overwrite each other in Home "
                 "Assistant; give each its own --name");
    mosquitto_unsubscribe(p->client_, nullptr, p->ctx_.topics.availability.c_str());
    return;
  }
  if (const auto key = command_key(p->ctx_.topics, topic)) p->command(*key, payload);
}

void Publisher::connected_now() {
  {
    std::lock_guard lock(mutex_);
    need_announce_ = true;  // a broker restart may have lost retained configs
  }
  connected_ = true;
  recovered();
  // Subscribed before "online" is published: the broker first hands over what is retained.
  if (first_connect_)
    mosquitto_subscribe(client_, nullptr, ctx_.topics.availability.c_str(), kQosDiscovery);
  first_connect_ = false;
  publish({ctx_.topics.availability, "online", true}, kQosDiscovery);
  if (const int l = link_; l >= 0)
    publish({ctx_.topics.link, l == 1 ? "ON" : "OFF", true}, kQosDiscovery);
  mosquitto_subscribe(client_, nullptr, ctx_.topics.ha_status.c_str(), kQosDiscovery);
  mosquitto_subscribe(client_, nullptr, ctx_.topics.command_filter.c_str(), kQosDiscovery);
  announce();
}

void Publisher::command(const std::string& key, std::string_view payload) {
  core::Settings settings;
  {
    std::lock_guard lock(mutex_);
    settings = settings_;
  }
  const Message result =
      handle_command(ctx_.topics, settings, ctx_.config.commands, key, payload, sink_);
  publish(result, kQosDiscovery);
  const auto verdict = nlohmann::json::parse(result.payload, nullptr, false);
  std::lock_guard lock(mutex_);
  publish_now_ = true;  // show the change on the next update rather than an interval later
  // A refused value: the board's value goes out again, so Home Assistant's entity, which shows
  // what it sent, returns to what the board holds.
  if (!verdict.is_object() || !verdict.value("ok", false)) resend_settings_ = true;
}

// Discovery, then the current values so entities do not start as "unknown".
void Publisher::announce() {
  core::Snapshot s;
  core::Settings settings;
  {
    std::lock_guard lock(mutex_);
    if (!have_values_) return;
    s = snapshot_;
    settings = settings_;
    announced_cells_ = s.cell_present_mask;
    announced_temps_ = s.temp_present_mask;
    need_announce_ = false;
    resend_settings_ = true;  // a new subscriber, or a broker that lost its retained messages
  }
  if (ctx_.config.discovery) {
    for (const auto& m : discovery_messages(ctx_, s, settings)) publish(m, kQosDiscovery);
  }
  publish_values();
}

// The state every time; the retained settings only when they changed (or must be told again).
void Publisher::publish_values() {
  Message state;
  Message settings;
  bool send_settings = false;
  {
    std::lock_guard lock(mutex_);
    state = {ctx_.topics.state, state_payload(snapshot_, unix_ms_).dump(), false};
    settings = {ctx_.topics.settings, settings_json(settings_).dump(), true};
    send_settings = resend_settings_ || settings.payload != last_settings_;
    resend_settings_ = false;
    last_settings_ = settings.payload;
  }
  if (send_settings) publish(settings, kQosDiscovery);
  publish(state, kQosState);
}

void Publisher::publish(const Message& msg, int qos) {
  mosquitto_publish(client_, nullptr, msg.topic.c_str(), static_cast<int>(msg.payload.size()),
                    msg.payload.data(), qos, msg.retain);
}

}  // namespace softbms::host::mqtt
