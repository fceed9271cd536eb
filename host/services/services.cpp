#include "host/services/services.hpp"

#include <charconv>
#include <chrono>
#include <cmath>

#include "host/metrics/prometheus.hpp"
#include "host/text/param_text.hpp"
#include "host/web/aggregate.hpp"
#include "host/web/bind_policy.hpp"

namespace softbms::host::services {
namespace {

constexpr Milliseconds kFeedEvery{1000};
constexpr int kPortsToTry = 20;  // --http with next_free_port: 8080 .. 8099

std::optional<int> port_number(std::string_view text) {
  int v = -1;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v < 0 || v > 65535)
    return std::nullopt;
  return v;
}

// "host:port" or "[v6]:port" split at the last colon outside brackets.
std::optional<std::pair<std::string, std::string_view>> host_and_port(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  else if (host.find(':') != std::string_view::npos)
    return std::nullopt;  // a bare IPv6 address needs brackets
  return std::pair{std::string(host), text.substr(colon + 1)};
}

// The 10 series the dashboard charts, in HistorySample order.
struct ChartSeries {
  std::string_view name;
  float web::HistorySample::*member;
};
constexpr ChartSeries kChartSeries[] = {
    {"voltage", &web::HistorySample::voltage},
    {"current", &web::HistorySample::current},
    {"power", &web::HistorySample::power},
    {"soc", &web::HistorySample::soc},
    {"cell_min", &web::HistorySample::cell_min},
    {"cell_max", &web::HistorySample::cell_max},
    {"cell_delta", &web::HistorySample::cell_delta},
    {"temp_mos", &web::HistorySample::temp_mos},
    {"temp_battery_min", &web::HistorySample::temp_battery_min},
    {"temp_battery_max", &web::HistorySample::temp_battery_max},
};

// The table for [from, now]: raw up to a day, 1 min up to a week (10 080 rows), then 15 min
// (30 days = 2 880 rows, still more than the 1 000 points a chart asks for).
history::Resolution resolution_for(int64_t from_ms, int64_t now_ms) {
  constexpr int64_t kDay = 86'400'000;
  const int64_t age = now_ms - from_ms;
  if (age <= kDay) return history::Resolution::raw;
  if (age <= 7 * kDay) return history::Resolution::minute;
  return history::Resolution::quarter_hour;
}

std::string on_off(bool on) {
  return on ? "on" : "off";
}

}  // namespace

int64_t unix_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Result<HttpOptions> parse_http(std::string_view text) {
  HttpOptions o;
  if (text == "off") {
    o.enabled = false;
    return o;
  }
  const auto hp = host_and_port(text);
  if (!hp) return Status(Errc::bad_value);
  const auto port = port_number(hp->second);
  if (!port) return Status(Errc::out_of_range);
  o.address = hp->first.empty() ? "127.0.0.1" : hp->first;
  o.port = *port;
  return o;
}

Result<MqttOptions> parse_mqtt_broker(std::string_view text) {
  MqttOptions o;
  o.enabled = true;
  // The URL forms: mqtt:// is the plain protocol, mqtts:// TLS; each has its IANA default port.
  struct Scheme {
    std::string_view prefix;
    bool tls;
    int port;
  };
  constexpr Scheme kSchemes[] = {{"mqtt://", false, 1883}, {"mqtts://", true, 8883}};
  bool url = false;
  for (const Scheme& s : kSchemes) {
    if (text.starts_with(s.prefix)) {
      text.remove_prefix(s.prefix.size());
      if (text.ends_with('/')) text.remove_suffix(1);
      o.tls = s.tls;
      o.port = s.port;
      url = true;
    }
  }
  if (!url && text.find("://") != std::string_view::npos) return Status(Errc::bad_value);
  if (text.empty() || text.find_first_of("/@?#") != std::string_view::npos)
    return Status(Errc::bad_value);
  const auto hp = host_and_port(text);
  if (!hp) {
    if (text.find(':') != std::string_view::npos) return Status(Errc::bad_value);
    o.host = std::string(text);
    return o;
  }
  const auto port = port_number(hp->second);
  if (!port || *port == 0 || hp->first.empty()) return Status(Errc::bad_value);
  o.host = hp->first;
  o.port = *port;
  return o;
}

