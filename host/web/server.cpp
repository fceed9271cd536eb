#include "host/web/server.hpp"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <string_view>

#include "core/io/alarm.hpp"
#include "core/log/event_text.hpp"
#include "core/security/passwords.hpp"
#include "host/text/param_text.hpp"
#include "host/text/snapshot_json.hpp"
#include "host/web/aggregate.hpp"
#include "host/web/assets.hpp"
#include "host/web/bind_policy.hpp"
#include "host/web/command_bodies.hpp"
#include "host/web/history_query.hpp"
#include "host/web/http_server.hpp"
#include "host/web/owner_bodies.hpp"
#include "host/web/request_body.hpp"
#include "host/web/request_gate.hpp"
#include "host/web/settings_change.hpp"

namespace softbms::host::web {

using nlohmann::json;

namespace {

constexpr std::string_view kCookie = "softbms_session";
constexpr std::string_view kCsrfHeader = "X-CSRF-Token";
constexpr int64_t kRtcEpochUnix = 1'577'836'800;  // 2020-01-01, JK's RTC epoch

// Text from a request (a path, a header) may be any bytes: never let them make dump() throw.
std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

void send(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(dump(body), "application/json");
}

void send_error(httplib::Response& res, int status, std::string_view message) {
  send(res, status, json{{"error", message}});
}

std::string cookie_value(const httplib::Request& req, std::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find(';'), rest.size());
    std::string_view item = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() > name.size() && item.substr(0, name.size()) == name &&
        item[name.size()] == '=') {
      return std::string(item.substr(name.size() + 1));
    }
  }
  return {};
}

int http_status(Status st) {
  switch (st.code()) {
    case Errc::ok:
      return 200;
    case Errc::out_of_range:
    case Errc::rule_violation:
    case Errc::unknown_field:
    case Errc::bad_value:
      return 422;
    case Errc::not_authorized:
      return 403;
    case Errc::wrong_password:
      return 401;
    case Errc::locked:
      return 429;
    case Errc::bad_state:
      return 409;
    default:
      return 500;
  }
}

json event_json(const core::Event& e) {
  return {{"time", kRtcEpochUnix + e.time_s},
          {"type", core::kEventNames[static_cast<std::size_t>(e.type)]},
          {"text", core::event_text(e.type)},
          {"subject", core::event_subject(e)},
          {"origin", core::origin_text(e)},
          {"value", e.value}};
}

// The header's value as a view into the request, or nullopt; `repeated` is set when it comes
// more than once.
std::optional<std::string_view> header(const httplib::Request& req, const char* name,
                                       bool& repeated) {
  const auto [first, last] = req.headers.equal_range(name);
  if (first == last) return std::nullopt;
  repeated = repeated || std::next(first) != last;
  return std::string_view(first->second);
}

// The pack a write names ("" for login, logout and anything else), for the write log.
std::string pack_of(std::string_view path) {
  constexpr std::string_view kPacks = "/api/packs/";
  if (path.rfind(kPacks, 0) != 0) return {};
  path.remove_prefix(kPacks.size());
  return std::string(path.substr(0, path.find('/')));
}

// A pack's values with their age (docs/app.md, "When the board goes away"): times are Unix
// seconds, ages seconds at `now_ms`; null where there is none.
json with_link(json values, const LinkState& l, int64_t now_ms) {
  const auto seconds = [](int64_t ms) {
    return ms == 0 ? json() : json(static_cast<double>(ms) / 1000.0);
  };
  const auto age = [now_ms](int64_t ms) {
    return ms == 0 ? json() : json(static_cast<double>(std::max<int64_t>(now_ms - ms, 0)) / 1000.0);
  };
  const int64_t sample = l.live ? now_ms : l.sample_unix_ms;
  const int64_t settings = l.live ? now_ms : l.settings_unix_ms;
  values["link"] = {{"live", l.live},
                    {"up", l.up},
                    {"sample_time", seconds(sample)},
                    {"age_s", age(sample)},
                    {"settings_time", seconds(settings)},
                    {"settings_age_s", age(settings)},
                    {"offline_since", seconds(l.up ? 0 : l.offline_since_unix_ms)},
                    {"error", l.up || l.error.empty() ? json() : json(l.error)}};
  return values;
}

}  // namespace

