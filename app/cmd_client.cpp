// softbms status | cells | settings get | settings set | switch | log: the client against any
// JK board (or `softbms run`) over a serial adapter, a pty or TCP. See docs/cli.md.
#include <charconv>
#include <cmath>
#include <iostream>
#include <memory>
#include <string>

#include "app/cli.hpp"
#include "app/web_client.hpp"
#include "host/client/client.hpp"
#include "host/client/format.hpp"
#include "host/mqtt/entities.hpp"
#include "host/text/param_text.hpp"
#include "host/transport/port.hpp"
#include "support/text.hpp"

namespace softbms::app {
namespace {

namespace cl = host::client;

template <typename T>
std::optional<T> number(std::string_view text) {
  T v{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

int usage_error(Io io, const std::string& message) {
  io.err << "softbms: " << message << "\n";
  return kUsage;
}

// Exit code and message for a failed exchange.
int failed(Io io, const host::Error& e) {
  io.err << "softbms: " << e.message << "\n";
  if (cl::is_no_answer(e) || host::is_peer_closed(e)) return kNoDevice;
  return kFailure;
}

struct Session {
  std::unique_ptr<host::Transport> transport;
  std::unique_ptr<cl::Link> link;
  std::unique_ptr<cl::JkClient> client;
  cl::Format format = cl::Format::table;
  cl::Overrides overrides;
  std::string port;
};

// Reads the options every client command shares. Returns an exit code, or -1 to go on.
int parse_common(const Args& args, Io io, Session& s, cl::ClientOptions& o,
                 std::optional<cl::Protocol>& protocol, host::PortOptions& port_options) {
  const auto port = args.option("port");
  if (!port)
    return usage_error(
        io, "-p PORT is required (a serial device, a pty, tcp://HOST:PORT or ble:ADDRESS)");
  s.port = std::string(*port);
  const std::string_view proto = args.option("protocol").value_or("auto");
  protocol = cl::protocol_from_name(proto);
  if (!protocol && proto != "auto")
    return usage_error(
        io, "--protocol must be auto, jk-pb, jk-4e57 or jk02, not '" + std::string(proto) + "'");
  if (auto a = args.option("address")) {
    const auto v = number<int>(*a);
    if (!v || *v < 0 || *v > 247) return usage_error(io, "-a ADDRESS must be 0..247");
    o.address = static_cast<uint8_t>(*v);
  }
  if (auto f = args.option("output")) {
    const auto v = cl::format_from_name(*f);
    if (!v) return usage_error(io, "-o must be table, json or csv, not '" + std::string(*f) + "'");
    s.format = *v;
  }
  if (auto b = args.option("baud")) {
    const auto v = number<int>(*b);
    if (!v || !host::is_supported_baud(*v))
      return usage_error(io, "--baud must be one of " + host::supported_bauds_text());
    port_options.serial.baud = *v;
  }
  if (auto m = args.option("model")) {
    s.overrides.model = core::model_from_name(*m);
    if (!s.overrides.model)
      return usage_error(io, "unknown model '" + std::string(*m) + "' (see softbms models)");
  }
  if (auto c = args.option("chemistry")) {
    s.overrides.chemistry = core::chemistry_from_name(*c);
    if (!s.overrides.chemistry) return usage_error(io, "--chemistry must be li-ion, lfp or lto");
  }
  return -1;
}

int open_session(const Args& args, Io io, Session& s) {
  cl::ClientOptions o;
  std::optional<cl::Protocol> protocol;
  host::PortOptions port_options;
  if (int rc = parse_common(args, io, s, o, protocol, port_options); rc >= 0) return rc;
  // BLE carries only the jk02 stream (its layout is detected from the frames).
  if (!protocol && s.port.starts_with("ble:")) protocol = cl::Protocol::jk02;
  auto t = host::open_port(s.port, port_options);
  if (!t) {
    io.err << "softbms: " << t.error().message << "\n";
    return t.error().code == Errc::bad_value ? kUsage : kNoDevice;
  }
  s.transport = std::move(t).value();
  s.link = std::make_unique<cl::Link>(*s.transport, o.timing);
  if (args.flag("verbose")) {
    s.link->set_trace([err = &io.err](std::string_view dir, protocols::jk::Bytes b) {
      *err << dir << " " << cl::hex(b) << "\n";
    });
  }
  if (protocol) {
    s.client = cl::make_client(*protocol, *s.link, o);
    return -1;
  }
  auto detected = cl::detect(*s.link, o);
  if (!detected) return failed(io, detected.error());
  s.client = std::move(detected).value();
  if (args.flag("verbose"))
    io.err << "detected " << cl::protocol_name(s.client->protocol()) << "\n";
  return -1;
}

// ---- writes ----

struct Change {
  core::Param param;
  int32_t value;
  std::optional<host::DisplayUnit> unit;  // the unit the user wrote the value in
};

int refuse(Io io, const std::string& why) {
  io.err << "softbms: rejected: " << why << "; nothing was sent\n";
  return kRejected;
}

int check_and_plan(Session& s, Io io, const cl::BoardRead& now, const Change& c,
                   cl::WritePlan& plan) {
  const std::string name(core::info(c.param).name);
  const std::string proto(cl::protocol_name(s.client->protocol()));
  const cl::ChangeCheck check = cl::check_change(now.board.values, c.param, c.value);
  if (!check.existing.ok())
    io.err << "softbms: note: the board's settings already break a rule ("
           << host::describe_setting_error(check.existing)
           << "); checking that this change adds no new failure\n";
  if (!check.status.ok())
    return refuse(io, cl::describe_rejection(check, c.param, c.value, c.unit));
  const auto p = s.client->plan(c.param, c.value, now.raw, now.board.values);
  if (p.ok()) {
    plan = p.value();
    return -1;
  }
  if (p.status().code() == Errc::bad_value)
    return refuse(io, name + ": " + cl::value_with_unit(c.param, c.value) + " is finer than the " +
                          proto + " register can carry");
  return refuse(io, name + " cannot be written over the " + proto + " protocol");
}

void print_plan(Io io, const Session& s, const cl::BoardRead& now, const cl::WritePlan& plan,
                bool dry_run) {
  const auto p = plan.param;
  io.out << core::info(p).name << ": " << cl::value_with_unit(p, now.board.values.raw(p)) << " -> "
         << cl::value_with_unit(p, plan.value) << "\n";
  io.out << (dry_run ? "would send" : "sending") << " to " << s.port << " ("
         << cl::protocol_name(s.client->protocol()) << ", " << plan.note << "):\n";
  for (const auto& f : plan.frames) io.out << "  " << cl::hex(f) << "\n";
}

// After the write: read back and tell what the board holds now.
int confirm(Session& s, Io io, const cl::WritePlan& plan, const cl::WriteResult& result) {
  const auto p = plan.param;
  const std::string name(core::info(p).name);
  if (result.verdict == cl::WriteVerdict::rejected) {
    io.err << "softbms: rejected by the board: " << result.detail << "\n";
    return kRejected;
  }
  auto after = cl::read_board(*s.client, s.overrides);
  if (!after) {
    if (result.verdict == cl::WriteVerdict::silent)
      io.err << "softbms: the write got no acknowledge and the board no longer answers\n";
    return failed(io, after.error());
  }
  const int32_t held = after.value().board.values.raw(p);
  if (held != plan.value) {
    io.err << "softbms: " << (result.verdict == cl::WriteVerdict::silent ? "no acknowledge; " : "")
           << "the board holds " << name << " = " << cl::value_with_unit(p, held) << ", not "
           << cl::value_with_unit(p, plan.value) << "\n";
    return kRejected;
  }
  io.out << name << " = " << cl::value_with_unit(p, held) << " (read back from the board)\n";
  return kOk;
}

int write_change(const Args& args, Io io, const Change& c) {
  const bool dry_run = args.flag("dry-run");
  if (!dry_run && !args.flag("yes"))
    return usage_error(
        io, "a write needs --yes to send it (or --dry-run to see the bytes); nothing was sent");
  Session s;
  if (int rc = open_session(args, io, s); rc >= 0) return rc;
  auto now = cl::read_board(*s.client, s.overrides);
  if (!now) return failed(io, now.error());
  cl::WritePlan plan;
  if (int rc = check_and_plan(s, io, now.value(), c, plan); rc >= 0) return rc;
  print_plan(io, s, now.value(), plan, dry_run);
  if (dry_run) return kOk;
  if (args.option("password"))
    io.err << "softbms: note: the " << cl::protocol_name(s.client->protocol())
           << " protocol carries no password; the board's own write policy decides\n";
  auto sent = s.client->send(plan);
  if (!sent) return failed(io, sent.error());
  return confirm(s, io, plan, sent.value());
}

// A parameter by the settings table's name or by the key of its MQTT entity
// (cell_voltage_overvoltage_protection, as esphome-jk-bms names it).
std::optional<core::Param> param_named(std::string_view name, Io io) {
  auto p = core::param_from_name(name);
  if (!p) p = host::mqtt::param_of_key(name);
  if (!p) io.err << "softbms: unknown setting '" << name << "' (see softbms settings --list)\n";
  return p;
}

}  // namespace

int cmd_status(const Args& args, Io io) {
  Session s;
  if (int rc = open_session(args, io, s); rc >= 0) return rc;
  auto snap = s.client->status();
  if (!snap) return failed(io, snap.error());
  std::optional<core::DeviceInfo> info;
  if (s.format == cl::Format::table) {
    if (auto i = s.client->about()) info = i.value();
  }
  io.out << cl::format_status(snap.value(), info ? &*info : nullptr, s.format);
  return kOk;
}

int cmd_cells(const Args& args, Io io) {
  Session s;
  if (int rc = open_session(args, io, s); rc >= 0) return rc;
  auto snap = s.client->status();
  if (!snap) return failed(io, snap.error());
  io.out << cl::format_cells(snap.value(), s.format);
  return kOk;
}

int read_device_name(const Args& args, Io io) {
  Session s;
  if (int rc = open_session(args, io, s); rc >= 0) return rc;
  auto about = s.client->about();
  if (!about) return failed(io, about.error());
  io.out << support::printable(about.value().device_name.view()) << "\n";
  return kOk;
}

int cmd_log(const Args& args, Io io) {
  Session s;
  if (int rc = open_session(args, io, s); rc >= 0) return rc;
  auto events = s.client->logbook();
  if (!events) return failed(io, events.error());
  io.out << cl::format_events(events.value(), s.format);
  return kOk;
}

int cmd_switch(const Args& args, Io io) {
  const auto words = args.positional();
  constexpr std::pair<std::string_view, core::Param> kSwitches[] = {
      {"charge", core::Param::charge_enabled},
      {"discharge", core::Param::discharge_enabled},
      {"balance", core::Param::balance_enabled},
  };
  if (words.size() != 2 || (words[1] != "on" && words[1] != "off"))
    return usage_error(io, "usage: softbms switch charge|discharge|balance on|off -p PORT --yes");
  for (const auto& [name, param] : kSwitches) {
    if (name == words[0])
      return write_change(args, io, {param, words[1] == "on" ? 1 : 0, std::nullopt});
  }
  return usage_error(
      io, "switch must be charge, discharge or balance, not '" + std::string(words[0]) + "'");
}

int cmd_settings_get(const Args& args, Io io) {
  std::vector<core::Param> names;
  for (const std::string_view word : args.positional()) {
    const auto p = param_named(word, io);
    if (!p) return kUsage;
    names.push_back(*p);
  }
  Session s;
  if (int rc = open_session(args, io, s); rc >= 0) return rc;
  auto now = cl::read_board(*s.client, s.overrides);
  if (!now) return failed(io, now.error());
  for (core::Param p : names) {
    if (!now.value().board.carried[static_cast<std::size_t>(p)]) {
      io.err << "softbms: " << core::info(p).name << " is not carried by the "
             << cl::protocol_name(s.client->protocol()) << " protocol\n";
      return kFailure;
    }
  }
  io.out << cl::format_settings(now.value().board, names, s.format);
  return kOk;
}

int cmd_settings_set(const Args& args, Io io) {
  const auto words = args.positional();  // NAME, VALUE
  if (words.size() != 2)
    return usage_error(io, "usage: softbms settings set NAME VALUE -p PORT --yes|--dry-run");
  const auto p = param_named(words[0], io);
  if (!p) return kUsage;
  const host::TypedValue value = host::parse_typed(*p, words[1]);
  if (!value.raw) return value.outside ? refuse(io, value.error) : usage_error(io, value.error);
  return write_change(args, io, {*p, *value.raw, value.unit});
}

}  // namespace softbms::app

// ---- softbms calibrate (issue 11): the app's voltage and current calibration, over the wire ----

namespace softbms::app {
namespace {

constexpr std::string_view kCalibrateUsage =
    "usage: softbms calibrate -p PORT (--voltage V | --current A) --yes|--dry-run\n"
    "  V: the pack voltage a meter shows now; A: the current a clamp meter shows now (+ = "
    "charge)\n";

std::optional<double> measured_value(std::string_view text) {
  double v = 0.0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

// The reading the calibration changes, in V or A.
double reading(const core::Snapshot& s, bool voltage) {
  return voltage ? s.pack_voltage.count() / 1000.0 : s.current.count() / 1000.0;
}

}  // namespace

int cmd_calibrate(const Args& args, Io io) {
  const auto volts = args.option("voltage");
  const auto amps = args.option("current");
  if (args.flag("help")) {
    io.out << kCalibrateUsage;
    return kOk;
  }
  if (volts.has_value() == amps.has_value())
    return usage_error(
        io, "give exactly one of --voltage V and --current A\n" + std::string(kCalibrateUsage));
  const bool voltage = volts.has_value();
  const auto value = measured_value(voltage ? *volts : *amps);
  const double limit = voltage ? 1000.0 : 2000.0;
  if (!value || (voltage ? *value <= 0.0 : false) || std::fabs(*value) > limit)
    return usage_error(
        io, voltage ? "--voltage must be the measured pack voltage in V, above 0 and up to 1000"
                    : "--current must be the measured current in A, within +-2000");
  const bool dry_run = args.flag("dry-run");
  if (!dry_run && !args.flag("yes"))
    return usage_error(
        io,
        "a calibration needs --yes to send it (or --dry-run to see the bytes); nothing was sent");
  if (is_web_port(args.option("port").value_or("")))
    return calibrate_web(args, io, voltage, *value);
  Session s;
  if (int rc = open_session(args, io, s); rc >= 0) return rc;
  auto now = cl::read_board(*s.client, s.overrides);
  if (!now) return failed(io, now.error());
  auto before = s.client->status();
  if (!before) return failed(io, before.error());
  core::Command c;
  c.kind = voltage ? core::CommandKind::calibrate_voltage : core::CommandKind::calibrate_current;
  c.origin = core::Origin::cli;
  c.authority = core::Authority::settings;
  c.value = static_cast<int32_t>(std::lround(*value * 1000.0));
  const auto plan = s.client->plan_command(c, now.value().raw);
  if (!plan.ok())
    return refuse(io, std::string("the ") + std::string(cl::protocol_name(s.client->protocol())) +
                          " protocol has no calibration request");
  const char* unit = voltage ? " V" : " A";
  io.out << (voltage ? "pack voltage" : "current") << ": the board reads "
         << reading(before.value(), voltage) << unit << ", measured " << *value << unit << "\n";
  io.out << (dry_run ? "would send" : "sending") << " to " << s.port << " ("
         << cl::protocol_name(s.client->protocol()) << ", " << plan.value().note << "):\n";
  for (const auto& f : plan.value().frames) io.out << "  " << cl::hex(f) << "\n";
  if (dry_run) return kOk;
  auto sent = s.client->send(plan.value());
  if (!sent) return failed(io, sent.error());
  if (sent.value().verdict == cl::WriteVerdict::rejected) {
    io.err << "softbms: rejected by the board: " << sent.value().detail << "\n";
    return kRejected;
  }
  auto after = s.client->status();
  if (!after) return failed(io, after.error());
  const double got = reading(after.value(), voltage);
  // The board works out the factor from its raw reading; it reads the measured value again
  // within its resolution and what moved in between (0.5 % or 0.05 V / 0.2 A).
  const double tolerance = std::max(std::fabs(*value) * 0.005, voltage ? 0.05 : 0.2);
  if (std::fabs(got - *value) > tolerance) {
    io.err << "softbms: the board still reads " << got << unit << ", not " << *value << unit
           << (sent.value().verdict == cl::WriteVerdict::silent ? " (no acknowledge)" : "") << "\n";
    return kRejected;
  }
  io.out << (voltage ? "pack voltage" : "current") << " now " << got << unit
         << " (read back from the board)\n";
  return kOk;
}

}  // namespace softbms::app