Result<mqtt::CommandClasses> parse_mqtt_commands(std::string_view text) {
  mqtt::CommandClasses c;
  if (text == "none") return c;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find(','), text.size());
    const std::string_view word = text.substr(0, end);
    if (word == "switches") {
      c.switches = true;
    } else if (word == "settings") {
      c.settings = true;
    } else {
      return Status(Errc::bad_value);
    }
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  if (!c.switches && !c.settings) return Status(Errc::bad_value);
  return c;
}

std::vector<web::HistorySample> samples_of(const history::Table& table) {
  std::array<int, std::size(kChartSeries)> column{};
  for (std::size_t s = 0; s < std::size(kChartSeries); ++s) {
    column[s] = -1;
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      if (table.columns[c] == kChartSeries[s].name) column[s] = static_cast<int>(c);
    }
  }
  std::vector<web::HistorySample> out;
  out.reserve(table.rows.size());
  for (const history::Row& row : table.rows) {
    web::HistorySample h;
    h.t_ms = row.t_ms;
    for (std::size_t s = 0; s < std::size(kChartSeries); ++s) {
      const auto& v = column[s] < 0 ? std::optional<double>{} : row.values[column[s]];
      h.*kChartSeries[s].member = v ? static_cast<float>(*v) : std::nanf("");
    }
    out.push_back(h);
  }
  return out;
}

Services::Services(EventLoop& loop, std::vector<PackBackend*> packs, ServiceOptions options,
                   Notice notice)
    : loop_(loop),
      backends_(std::move(packs)),
      options_(std::move(options)),
      notice_(std::move(notice)) {}

Services::~Services() {
  stop();
}

Expected<std::unique_ptr<Services>> Services::start(EventLoop& loop,
                                                    std::vector<PackBackend*> packs,
                                                    const ServiceOptions& options, Notice notice) {
  if (packs.empty()) return make_error(Errc::bad_value, "services", "no pack to serve");
  std::unique_ptr<Services> s(new Services(loop, std::move(packs), options, std::move(notice)));
  auto invoker = LoopInvoker::create(loop);
  if (!invoker) return invoker.error();
  s->invoker_ = std::move(invoker).value();
  if (Done d = s->open_history(); !d) return d.error();
  for (PackBackend* b : s->backends_) {
    s->packs_.push_back(std::make_unique<LoopPack>(
        *b, *s->invoker_,
        [p = s.get()](const std::string& pack, int64_t from, int64_t to) {
          return p->stored_history(pack, from, to);
        },
        [p = s.get()](const std::string& pack, const core::Command& c, Status r) {
          p->log_command(pack, c, r);
        }));
    s->packs_.back()->set_cell_history(
        [p = s.get()](const std::string& pack, int64_t from, int64_t to) {
          return p->stored_cell_history(pack, from, to);
        });
  }
  if (Done d = s->start_web(); !d) return d.error();
  if (Done d = s->start_mqtt(); !d) return d.error();
  s->publish_now();
  s->timer_ = loop.every(kFeedEvery, [p = s.get()] { p->publish_now(); });
  return s;
}

Done Services::open_history() {
  if (!options_.history_path) return {};
  history_ = std::make_unique<history::HistoryStore>();
  const Status st = history_->open({.path = *options_.history_path});
  if (!st.ok()) {
    return make_error(st.code(), "history",
                      "cannot open the history " + *options_.history_path + ": " +
                          history_->last_error() + " (give another --history PATH, or off)");
  }
  return {};
}