json to_json(const WriteRecord& w) {
  return {{"time", static_cast<double>(w.t_ms) / 1000.0},
          {"who", w.who},
          {"pack", w.pack},
          {"action", w.action},
          {"result", w.result}};
}

// What a guarded write handler answers.
struct WebServer::Reply {
  int status = 200;
  json body;
  std::string result = "ok";  // for the write log
};

// The request handlers. They run on the server's threads and take WebServer::mu_.
class WebServer::Routes {
 public:
  explicit Routes(WebServer& s) : s_(s) {}

  void install(httplib::Server& http) {
    http.set_pre_routing_handler(
        [this](const auto& req, auto& res) { return before_body(req, res); });
    // A client that asks before sending its body (Expect: 100-continue) hears the refusal
    // instead of "100 Continue".
    http.set_expect_100_continue_handler([this](const auto& req, auto& res) {
      return before_body(req, res) == httplib::Server::HandlerResponse::Handled ? res.status : 100;
    });
    // A handler must not throw (bodies are parsed into typed values); if one does, the client
    // still gets JSON rather than httplib's empty 500.
    http.set_exception_handler([](const auto&, auto& res, const std::exception_ptr&) {
      send_error(res, 500, "internal error");
    });
    http.Get("/api/packs",
             [this](const auto& req, auto& res) { read(req, res, [&] { packs(res); }); });
    http.Get("/api/aggregate",
             [this](const auto& req, auto& res) { read(req, res, [&] { aggregate(res); }); });
    http.Get("/api/alarms",
             [this](const auto& req, auto& res) { read(req, res, [&] { alarms(res); }); });
    http.Get("/api/params",
             [this](const auto& req, auto& res) { read(req, res, [&] { params(req, res); }); });
    http.Get("/api/session", [this](const auto& req, auto& res) { session(req, res); });
    http.Get("/api/stream",
             [this](const auto& req, auto& res) { read(req, res, [&] { stream(res); }); });
    http.Post("/api/login", [this](const auto& req, auto& res) { login(req, res); });
    http.Post("/api/logout", [this](const auto& req, auto& res) { logout(req, res); });
    const std::string pack = R"(/api/packs/([A-Za-z0-9_-]+))";
    http.Get(pack + "/snapshot",
             [this](const auto& req, auto& res) { on_pack(req, res, &Routes::snapshot); });
    http.Get(pack + "/settings",
             [this](const auto& req, auto& res) { on_pack(req, res, &Routes::settings); });
    http.Get(pack + "/events",
             [this](const auto& req, auto& res) { on_pack(req, res, &Routes::events); });
    http.Get(pack + "/history",
             [this](const auto& req, auto& res) { on_pack(req, res, &Routes::history); });
    http.Get(pack + "/history/cells",
             [this](const auto& req, auto& res) { on_pack(req, res, &Routes::cell_history); });
    http.Put(pack + "/settings", [this](const auto& req, auto& res) {
      write(req, res, [&](PackAccess& p, const json& b) { return put_settings(p, b); });
    });
    http.Post(pack + "/switch", [this](const auto& req, auto& res) {
      write(req, res, [&](PackAccess& p, const json& b) { return set_switch(p, b); });
    });
    http.Post(pack + "/emergency", [this](const auto& req, auto& res) {
      write(req, res, [&](PackAccess& p, const json& b) { return emergency(p, b); });
    });
    http.Post(pack + "/factory-reset", [this](const auto& req, auto& res) {
      write(req, res, [&](PackAccess& p, const json& b) { return factory_reset(p, b); });
    });
    install_owner_routes(http, pack);
    for (const auto& route : s_.options_.text_routes) {
      http.Get(route.path, [this, &route](const auto& req, auto& res) {
        const auto serve = [&] {
          res.set_header("Cache-Control", "no-store");
          res.set_content(route.body(), route.content_type);
        };
        if (route.open) return serve();
        read(req, res, serve);
      });
    }
    http.Get(".*", [](const auto& req, auto& res) { static_file(req, res); });
  }

 private:
  using PackHandler = void (Routes::*)(const httplib::Request&, httplib::Response&, PackAccess&);

