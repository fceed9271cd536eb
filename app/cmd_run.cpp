// softbms run: the virtual JK BMS. The core runs against the simulated pack in real time (or
// --speed times faster) and answers JK clients on every --endpoint. See docs/run.md.
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <ostream>
#include <string>

#include "app/cli.hpp"
#include "app/options.hpp"
#include "app/service_options.hpp"
#include "app/status_line.hpp"
#include "core/settings/validate.hpp"
#include "host/device/virtual_device.hpp"
#include "host/endpoint/endpoint_spec.hpp"
#include "host/loop/event_loop.hpp"
#include "host/services/bank_view.hpp"
#include "host/services/device_backend.hpp"
#include "host/services/services.hpp"

namespace softbms::app {
namespace {

struct Parsed {
  host::DeviceConfig config;
  StatusLineOptions status;
};

// A number option: absent keeps `value`; junk or out of [lo, hi] is an error naming it.
bool number(const Args& args, std::string_view name, double lo, double hi, double& value, Io io) {
  const auto text = args.option(name);
  if (!text) return true;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || ptr != text->data() + text->size() || !std::isfinite(v) || v < lo ||
      v > hi) {
    io.err << "softbms run: --" << name << " must be a number from " << lo << " to " << hi
           << ", got '" << *text << "'\n";
    return false;
  }
  value = v;
  return true;
}

bool optional_number(const Args& args, std::string_view name, double lo, double hi,
                     std::optional<double>& out, Io io) {
  if (!args.option(name)) return true;
  double v = 0;
  if (!number(args, name, lo, hi, v, io)) return false;
  out = v;
  return true;
}

bool text(const Args& args, std::string_view name, std::size_t max, std::optional<std::string>& out,
          Io io) {
  const auto t = args.option(name);
  if (!t) return true;
  if (t->empty() || t->size() > max) {
    io.err << "softbms run: --" << name << " takes 1 to " << max << " characters, got '" << *t
           << "'\n";
    return false;
  }
  for (char c : *t) {
    if (c < 0x20 || c > 0x7E) {
      io.err << "softbms run: --" << name << " must be printable ASCII\n";
      return false;
    }
  }
  out = std::string(*t);
  return true;
}

bool endpoints(const Args& args, host::DeviceConfig& c, Io io) {
  for (const std::string_view value : args.options("endpoint")) {
    auto spec = host::parse_endpoint(value);
    if (!spec) {
      io.err << "softbms run: " << spec.error().message << "\n";
      return false;
    }
    if (!host::EndpointServer::serves(spec.value().protocol) &&
        !host::InverterEndpoints::serves(spec.value().protocol)) {
      io.err << "softbms run: endpoint \"" << value
             << "\": softbms run serves jk-pb, jk-4e57, jk02, pylon-can, victron-can and "
                "pylon-485\n";
      return false;
    }
    c.endpoints.push_back(std::move(spec).value());
  }
  return true;
}

bool pack(const Args& args, host::DeviceConfig& c, Io io) {
  auto settings = settings_from_options(args, io);
  if (!settings) return false;
  c.settings = *settings;
  std::optional<double> capacity_ah;
  if (!optional_number(args, "capacity-ah", 1, 2000, capacity_ah, io)) return false;
  if (capacity_ah) {
    const auto mah = static_cast<int32_t>(std::lround(*capacity_ah * 1000.0));
    if (!core::apply_change(c.settings, core::Param::design_capacity, mah).ok()) {
      io.err << "softbms run: --capacity-ah " << *capacity_ah << " does not fit this model\n";
      return false;
    }
  }
  std::optional<double> soc;
  if (!optional_number(args, "soc", 0, 100, soc, io)) return false;
  if (soc) c.soc = *soc / 100.0;
  double seed = 1;
  if (!number(args, "seed", 0, 1e15, seed, io)) return false;
  c.seed = static_cast<uint64_t>(seed);
  if (!optional_number(args, "load-a", -2000, 2000, c.world.load_a, io)) return false;
  if (!optional_number(args, "charge-a", 0, 2000, c.world.charge_a, io)) return false;
  return number(args, "ambient", -40, 80, c.world.ambient_c, io);
}

bool identity(const Args& args, host::DeviceConfig& c, Io io) {
  return text(args, "identity-model", 16, c.identity.model, io) &&
         text(args, "hw-version", 8, c.identity.hw_version, io) &&
         text(args, "sw-version", 8, c.identity.sw_version, io) &&
         text(args, "serial", 11, c.identity.serial, io);
}

bool runtime(const Args& args, Parsed& p, Io io) {
  host::DeviceConfig& c = p.config;
  double address = 1;
  if (!number(args, "address", 0, 15, address, io)) return false;
  c.address = static_cast<uint8_t>(address);
  if (!number(args, "speed", 0.01, 100000, c.speed, io)) return false;
  double save_every = 60;
  if (!number(args, "save-every", 1, 86400, save_every, io)) return false;
  c.save_period = Seconds(static_cast<int64_t>(save_every));
  if (auto f = args.option("status-file")) c.status_file = std::string(*f);
  if (auto dir = args.option("state-dir")) {
    c.state_dir = std::string(*dir);
  } else {
    auto d = host::default_state_dir(std::string(args.option("name").value_or("default")));
    if (!d) {
      io.err << "softbms run: " << d.error().message << "\n";
      return false;
    }
    c.state_dir = d.value();
  }
  auto status = status_line_options(args, "run", io);
  if (!status) return false;
  p.status = *status;
  return true;
}

// --packs, --master-port, --pack-offline (repeatable), --keepalive-ms, --fail-safe.
bool links(const Args& args, host::DeviceConfig& c, Io io) {
  double packs = 0;
  if (!number(args, "packs", 2, 15, packs, io)) return false;
  c.parallel.packs = static_cast<int>(packs);
  c.parallel.seed = c.seed;
  if (c.parallel.packs > 0) {
    if (args.option("address") && c.address != 0) {
      io.err << "softbms run: with --packs this device is the master: --address must be 0\n";
      return false;
    }
    c.address = 0;
  }
  if (auto port = args.option("master-port")) {
    auto t = host::parse_transport(*port);
    if (!t || c.parallel.packs == 0) {
      io.err << "softbms run: --master-port needs --packs and serial:DEVICE[:BAUD] or pty:PATH\n";
      return false;
    }
    c.parallel.master_port = t.value();
  }
  for (const std::string_view window : args.options("pack-offline")) {
    auto w = host::parse_offline_window(window);
    if (!w || c.parallel.packs == 0 || c.parallel.master_port ||
        w.value().address >= c.parallel.packs) {
      io.err << "softbms run: "
             << (w ? "--pack-offline needs --packs (virtual slaves) and an address 1..packs-1"
                   : w.error().message)
             << "\n";
      return false;
    }
    c.parallel.offline.push_back(w.value());
  }
  double keepalive_ms = 10000;
  if (!number(args, "keepalive-ms", 500, 600000, keepalive_ms, io)) return false;
  c.inverter.keepalive.timeout = Milliseconds(static_cast<int64_t>(keepalive_ms));
  const std::string_view fail_safe = args.option("fail-safe").value_or("stop-charge");
  constexpr std::pair<std::string_view, protocols::inverter::FailSafe> kFailSafes[] = {
      {"stop-charge", protocols::inverter::FailSafe::stop_charge},
      {"stop-both", protocols::inverter::FailSafe::stop_both},
      {"none", protocols::inverter::FailSafe::none}};
  for (const auto& [name, mode] : kFailSafes) {
    if (name == fail_safe) {
      c.inverter.keepalive.fail_safe = mode;
      return true;
    }
  }
  io.err << "softbms run: --fail-safe is stop-charge, stop-both or none\n";
  return false;
}

std::optional<Parsed> parse(const Args& args, Io io) {
  Parsed p;
  if (!endpoints(args, p.config, io) || !pack(args, p.config, io) ||
      !identity(args, p.config, io) || !runtime(args, p, io) || !links(args, p.config, io)) {
    return std::nullopt;
  }
  p.config.rtc_s = host::wall_rtc_s();
  p.config.world.day_start_s = host::local_seconds_of_day();
  return p;
}

host::web::PackInfo web_pack(std::string id, std::string name, const core::Settings& s) {
  return {std::move(id), std::move(name), s.model_id()};
}

}  // namespace

