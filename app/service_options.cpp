#include "app/service_options.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <ostream>

#include "host/web/host_check.hpp"

namespace softbms::app {

namespace sv = host::services;

namespace {

bool fail(Io io, std::string_view command, const std::string& message) {
  io.err << "softbms " << command << ": " << message << "\n";
  return false;
}

// --allowed-host a,b: names besides loopback ones and the listening address that logins and
// writes may use in Host (docs/security.md).
bool allowed_hosts(const Args& args, std::string_view command, sv::ServiceOptions& o, Io io) {
  std::string_view rest = args.option("allowed-host").value_or("");
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find(','), rest.size());
    const std::string_view name = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (!host::web::valid_host_name(name))
      return fail(io, command,
                  "--allowed-host takes host names (letters, digits, '.', '-') separated by "
                  "commas, without scheme or port, got '" +
                      std::string(name) + "'");
    o.http.allowed_hosts.emplace_back(name);
  }
  return true;
}

bool http(const Args& args, std::string_view command, sv::ServiceOptions& o, Io io) {
  const auto text = args.option("http");
  if (!text) {
    // The default port may be taken (another softbms, a dev server): take the next free one.
    o.http.next_free_port = true;
  } else {
    auto h = sv::parse_http(*text);
    if (!h.ok())
      return fail(io, command,
                  "--http takes ADDRESS:PORT (127.0.0.1:8080, [::1]:8080, 0.0.0.0:8080) or off, "
                  "got '" +
                      std::string(*text) + "'");
    o.http = h.value();
  }
  o.http.metrics_open = args.flag("metrics-open");
  return allowed_hosts(args, command, o, io);
}

bool mqtt(const Args& args, std::string_view command, sv::ServiceOptions& o, Io io) {
  const auto broker = args.option("mqtt");
  const bool tuned = args.option("mqtt-base") || args.option("mqtt-commands") ||
                     args.option("mqtt-user") || args.option("mqtt-interval") ||
                     args.option("mqtt-ca");
  if (!broker) {
    if (tuned) return fail(io, command, "--mqtt-* options need --mqtt HOST[:PORT]");
    return true;
  }
  auto m = sv::parse_mqtt_broker(*broker);
  if (!m.ok())
    return fail(io, command,
                "--mqtt takes HOST, HOST:PORT, mqtt://HOST[:PORT] or mqtts://HOST[:PORT] (TLS); "
                "an IPv6 address in brackets ([::1]:1883); got '" +
                    std::string(*broker) + "'");
  o.mqtt = m.value();
  if (auto ca = args.option("mqtt-ca")) {
    if (!o.mqtt.tls)
      return fail(io, command, "--mqtt-ca is for a TLS broker: --mqtt mqtts://HOST[:PORT]");
    std::ifstream pem{std::string(*ca)};
    if (!pem) return fail(io, command, "--mqtt-ca: cannot read '" + std::string(*ca) + "'");
    o.mqtt.ca_file = std::string(*ca);
  }
  if (auto base = args.option("mqtt-base")) {
    if (base->empty() || base->find_first_of("#+") != std::string_view::npos)
      return fail(io, command, "--mqtt-base must be a topic without # or +");
    o.mqtt.base = std::string(*base);
  }
  if (auto c = args.option("mqtt-commands")) {
    auto classes = sv::parse_mqtt_commands(*c);
    if (!classes.ok())
      return fail(io, command,
                  "--mqtt-commands takes none, switches, settings or switches,settings");
    o.mqtt.commands = classes.value();
  }
  if (auto u = args.option("mqtt-user")) o.mqtt.username = std::string(*u);
  if (auto name = args.option("name")) o.mqtt.name = std::string(*name);
  if (const char* pw = std::getenv("SOFTBMS_MQTT_PASSWORD")) o.mqtt.password = pw;
  if (auto i = args.option("mqtt-interval")) {
    double s = 0;
    const auto [ptr, ec] = std::from_chars(i->data(), i->data() + i->size(), s);
    if (ec != std::errc() || ptr != i->data() + i->size() || s < 0.1 || s > 3600)
      return fail(io, command, "--mqtt-interval takes seconds from 0.1 to 3600");
    o.mqtt.state_interval = Milliseconds(static_cast<int64_t>(s * 1000));
  }
  return true;
}

}  // namespace

std::optional<sv::ServiceOptions> service_options(const Args& args, std::string_view command,
                                                  const std::string& state_dir, Io io) {
  sv::ServiceOptions o;
#ifdef SOFTBMS_VERSION
  o.sw_version = SOFTBMS_VERSION;
#endif
  if (!http(args, command, o, io) || !mqtt(args, command, o, io)) return std::nullopt;
  const std::string_view history = args.option("history").value_or("");
  if (history == "off") {
    o.history_path.reset();
  } else {
    o.history_path = history.empty() ? state_dir + "/history.db" : std::string(history);
  }
  return o;
}

}  // namespace softbms::app