  PackAccess* find(const std::string& id) {
    for (PackAccess* p : s_.packs_) {
      if (p->info().id == id) return p;
    }
    return nullptr;
  }

  bool open_reads() const {
    return s_.options_.open_reads.value_or(is_loopback(s_.options_.address));
  }

  // Host, Origin and body framing, before httplib reads a body (request_gate.hpp). A refused
  // write goes to the write log like every other.
  httplib::Server::HandlerResponse before_body(const httplib::Request& req,
                                               httplib::Response& res) {
    const auto refusal = check_head(req);
    if (!refusal) return httplib::Server::HandlerResponse::Unhandled;
    close_connection_after_response();
    send_error(res, refusal->status, refusal->message);
    if (is_write(req.method)) {
      std::lock_guard lock(s_.mu_);
      s_.record_write({s_.now(), "web " + req.remote_addr, pack_of(req.path),
                       req.method + " " + req.path, "refused: " + refusal->message});
    }
    return httplib::Server::HandlerResponse::Handled;
  }

  std::optional<Refusal> check_head(const httplib::Request& req) const {
    bool repeated = false;
    const RequestHead head{req.method,
                           req.path,
                           header(req, "Host", repeated),
                           header(req, "Origin", repeated),
                           header(req, "Content-Length", repeated),
                           header(req, "Transfer-Encoding", repeated),
                           req.local_addr};
    if (repeated) return Refusal{400, "a header that may come once came twice"};
    return gate(head, s_.options_.hosts);
  }

  // Open reads are for this machine: a page that rebinds its own name to 127.0.0.1 must not
  // read the packs through the visitor's browser.
  template <typename F>
  void read(const httplib::Request& req, httplib::Response& res, F&& handler) {
    if (open_reads()) {
      if (host_refusal(req.get_header_value("Host"), req.local_addr, s_.options_.hosts))
        return send_error(res, 403, "unexpected Host");
      return handler();
    }
    std::unique_lock lock(s_.mu_);
    const bool logged_in = s_.sessions_.touch(cookie_value(req, kCookie), s_.now()).has_value();
    lock.unlock();
    if (!logged_in) return send_error(res, 401, "login required");
    handler();
  }

  void on_pack(const httplib::Request& req, httplib::Response& res, PackHandler h) {
    read(req, res, [&] {
      std::lock_guard lock(s_.mu_);
      PackAccess* p = find(req.matches[1].str());
      if (p == nullptr) return send_error(res, 404, "no such pack");
      (this->*h)(req, res, *p);
    });
  }

  // Every write: a live session, its CSRF token echoed, the same origin, a login that covers
  // this pack; then the handler, and a line in the write log whatever the outcome.
  template <typename F>
  void write(const httplib::Request& req, httplib::Response& res, F&& handler) {
    std::lock_guard lock(s_.mu_);
    const std::string id = req.matches[1].str();
    WriteRecord w{s_.now(), "web " + req.remote_addr, id, req.method + " " + req.path, ""};
    const Reply r = guarded(req, id, w, handler);
    w.result = r.result;
    s_.record_write(std::move(w));
    send(res, r.status, r.body);
  }

  template <typename F>
  Reply guarded(const httplib::Request& req, const std::string& id, WriteRecord& w, F&& handler) {
    const auto session = s_.sessions_.touch(cookie_value(req, kCookie), w.t_ms);
    if (!session) return {401, {{"error", "login required"}}, "refused: no session"};
    w.who = session->who;
    if (!same_secret(req.get_header_value(std::string(kCsrfHeader)), session->csrf))
      return {403, {{"error", "bad CSRF token"}}, "refused: bad CSRF token"};
    if (std::find(session->packs.begin(), session->packs.end(), id) == session->packs.end()) {
      return {
          403, {{"error", "this login does not cover pack " + id}}, "refused: pack not authorised"};
    }
    PackAccess* p = find(id);
    if (p == nullptr) return {404, {{"error", "no such pack"}}, "refused: no such pack"};
    const auto body = parse_object(req.body);
    if (failed(body)) return refused(body);
    w.action = action_text(req, std::get<json>(body));
    return handler(*p, std::get<json>(body));
  }