Done Services::start_web() {
  if (!options_.http.enabled) return {};
  web::ServerOptions o;
  o.address = options_.http.address;
  o.hosts.allowed_hosts = options_.http.allowed_hosts;
  o.parallel = options_.parallel;
  o.on_write = [this](const web::WriteRecord& w) {
    tell("web: " + w.who + (w.pack.empty() ? "" : " pack " + w.pack) + " " + w.action + ": " +
         w.result);
  };
  o.text_routes.push_back({"/metrics", std::string(metrics::kContentType),
                           [this] {
                             return invoker_->call([this] { return metrics_text(); })
                                 .value_or(std::string("jkbms_up 0\n"));
                           },
                           options_.http.metrics_open});
  std::vector<web::PackAccess*> access;
  for (auto& p : packs_) access.push_back(p.get());
  if (options_.bank) {
    o.bank = [this] { return invoker_->call([this] { return options_.bank(); }); };
  }
  const int tries = options_.http.next_free_port && options_.http.port != 0 ? kPortsToTry : 1;
  std::optional<std::string> error;
  for (int i = 0; i < tries; ++i) {
    o.port = options_.http.port + i;
    web_ = std::make_unique<web::WebServer>(access, o);
    // The bind policy asks the packs for their password state: answer on this (loop) thread.
    error = web_->start();
    if (!error) return {};
  }
  web_.reset();
  return make_error(Errc::bad_state, "http", *error);
}

Done Services::start_mqtt() {
  if (!options_.mqtt.enabled) return {};
  for (std::size_t i = 0; i < packs_.size(); ++i) {
    PackBackend& b = *backends_[i];
    const web::PackInfo info = b.info();
    mqtt::MqttConfig c;
    c.host = options_.mqtt.host;
    c.port = options_.mqtt.port;
    c.username = options_.mqtt.username;
    c.password = options_.mqtt.password;
    c.tls = options_.mqtt.tls;
    c.ca_file = options_.mqtt.ca_file;
    c.base = options_.mqtt.base;
    // Topics by --name or the serial, so two instances on one broker never share a topic; with
    // parallel packs each one's own id follows.
    const std::string serial(b.device().serial_number.view());
    const std::string own =
        options_.mqtt.name.empty() ? (serial.empty() ? info.id : serial) : options_.mqtt.name;
    const std::string master(backends_[0]->device().serial_number.view());
    const std::string bank = options_.mqtt.name.empty() ? master : options_.mqtt.name;
    c.pack = mqtt::sanitize_id(backends_.size() > 1 ? bank + "_" + info.id : own);
    if (backends_.size() > 1) c.device_key = master + "_" + info.id;
    c.pack_name = options_.mqtt.name.empty() ? info.name + " " + own
                  : backends_.size() > 1     ? options_.mqtt.name + " " + info.name
                                             : options_.mqtt.name;
    c.state_interval = options_.mqtt.state_interval;
    c.commands = options_.mqtt.commands;
    c.configuration_url = web_ ? dashboard_url() : "";
    c.sw_version = options_.sw_version;
    auto pub = std::make_unique<mqtt::Publisher>(c, b.device(), packs_[i]->command_sink());
    const std::string who = packs_.size() > 1 ? "pack " + info.id + " " : "";
    pub->set_notice([this, who](const std::string& line) { tell(who + line); });
    if (const Status st = pub->start(); !st.ok()) {
      return make_error(
          st.code(), "mqtt",
          "cannot start the MQTT client for " + c.host + ":" + std::to_string(c.port));
    }
    publishers_.push_back(std::move(pub));
  }
  return {};
}

void Services::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (timer_ != 0) loop_.cancel(timer_);
  if (invoker_) invoker_->close();
  if (web_) web_->stop();
  publishers_.clear();  // each says "offline" and joins its thread
}

void Services::publish_now() {
  const int64_t unix_ms = unix_now_ms();
  for (std::size_t i = 0; i < backends_.size(); ++i) {
    PackBackend& b = *backends_[i];
    if (i < publishers_.size()) publishers_[i]->set_link(b.up());
    if (!b.up()) continue;
    const core::Snapshot snap = b.snapshot();
    if (i < publishers_.size()) publishers_[i]->update(loop_.now(), unix_ms, snap, b.settings());
    if (history_) {
      if (auto r = history_->record(unix_ms, b.info().id, snap); !r.ok()) {
        tell("history: " + history_->last_error());
      }
    }
  }
}

std::string Services::metrics_text() const {
  std::vector<metrics::PackMetrics> all;
  const int64_t unix_ms = unix_now_ms();
  for (std::size_t i = 0; i < backends_.size(); ++i) {
    PackBackend* b = backends_[i];
    const web::LinkState link = b->link();
    metrics::PackMetrics m{b->info().id, b->device(), b->snapshot(), b->up(),
                           link.live ? unix_ms : link.sample_unix_ms, std::nullopt};
    if (i < publishers_.size()) m.mqtt_connected = publishers_[i]->connected();
    all.push_back(std::move(m));
  }
  return metrics::prometheus_text(all);
}