int cmd_run(const Args& args, Io io) {
  auto parsed = parse(args, io);
  auto serving = parsed ? service_options(args, "run", parsed->config.state_dir, io) : std::nullopt;
  if (!parsed || !serving) {
    return usage_hint(io, "run");
  }
  serving->parallel = parsed->config.parallel.packs > 1;
  host::EventLoop loop;
  if (auto s = loop.stop_on_signals(); !s) {
    io.err << "softbms run: " << s.error().message << "\n";
    return kFailure;
  }
  const bool tty = ::isatty(STDOUT_FILENO) == 1;
  auto device =
      host::VirtualDevice::start(loop, parsed->config, [&io, tty](const std::string& line) {
        io.err << (tty ? "\r\033[K" : "") << "softbms run: " << line << std::endl;
      });
  if (!device) {
    io.err << "softbms run: " << device.error().message << "\n";
    return device.error().code == Errc::not_found ? kNoDevice : kFailure;
  }
  host::VirtualDevice& d = *device.value();
  const core::Settings& s = d.bms().settings();
  io.out << "softbms run: " << d.bms().device().model.view() << " " << s.cells() << "S "
         << core::kChemistryNames[static_cast<std::size_t>(s.chemistry())] << " "
         << s.raw(core::Param::design_capacity) / 1000 << " Ah, speed " << parsed->config.speed
         << ", state " << d.state_dir() << "\n";
  for (const auto& e : d.endpoints()) io.out << "  " << e->startup_line() << "\n";
  for (const std::string& l : d.link_startup_lines()) io.out << "  " << l << "\n";
  // The dashboard, /metrics, MQTT and history (docs/app.md); they reach the device through
  // the loop, so nothing else here needs a lock.
  // With --packs the dashboard has one view per pack, ids = DIP addresses (docs/parallel.md).
  const host::ParallelBank* bank = d.bank();
  host::services::DeviceBackend backend(
      d, bank ? web_pack("0", "Pack 0 (master)", s) : web_pack("1", "Pack 1", s));
  std::vector<host::services::PackBackend*> packs{&backend};
  std::vector<std::unique_ptr<host::services::SlaveBackend>> slaves;
  if (bank) {
    slaves = host::services::slave_backends(bank->master(), d.bms().device());
    for (auto& slave : slaves) packs.push_back(slave.get());
    serving->bank = [bank] { return host::services::bank_json(bank->master()); };
  }
  auto services =
      host::services::Services::start(loop, packs, *serving, [&io, tty](const std::string& line) {
        io.err << (tty ? "\r\033[K" : "") << "softbms run: " << line << std::endl;
      });
  if (!services) {
    io.err << "softbms run: " << services.error().message << "\n";
    return kFailure;
  }
  for (const std::string& l : services.value()->startup_lines()) io.out << "  " << l << "\n";
  io.out << std::flush;
  // The live status ends with the MQTT state when MQTT is on.
  start_status_line(
      loop, parsed->status,
      [&d, &sv = *services.value()] {
        const std::string mqtt = sv.mqtt_state();
        return d.status_line() + (mqtt.empty() ? "" : "  " + mqtt);
      },
      io);
  if (auto r = loop.run(); !r) io.err << "\nsoftbms run: " << r.error().message << "\n";
  services.value()->stop();
  const host::Done saved = d.save_now();
  end_status_line(parsed->status, io);
  io.out << "softbms run: stopped"
         << (loop.stop_signal() == SIGTERM  ? " (SIGTERM)"
             : loop.stop_signal() == SIGINT ? " (SIGINT)"
                                            : "")
         << "; " << (saved ? "state saved in " + d.state_dir() : saved.error().message) << "\n";
  return saved ? kOk : kFailure;
}

}  // namespace softbms::app