  static std::string action_text(const httplib::Request& req, const json& body) {
    const std::string path = req.path.substr(req.path.rfind('/') + 1);
    return path + " " + dump(redact_secrets(body));
  }

  template <typename T>
  static Reply refused(const Parsed<T>& p) {
    const RequestError& e = *failed(p);
    return {400, to_json(e), "refused: " + e.message};
  }

  static core::Command command(core::CommandKind kind, core::Authority authority) {
    core::Command c;
    c.kind = kind;
    c.origin = core::Origin::web;
    c.authority = authority;
    return c;
  }

  static Reply device_reply(PackAccess& p, Status st, json ok_body) {
    if (st.ok()) return {200, std::move(ok_body)};
    const int code = http_status(st);
    if (st.code() == Errc::out_of_range || st.code() == Errc::rule_violation) {
      const FieldError e = field_error(st, p.settings());
      return {code, to_json(e), "rejected: " + e.message};
    }
    return {
        code, {{"error", errc_name(st.code())}}, "rejected: " + std::string(errc_name(st.code()))};
  }

  Reply put_settings(PackAccess& p, const json& body) {
    auto parsed = parse_changes(body);
    if (const auto* e = std::get_if<FieldError>(&parsed))
      return {422, to_json(*e), "rejected: " + e->message};
    // One step of the core: validated on the final state, all or nothing.
    const core::SettingsChange change{core::Origin::web, core::Authority::settings,
                                      std::get<core::ChangeList>(parsed)};
    if (const Status st = p.apply(change); !st.ok()) return device_reply(p, st, {});
    json applied = json::array();
    for (const core::Change& c : change.changes) applied.push_back(core::info(c.param).name);
    return {200, {{"applied", applied}, {"settings", settings_json(p.settings())}}};
  }

  static Reply set_switch(PackAccess& p, const json& body) {
    const auto parsed = parse_switch(body);
    if (failed(parsed)) return refused(parsed);
    const auto& sw = std::get<SwitchBody>(parsed);
    core::Command cmd = command(core::CommandKind::set_param, core::Authority::switches);
    cmd.param = sw.param;
    cmd.value = sw.on ? 1 : 0;
    return device_reply(p, p.apply(cmd), {{"name", sw.name}, {"on", sw.on}});
  }

  static Reply emergency(PackAccess& p, const json& body) {
    const auto parsed = parse_emergency(body);
    if (failed(parsed)) return refused(parsed);
    const bool on = std::get<EmergencyBody>(parsed).on;
    core::Command cmd = command(core::CommandKind::emergency, core::Authority::switches);
    cmd.value = on ? 1 : 0;
    return device_reply(p, p.apply(cmd), {{"on", on}});
  }

  static Reply factory_reset(PackAccess& p, const json& body) {
    const auto parsed = parse_factory_reset(body);
    if (failed(parsed)) return refused(parsed);
    core::Command cmd = command(core::CommandKind::factory_reset, core::Authority::settings);
    cmd.chemistry = std::get<FactoryResetBody>(parsed).chemistry;
    return device_reply(p, p.apply(cmd), {{"settings", settings_json(p.settings())}});
  }

  // What a JK owner does in the app (docs/web.md, "The owner's commands"); each needs a login
  // with the settings password, like every write.
  void install_owner_routes(httplib::Server& http, const std::string& pack) {
    http.Get(pack + "/device",
             [this](const auto& req, auto& res) { on_pack(req, res, &Routes::device); });
    http.Post(pack + "/calibrate", [this](const auto& req, auto& res) {
      write(req, res, [&](PackAccess& p, const json& b) { return calibrate(p, b); });
    });
    http.Post(pack + "/reset-counters", [this](const auto& req, auto& res) {
      write(req, res, [&](PackAccess& p, const json& b) { return reset_counters(p, b); });
    });
    http.Post(pack + "/device-name", [this](const auto& req, auto& res) {
      write(req, res, [&](PackAccess& p, const json& b) { return device_name(p, b); });
    });
    http.Post(pack + "/password", [this](const auto& req, auto& res) {
      write(req, res, [&](PackAccess& p, const json& b) { return change_password(p, b); });
    });
  }

  static Reply field_reply(int status, std::string_view field, std::string message) {
    return {status, {{"error", message}, {"field", field}}, "rejected: " + message};
  }

