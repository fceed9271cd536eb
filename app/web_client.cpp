#include "app/web_client.hpp"

#include <httplib.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <ostream>

#include "app/options.hpp"
#include "support/text.hpp"

namespace softbms::app {
namespace {

using json = nlohmann::json;

constexpr std::string_view kScheme = "http://";

struct HostPort {
  std::string host;
  int port = 0;
};

// http://HOST:PORT, http://HOST:PORT/, http://[::1]:PORT.
std::optional<HostPort> host_port(std::string_view url) {
  if (!url.starts_with(kScheme)) return std::nullopt;
  url.remove_prefix(kScheme.size());
  if (url.ends_with('/')) url.remove_suffix(1);
  const auto colon = url.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = url.substr(0, colon);
  const std::string_view port = url.substr(colon + 1);
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  if (host.empty() || host.find_first_of("/[]@") != std::string_view::npos) return std::nullopt;
  int p = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || ptr != port.data() + port.size() || p < 1 || p > 65535)
    return std::nullopt;
  return HostPort{std::string(host), p};
}

std::string error_text(const json& body) {
  return support::printable(text_field(body, "error").value_or("no reason given"));
}

}  // namespace

std::optional<double> number_field(const json& body, std::string_view key) {
  if (!body.is_object()) return std::nullopt;
  const auto it = body.find(key);
  if (it == body.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<std::string> text_field(const json& body, std::string_view key) {
  if (!body.is_object()) return std::nullopt;
  const auto it = body.find(key);
  if (it == body.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

bool is_web_port(std::string_view port) {
  return port.starts_with("http://") || port.starts_with("https://");
}

WebPack::WebPack(WebPack&&) noexcept = default;
WebPack& WebPack::operator=(WebPack&&) noexcept = default;
WebPack::~WebPack() = default;

std::optional<WebPack> WebPack::open(const Args& args, std::string_view command, Io io) {
  const std::string url(args.option("port").value_or(""));
  const auto hp = host_port(url);
  if (!hp) {
    io.err << "softbms " << command << ": -p must be http://HOST:PORT (the dashboard address "
           << "softbms run prints; https is not supported here), not '" << url << "'\n";
    return std::nullopt;
  }
  WebPack w;
  w.http_ = std::make_unique<httplib::Client>(hp->host, hp->port);
  w.http_->set_connection_timeout(5);
  w.http_->set_read_timeout(30);
  w.url_ = url.ends_with('/') ? url.substr(0, url.size() - 1) : url;
  w.command_ = command;
  if (auto p = args.option("pack")) {
    const bool digits = !p->empty() && p->size() <= 3 &&
                        p->find_first_not_of("0123456789") == std::string_view::npos;
    if (!digits) {
      io.err << "softbms " << command << ": --pack must be a pack id (a number), not '" << *p
             << "'\n";
      return std::nullopt;
    }
    w.pack_ = std::string(*p);
  }
  return w;
}

std::string WebPack::where(std::string_view path) const {
  return "/api/packs/" + pack_ + std::string(path);
}

int WebPack::login(const Args& args, Io io) {
  // The environment first: it is not in the process list, as an option value would be.
  if (const char* env = std::getenv("SOFTBMS_PASSWORD"); env != nullptr && *env != '\0')
    return login_with(env, io);
  if (auto pw = args.option("password")) return login_with(std::string(*pw), io);
  const auto typed = ask_line(io, "settings password: ");
  if (!typed) {
    io.err << "softbms " << command_
           << ": the settings password is needed: set SOFTBMS_PASSWORD or type it on stdin\n";
    return kUsage;
  }
  return login_with(*typed, io);
}

int WebPack::login_with(const std::string& password, Io io) {
  const json body = {{"password", password}, {"pack", pack_}};
  const auto r = http_->Post("/api/login", body.dump(), "application/json");
  if (!r) {
    io.err << "softbms " << command_ << ": no answer from " << url_ << " ("
           << httplib::to_string(r.error()) << ")\n";
    return kNoDevice;
  }
  const json reply = json::parse(r->body, nullptr, false);
  if (r->status == 401) {
    io.err << "softbms " << command_ << ": rejected: the settings password is wrong; nothing "
           << "changed\n";
    return kRejected;
  }
  const std::optional<std::string> csrf = text_field(reply, "csrf_token");
  if (r->status != 200 || !csrf) return refused({r->status, reply}, io);
  const std::string set_cookie = r->get_header_value("Set-Cookie");
  cookie_ = set_cookie.substr(0, set_cookie.find(';'));
  csrf_ = *csrf;
  return -1;
}

int WebPack::dry_run_or_login(const Args& args, Io io, std::string_view path, const json& body) {
  if (args.flag("dry-run")) {
    io.out << "would send POST " << url_ << where(path) << " " << body.dump()
           << " (after a login)\n";
    return kOk;
  }
  return login(args, io);
}

WebReply WebPack::get(std::string_view path) {
  httplib::Headers h;
  if (!cookie_.empty()) h.emplace("Cookie", cookie_);
  const auto r = http_->Get(where(path), h);
  if (!r) return {};
  return {r->status, json::parse(r->body, nullptr, false)};
}

WebReply WebPack::post(std::string_view path, const json& body) {
  httplib::Headers h{{"Cookie", cookie_}, {"X-CSRF-Token", csrf_}};
  const auto r = http_->Post(where(path), h, body.dump(), "application/json");
  if (!r) return {};
  return {r->status, json::parse(r->body, nullptr, false)};
}

int WebPack::unreadable(std::string_view field, Io io) const {
  io.err << "softbms " << command_ << ": the answer of " << url_ << " has no readable '" << field
         << "': is it softbms run's dashboard?\n";
  return kFailure;
}

int WebPack::refused(const WebReply& r, Io io) const {
  if (r.status == 0) {
    io.err << "softbms " << command_ << ": no answer from " << url_ << "\n";
    return kNoDevice;
  }
  std::string why = error_text(r.body);
  if (r.status == 429 && number_field(r.body, "retry_after_s"))
    why += " (try again in " + r.body.find("retry_after_s")->dump() + " s)";
  io.err << "softbms " << command_ << ": rejected by " << url_ << ": " << why << " (HTTP "
         << r.status << ")\n";
  return r.status >= 500 && r.status != 501 ? kFailure : kRejected;
}

int calibrate_web(const Args& args, Io io, bool voltage, double value) {
  auto w = WebPack::open(args, "calibrate", io);
  if (!w) return kUsage;
  const std::string field = voltage ? "voltage_v" : "current_a";
  const json body = {{field, value}};
  const char* unit = voltage ? " V" : " A";
  const char* what = voltage ? "pack voltage" : "current";
  if (int rc = w->dry_run_or_login(args, io, "/calibrate", body); rc >= 0) return rc;
  const WebReply before = w->get("/snapshot");
  if (before.status != 200) return w->refused(before, io);
  const std::string key = voltage ? "voltage" : "current";
  const std::optional<double> was = number_field(before.body, key);
  if (!was) return w->unreadable(key, io);
  io.out << what << ": the pack reads " << *was << unit << ", measured " << value << unit << "\n";
  const WebReply r = w->post("/calibrate", body);
  if (r.status != 200) return w->refused(r, io);
  // The reply comes after the core applied it and the store saved it; the snapshot shows it.
  const WebReply after = w->get("/snapshot");
  if (after.status != 200) return w->refused(after, io);
  const std::optional<double> read_back = number_field(after.body, key);
  if (!read_back) return w->unreadable(key, io);
  const double got = *read_back;
  const double tolerance = std::max(std::fabs(value) * 0.005, voltage ? 0.05 : 0.2);
  if (std::fabs(got - value) > tolerance) {
    io.err << "softbms calibrate: the pack still reads " << got << unit << ", not " << value << unit
           << "\n";
    return kRejected;
  }
  io.out << what << " now " << got << unit << " (read back from " << w->url() << ")\n";
  return kOk;
}

}  // namespace softbms::app