std::optional<history::Table> Services::chart_table(const std::string& pack, int64_t from_ms,
                                                    int64_t to_ms,
                                                    std::vector<std::string> series) const {
  if (!history_) return std::nullopt;
  history::Query q;
  q.pack = pack;
  q.from_ms = from_ms;
  q.to_ms = to_ms;
  q.series = std::move(series);
  q.resolution = resolution_for(from_ms, unix_now_ms());
  auto table = history_->query(q);
  if (!table.ok()) return std::nullopt;
  return std::move(table).value();
}

std::optional<std::vector<web::HistorySample>> Services::stored_history(const std::string& pack,
                                                                        int64_t from_ms,
                                                                        int64_t to_ms) const {
  std::vector<std::string> series;
  for (const auto& s : kChartSeries) series.emplace_back(s.name);
  const auto table = chart_table(pack, from_ms, to_ms, std::move(series));
  if (!table) return std::nullopt;
  return samples_of(*table);
}

std::optional<web::CellHistory> Services::stored_cell_history(const std::string& pack,
                                                              int64_t from_ms,
                                                              int64_t to_ms) const {
  std::vector<std::string> series;
  for (std::size_t k = 1; k <= core::kMaxCells; ++k) series.push_back("cell_" + std::to_string(k));
  const auto table = chart_table(pack, from_ms, to_ms, std::move(series));
  if (!table) return std::nullopt;
  // Each cell's average is its first column (1 m and 15 m add _min and _max after it).
  const std::size_t stride = table->columns.size() / core::kMaxCells;
  web::CellHistory out;
  out.cells.resize(core::kMaxCells);
  for (const history::Row& row : table->rows) {
    out.t_ms.push_back(row.t_ms);
    for (std::size_t k = 0; k < core::kMaxCells; ++k) {
      const auto& v = row.values[k * stride];
      out.cells[k].push_back(v ? static_cast<float>(*v) : std::nanf(""));
    }
  }
  return out;
}

void Services::log_command(const std::string& pack, const core::Command& c, Status result) const {
  // Web writes are told by the server's write log (with the session); MQTT ones here.
  if (c.origin != core::Origin::mqtt) return;
  std::string what = c.kind == core::CommandKind::set_param
                         ? std::string(core::info(c.param).name) + "=" + std::to_string(c.value)
                         : "command " + std::to_string(static_cast<int>(c.kind));
  tell("mqtt: pack " + pack + " " + what + ": " +
       (result.ok() ? std::string("ok") : "rejected: " + describe_setting_error(result)));
}

std::string Services::dashboard_url() const {
  if (!web_) return "";
  const std::string& a = options_.http.address;
  const bool v6 = a.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + a + "]" : a) + ":" + std::to_string(web_->port()) + "/";
}

std::vector<std::string> Services::startup_lines() const {
  std::vector<std::string> lines;
  if (web_) {
    lines.push_back("dashboard " + dashboard_url() + "  (login: the settings password)");
    lines.push_back("metrics   " + dashboard_url() + "metrics");
  }
  if (options_.mqtt.enabled) {
    const auto& m = options_.mqtt;
    lines.push_back("mqtt      " + std::string(m.tls ? "mqtts://" : "") + m.host + ":" +
                    std::to_string(m.port) + "  base " + m.base + "  commands switches " +
                    on_off(m.commands.switches) + ", settings " + on_off(m.commands.settings));
  }
  if (options_.history_path) lines.push_back("history   " + *options_.history_path);
  return lines;
}

std::string Services::mqtt_state() const {
  if (publishers_.empty()) return "";
  // With several packs one client per pack: the first one not connected speaks for them.
  for (const auto& p : publishers_) {
    if (!p->connected()) return "mqtt " + p->state();
  }
  return "mqtt connected";
}

void Services::tell(const std::string& line) const {
  if (notice_) notice_(line);
}

}  // namespace softbms::host::services