  void device(const httplib::Request&, httplib::Response& res, PackAccess& p) {
    const std::optional<core::DeviceInfo> d = p.device();
    if (!d) return send_error(res, 404, "this pack reports no identity");
    send(res, 200,
         {{"model", d->model.view()},
          {"hw_version", d->hw_version.view()},
          {"sw_version", d->sw_version.view()},
          {"serial_number", d->serial_number.view()},
          {"device_name", d->device_name.view()},
          {"manufacturing_date", d->manufacturing_date.view()}});
  }

  static Reply calibrate(PackAccess& p, const json& body) {
    const auto parsed = parse_calibrate(body);
    if (failed(parsed)) return refused(parsed);
    const auto& b = std::get<CalibrateBody>(parsed);
    const bool voltage = b.kind == core::CommandKind::calibrate_voltage;
    const std::string_view field = voltage ? "voltage_v" : "current_a";
    core::Command cmd = command(b.kind, core::Authority::settings);
    cmd.value = b.value;
    const Status st = p.apply(cmd);
    if (st.code() == Errc::bad_state) {
      return field_reply(409, field,
                         voltage ? "voltage_v: the board cannot calibrate now (no cell measured, or "
                                   "it refused); nothing changed"
                                 : "current_a: calibrate while at least 1 A flows (or the board "
                                   "refused); nothing changed");
    }
    if (st.code() == Errc::unknown_field) {
      return field_reply(501, field,
                         std::string(field) + ": this pack's link has no calibration request");
    }
    if (st.code() == Errc::out_of_range) {
      return field_reply(
          422, field,
          std::string(field) +
              (voltage ? ": more than 20 % away from what the board measures (factor 0.8..1.2); "
                         "check the meter; nothing changed"
                       : ": more than 50 % away from what the board measures, or of the other "
                         "sign (factor 0.5..1.5); nothing changed"));
    }
    const core::Settings s = p.settings();
    return device_reply(p, st,
                        {{"voltage_calibration_ppm", s.raw(core::Param::voltage_calibration)},
                         {"current_calibration_ppm", s.raw(core::Param::current_calibration)}});
  }

  static Reply reset_counters(PackAccess& p, const json& body) {
    const auto parsed = parse_reset_counters(body);
    if (failed(parsed)) return refused(parsed);
    return device_reply(
        p, p.apply(command(core::CommandKind::reset_counters, core::Authority::settings)),
        {{"reset", true}});
  }

  static Reply device_name(PackAccess& p, const json& body) {
    const auto parsed = parse_device_name(body);
    if (failed(parsed)) return refused(parsed);
    const std::string& name = std::get<DeviceNameBody>(parsed).name;
    core::Command cmd = command(core::CommandKind::set_device_field, core::Authority::settings);
    cmd.field = core::DeviceField::device_name;
    const Status st = cmd.text.assign(name) ? p.apply(cmd) : Status(Errc::out_of_range);
    if (st.code() == Errc::bad_value || st.code() == Errc::out_of_range)
      return field_reply(422, "name", "name: 1 to 16 English letters and digits (A-Z, a-z, 0-9)");
    return device_reply(p, st, {{"name", name}});
  }

  static Reply change_password(PackAccess& p, const json& body) {
    const auto parsed = parse_password(body);
    if (failed(parsed)) return refused(parsed);
    const auto& b = std::get<PasswordBody>(parsed);
    const std::string which = b.which == core::PasswordKind::settings ? "settings" : "connection";
    core::Command cmd = command(core::CommandKind::change_password, core::Authority::switches);
    cmd.password = b.which;
    // A current password longer than any password can be is simply wrong (and counted so).
    (void)cmd.old_text.assign(b.old_password);
    const std::string rule = "new: " + std::to_string(core::kPasswordMinLength) + " to " +
                             std::to_string(core::kPasswordMaxLength) + " printable characters";
    if (!cmd.text.assign(b.new_password)) return field_reply(422, "new", rule);
    const Status st = p.apply(cmd);
    if (st.code() == Errc::wrong_password)
      return field_reply(403, "old",
                         "old: the current " + which + " password is wrong; nothing changed");
    if (st.code() == Errc::locked) {
      return {429,
              {{"error", "too many wrong passwords"}, {"retry_after_s", st.detail()}},
              "refused: locked"};
    }
    if (st.code() == Errc::bad_value) return field_reply(422, "new", rule);
    return device_reply(p, st, {{"which", which}});
  }

