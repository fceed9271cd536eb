// softbms monitor -p PORT: the app attached to a real JK board. The board is polled through the
// JK client (host/client) and served like `softbms run` serves its virtual pack: the dashboard,
// /metrics, MQTT and history. See docs/app.md.
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <ctime>
#include <iostream>
#include <string>

#include "app/cli.hpp"
#include "app/service_options.hpp"
#include "app/status_line.hpp"
#include "core/bms/persistence.hpp"
#include "host/client/board_link.hpp"
#include "host/client/client.hpp"
#include "host/loop/event_loop.hpp"
#include "host/services/board_backend.hpp"
#include "host/services/services.hpp"
#include "host/state/state_dir.hpp"
#include "host/text/status_text.hpp"
#include "host/transport/port.hpp"
#include "host/transport/serial.hpp"
#include "support/text.hpp"

namespace softbms::app {
namespace {

namespace cl = host::client;
namespace sv = host::services;

struct Board {
  std::string port;
  cl::ClientOptions client;
  std::optional<cl::Protocol> protocol;
  host::PortOptions port_options;
  cl::Overrides overrides;
  double interval_s = 2;
  std::string state_dir;
  StatusLineOptions status;
};

bool bad(Io io, const std::string& message) {
  io.err << "softbms monitor: " << message << "\n";
  return false;
}

template <typename T>
std::optional<T> number(std::string_view text) {
  T v{};
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

bool parse_link(const Args& args, Board& b, Io io) {
  const auto port = args.option("port");
  if (!port) return bad(io, "-p PORT is required (a serial device, a pty or tcp://HOST:PORT)");
  b.port = std::string(*port);
  const std::string_view proto = args.option("protocol").value_or("auto");
  b.protocol = cl::protocol_from_name(proto);
  if (!b.protocol && proto != "auto")
    return bad(io, "--protocol must be auto, jk-pb, jk-4e57 or jk02");
  if (auto a = args.option("address")) {
    const auto v = number<int>(*a);
    if (!v || *v < 0 || *v > 247) return bad(io, "-a ADDRESS must be 0..247");
    b.client.address = static_cast<uint8_t>(*v);
  }
  if (auto baud = args.option("baud")) {
    const auto v = number<int>(*baud);
    if (!v || !host::is_supported_baud(*v))
      return bad(io, "--baud must be one of " + host::supported_bauds_text());
    b.port_options.serial.baud = *v;
  }
  return true;
}

bool parse_board(const Args& args, Board& b, Io io) {
  if (auto m = args.option("model")) {
    b.overrides.model = core::model_from_name(*m);
    if (!b.overrides.model) return bad(io, "unknown model '" + std::string(*m) + "'");
  }
  if (auto c = args.option("chemistry")) {
    b.overrides.chemistry = core::chemistry_from_name(*c);
    if (!b.overrides.chemistry) return bad(io, "--chemistry must be li-ion, lfp or lto");
  }
  if (auto i = args.option("interval")) {
    const auto v = number<double>(*i);
    if (!v || !std::isfinite(*v) || *v < 0.5 || *v > 3600)
      return bad(io, "--interval takes seconds from 0.5 to 3600");
    b.interval_s = *v;
  }
  auto status = status_line_options(args, "monitor", io);
  if (!status) return false;
  b.status = *status;
  if (auto d = args.option("state-dir")) {
    b.state_dir = std::string(*d);
    return true;
  }
  auto d = host::default_state_dir(std::string(args.option("name").value_or("monitor")));
  if (!d) return bad(io, d.error().message);
  b.state_dir = d.value();
  return true;
}

// softbms's own settings password for the dashboard login, kept in the state dir (changed
// with `softbms password --settings --name monitor`).
std::optional<core::Passwords> load_passwords(host::StateDir& dir, Io io) {
  auto medium = host::FileMedium::open(dir.file("store.bin"));
  if (!medium) {
    bad(io, medium.error().message);
    return std::nullopt;
  }
  core::Store store(*medium.value());
  core::Bms holder(core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16));
  (void)core::load_records(holder, store);
  core::Passwords passwords;
  (void)passwords.restore(holder.passwords().record());
  return passwords;
}

// "14:05:31 UTC" for the notices about the link.
std::string utc_clock(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return std::string(buf) + " UTC";
}

// The status line: the board's last values with their age, or since when it is offline (its
// values then are the last ones read, and the line says how old they are).
std::string monitor_line(sv::BoardBackend& backend, const sv::Services& services) {
  const host::web::LinkState l = backend.link();
  const int64_t now = sv::unix_now_ms();
  std::string line = utc_clock(now) + "  ";
  if (l.sample_unix_ms == 0) {
    line += "no reading yet (" + l.error + ")";
  } else {
    const std::string age = std::to_string((now - l.sample_unix_ms + 500) / 1000) + " s";
    line += host::snapshot_status(backend.snapshot());
    line += l.up ? "  read " + age + " ago"
                 : "  OFFLINE (since " + utc_clock(l.offline_since_unix_ms) + ", values " + age +
                       " old)";
  }
  const std::string mqtt = services.mqtt_state();
  return line + (mqtt.empty() ? "" : "  " + mqtt);
}

int serve(Board& b, cl::BoardLink& link, host::StateDir& dir, sv::ServiceOptions& serving, Io io) {
  auto passwords = load_passwords(dir, io);
  if (!passwords) return kFailure;
  host::EventLoop loop;
  if (auto s = loop.stop_on_signals(); !s) {
    bad(io, s.error().message);
    return kFailure;
  }
  sv::BoardBackend backend(
      link, {"1", "Pack 1", core::ModelId::jk_pb2a16s20p}, *passwords, b.overrides,
      [&loop] { return loop.now(); }, sv::unix_now_ms);
  // An absent board is no reason not to start: the dashboard and /metrics say it is offline
  // and the link is tried again with backoff (docs/app.md).
  const host::Done first = backend.poll();
  auto services = sv::Services::start(loop, {&backend}, serving, [&io](const std::string& l) {
    io.err << "softbms monitor: " << l << std::endl;
  });
  if (!services) {
    bad(io, services.error().message);
    return kFailure;
  }
  if (first) {
    const core::Snapshot s = backend.snapshot();
    io.out << "softbms monitor: " << support::printable(backend.device().model.view()) << " on "
           << b.port << " (" << cl::protocol_name(*link.protocol()) << "), " << int{s.cell_count}
           << " cells, every " << b.interval_s << " s, state " << dir.path() << "\n";
  } else {
    io.out << "softbms monitor: no board on " << b.port << " yet (" << first.error().message
           << "); trying again with backoff (1 s doubling to 10 s), state " << dir.path() << "\n";
  }
  for (const std::string& l : services.value()->startup_lines()) io.out << "  " << l << "\n";
  io.out << std::flush;
  // One line when the board goes away and one when it is back, not one per retry.
  bool was_up = first.ok();
  loop.every(Milliseconds(static_cast<int64_t>(b.interval_s * 1000)), [&] {
    const int64_t offline_since = backend.link().offline_since_unix_ms;
    const host::Done d = backend.poll();
    if (d.ok() == was_up) return;
    was_up = d.ok();
    const host::web::LinkState l = backend.link();
    if (d) {
      io.err << "softbms monitor: " << b.port << ": answering again ("
             << cl::protocol_name(*link.protocol()) << "), offline for "
             << (l.sample_unix_ms - offline_since + 500) / 1000 << " s" << std::endl;
    } else {
      io.err << "softbms monitor: " << b.port << ": offline since "
             << utc_clock(l.offline_since_unix_ms) << ": " << l.error << "; reopening with backoff"
             << std::endl;
    }
  });
  start_status_line(
      loop, b.status, [&backend, &sv = *services.value()] { return monitor_line(backend, sv); },
      io);
  if (auto r = loop.run(); !r) io.err << "softbms monitor: " << r.error().message << "\n";
  end_status_line(b.status, io);
  services.value()->stop();
  io.out << "softbms monitor: stopped\n";
  return kOk;
}

}  // namespace

int cmd_monitor(const Args& args, Io io) {
  Board b;
  if (!parse_link(args, b, io) || !parse_board(args, b, io)) {
    return usage_hint(io, "monitor");
  }
  auto serving = service_options(args, "monitor", b.state_dir, io);
  if (!serving) {
    return usage_hint(io, "monitor");
  }
  auto dir = host::StateDir::open(b.state_dir);
  if (!dir) {
    bad(io, dir.error().message);
    return kFailure;
  }
  if (!b.protocol && b.port.starts_with("ble:")) b.protocol = cl::Protocol::jk02;  // BLE: jk02 only
  cl::BoardLink link([&b] { return host::open_port(b.port, b.port_options); }, b.protocol,
                     b.client);
  return serve(b, link, dir.value(), *serving, io);
}

}  // namespace softbms::app