  void packs(httplib::Response& res) {
    std::lock_guard lock(s_.mu_);
    json list = json::array();
    for (PackAccess* p : s_.packs_) {
      const PackInfo i = p->info();
      const core::Settings st = p->settings();
      list.push_back(
          {{"id", i.id},
           {"name", i.name},
           {"model", core::model(i.model).name},
           {"chemistry", core::kChemistryNames[static_cast<std::size_t>(st.chemistry())]},
           {"cell_count", st.cells()}});
    }
    send(res, 200, {{"packs", list}, {"parallel", s_.options_.parallel}});
  }

  void aggregate(httplib::Response& res) {
    std::lock_guard lock(s_.mu_);
    std::vector<PackState> states;
    for (PackAccess* p : s_.packs_) states.push_back({p->info().id, p->snapshot()});
    send(res, 200, aggregate_json(states, s_.options_.bank));
  }

  static void alarms(httplib::Response& res) {
    json list = json::array();
    for (const auto& a : core::kAlarms)
      list.push_back({{"bit", static_cast<int>(a.bit)}, {"name", a.name}, {"words", a.words}});
    send(res, 200, list);
  }

  void params(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(s_.mu_);
    PackAccess* p = req.has_param("pack") ? find(req.get_param_value("pack")) : s_.packs_.front();
    if (p == nullptr) return send_error(res, 404, "no such pack");
    const core::Settings st = p->settings();
    json all = json::array();
    for (const auto& row : core::kParams) all.push_back(param_json(row, st));
    send(res, 200, all);
  }

  void snapshot(const httplib::Request&, httplib::Response& res, PackAccess& p) {
    send(res, 200, with_link(snapshot_json(p.snapshot()), p.link(), s_.now()));
  }

  void settings(const httplib::Request&, httplib::Response& res, PackAccess& p) {
    send(res, 200, settings_json(p.settings()));
  }

  void events(const httplib::Request&, httplib::Response& res, PackAccess& p) {
    json list = json::array();
    const auto log = p.events();
    for (auto it = log.rbegin(); it != log.rend(); ++it) list.push_back(event_json(*it));
    json writes = json::array();
    const std::string id = p.info().id;
    for (auto it = s_.writes_.rbegin(); it != s_.writes_.rend(); ++it) {
      if (it->pack == id || it->pack.empty()) writes.push_back(to_json(*it));
    }
    send(res, 200, {{"events", list}, {"writes", writes}});
  }

  void history(const httplib::Request& req, httplib::Response& res, PackAccess& p) {
    const auto query = parse_history_query(req.params, s_.now());
    if (const auto* e = failed(query)) return send(res, 400, to_json(*e));
    const HistoryQuery& q = std::get<HistoryQuery>(query);
    auto samples = p.history(q.from_ms, q.to_ms);
    if (!samples) samples = s_.history_[p.info().id].between(q.from_ms, q.to_ms);
    const auto j = history_json(downsample(*samples, q.points), q.series);
    if (!j) return send_error(res, 500, "internal error");
    send(res, 200, *j);
  }

  // The same from/to/points as history (a series list is not used): every cell the pack has.
  void cell_history(const httplib::Request& req, httplib::Response& res, PackAccess& p) {
    const auto query = parse_history_query(req.params, s_.now());
    if (const auto* e = failed(query)) return send(res, 400, to_json(*e));
    const HistoryQuery& q = std::get<HistoryQuery>(query);
    const auto cells = p.cell_history(q.from_ms, q.to_ms);
    if (!cells) return send_error(res, 404, "no stored history for this pack (--history PATH)");
    send(res, 200, cell_history_json(*cells, q.points));
  }

  void session(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(s_.mu_);
    const auto session = s_.sessions_.touch(cookie_value(req, kCookie), s_.now());
    json j = {{"logged_in", session.has_value()},
              {"open_reads", open_reads()},
              {"idle_timeout_s", s_.options_.sessions.idle_ms / 1000}};
    if (session) {
      j["csrf_token"] = session->csrf;
      j["packs"] = session->packs;
    }
    send(res, 200, j);
  }

  // Host and Origin were checked before the body was read (before_body).
  void login(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(s_.mu_);
    WriteRecord w{s_.now(), "web " + req.remote_addr, "", "login", ""};
    const auto body = parse_object(req.body);
    const auto parsed =
        failed(body) ? Parsed<LoginBody>(*failed(body)) : parse_login(std::get<json>(body));
    const Reply r =
        failed(parsed) ? refused(parsed) : check_login(req, res, std::get<LoginBody>(parsed), w);
    w.result = r.result;
    s_.record_write(std::move(w));
    send(res, r.status, r.body);
  }

  Reply check_login(const httplib::Request& req, httplib::Response& res, const LoginBody& body,
                    WriteRecord& w) {
    std::vector<PackAccess*> targets = s_.packs_;
    if (body.pack) {
      w.pack = *body.pack;
      PackAccess* p = find(w.pack);
      if (p == nullptr) return {404, {{"error", "no such pack"}}, "refused: no such pack"};
      targets = {p};
    }
    std::vector<std::string> granted;
    Status refusal(Errc::wrong_password);
    for (PackAccess* p : targets) {
      const Status st = p->check_settings_password(body.password);
      if (st.ok()) granted.push_back(p->info().id);
      if (st.code() == Errc::locked) refusal = st;
    }
    if (granted.empty()) {
      if (refusal.code() == Errc::locked) {
        return {429,
                {{"error", "too many wrong passwords"}, {"retry_after_s", refusal.detail()}},
                "refused: locked"};
      }
      return {401, {{"error", "wrong password"}}, "refused: wrong password"};
    }
    const auto created = s_.sessions_.create(granted, req.remote_addr, w.t_ms);
    w.who = created.session.who;
    res.set_header("Set-Cookie", std::string(kCookie) + "=" + created.token +
                                     "; Path=/; HttpOnly; SameSite=Strict");
    return {200,
            {{"csrf_token", created.session.csrf},
             {"packs", granted},
             {"idle_timeout_s", s_.options_.sessions.idle_ms / 1000}}};
  }

  void logout(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(s_.mu_);
    s_.sessions_.remove(cookie_value(req, kCookie));
    res.set_header("Set-Cookie",
                   std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    send(res, 200, {{"logged_in", false}});
  }

  // One stream of samples. It ends after ServerOptions::max_stream_ms (the browser reconnects
  // after the `retry` delay, passing the read rule again), so no stream outlives its login.
  struct StreamState {
    uint64_t seen = 0;
    std::chrono::steady_clock::time_point ends;
  };

  void stream(httplib::Response& res) {
    std::unique_lock lock(s_.mu_);
    if (s_.streams_ >= s_.options_.max_streams) {
      lock.unlock();
      return send_error(res, 503, "too many open streams");
    }
    ++s_.streams_;
    auto state = std::make_shared<StreamState>();
    state->ends =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(s_.options_.max_stream_ms);
    res.set_header("Cache-Control", "no-store");
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, state](std::size_t, httplib::DataSink& sink) { return push(*state, sink); },
        [this](bool) {
          std::lock_guard guard(s_.mu_);
          --s_.streams_;
        });
  }

  // Waits for the next sample and writes it; a bounded wait so a stopping server is noticed.
  bool push(StreamState& st, httplib::DataSink& sink) {
    std::unique_lock lock(s_.mu_);
    const auto ended = [&] { return s_.stopping_ || std::chrono::steady_clock::now() >= st.ends; };
    if (!ended()) {
      s_.cv_.wait_for(lock, std::chrono::seconds(1),
                      [&] { return s_.stopping_ || s_.generation_ != st.seen; });
    }
    if (ended()) {
      sink.done();
      return true;
    }
    if (s_.generation_ == st.seen) return sink.is_writable();
    const std::string event = (st.seen == 0 ? "retry: 3000\n" : "") + s_.latest_event_;
    st.seen = s_.generation_;
    lock.unlock();
    return sink.write(event.data(), event.size());
  }

  static void static_file(const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/api/", 0) == 0) return send_error(res, 404, "no such API");
    const Asset* a = find_asset(req.path);
    if (a == nullptr) return send_error(res, 404, "not found");
    // Vite names built files by content hash, so they never change; the page itself may.
    const bool hashed = req.path.rfind("/assets/", 0) == 0;
    res.set_header("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    res.set_content(reinterpret_cast<const char*>(a->bytes.data()), a->bytes.size(),
                    std::string(a->content_type));
  }

  WebServer& s_;
};

WebServer::WebServer(std::vector<PackAccess*> packs, ServerOptions options)
    : packs_(std::move(packs)),
      options_(std::move(options)),
      sessions_(options_.sessions,
                options_.random ? options_.random : RandomSource(system_random)) {}

WebServer::~WebServer() {
  stop();
}

int64_t WebServer::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void WebServer::record_write(WriteRecord w) {
  if (options_.on_write) options_.on_write(w);
  writes_.push_back(std::move(w));
  while (writes_.size() > options_.write_log_capacity) writes_.pop_front();
}

std::optional<std::string> WebServer::start() {
  if (running_) return "already running";
  if (packs_.empty()) return "no pack to serve";
  bool default_password = false;
  for (PackAccess* p : packs_)
    default_password = default_password || p->settings_password_is_default();
  if (auto refusal = bind_refusal(options_.address, default_password)) return refusal;

  configure();
  const std::string host = is_loopback(options_.address) && options_.address == "localhost"
                               ? "127.0.0.1"
                               : options_.address;
  port_ = options_.port == 0 ? http_->bind_to_any_port(host)
                             : (http_->bind_to_port(host, options_.port) ? options_.port : -1);
  if (port_ <= 0) {
    http_.reset();
    routes_.reset();
    return "cannot listen on " + options_.address + ":" + std::to_string(options_.port) +
           " (in use, or not an address of this machine)";
  }
  http_->deepen_listen_queue();
  stopping_ = false;
  running_ = true;
  sample_now();
  listener_ = std::thread([this] { http_->listen_after_bind(); });
  // httplib's stop() does nothing before the accept loop runs, so a stop() right after start()
  // would leave the listener running forever: wait until it is up.
  while (!http_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  sampler_ = std::thread([this] { sampler_loop(); });
  return std::nullopt;
}

void WebServer::stop() {
  if (!running_) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  http_->stop();
  if (listener_.joinable()) listener_.join();
  http_->close_connections();
  if (sampler_.joinable()) sampler_.join();
  running_ = false;
}

void WebServer::configure() {
  http_ = std::make_unique<HttpServer>(options_.connections);
  // SO_REUSEADDR for quick restarts, but not httplib's default SO_REUSEPORT: with it a second
  // softbms would share the port silently and answer every other request.
  http_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  http_->set_default_headers(
      {{"X-Content-Type-Options", "nosniff"},
       {"X-Frame-Options", "DENY"},
       {"Referrer-Policy", "no-referrer"},
       {"Content-Security-Policy",
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'none'"}});
  routes_ = std::make_unique<Routes>(*this);
  routes_->install(*http_);
}

std::string WebServer::serve_bytes(std::string_view request) {
  if (!http_) configure();
  return http_->serve_bytes(request);
}

void WebServer::sample_now() {
  std::lock_guard lock(mu_);
  const int64_t t = now();
  json packs = json::object();
  std::vector<PackState> states;
  for (PackAccess* p : packs_) {
    const std::string id = p->info().id;
    const core::Snapshot snap = p->snapshot();
    history_.try_emplace(id, options_.history_capacity).first->second.record(sample_of(t, snap));
    packs[id] = with_link(snapshot_json(snap), p->link(), t);
    states.push_back({id, snap});
  }
  json event = {{"time", static_cast<double>(t) / 1000.0}, {"packs", packs}};
  if (options_.parallel) event["aggregate"] = aggregate_json(states, options_.bank);
  latest_event_ = "data: " + event.dump() + "\n\n";
  ++generation_;
  cv_.notify_all();
}

void WebServer::sampler_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(options_.sample_interval_ms),
                 [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    sample_now();
    lock.lock();
  }
}

}  // namespace softbms::host::web
