// softbms-inverter-demo [--packs N] [--endpoint SPEC]... [--keepalive-ms MS] [--cycle-ms MS]
//
// A battery for inverters until `softbms run` serves these endpoints itself: one virtual pack
// (--packs 0, the default), or N virtual packs behind the in-process RS485 bus with a JK-PB
// master reporting their aggregate. CAN endpoints (pylon-can:..., victron-can:...) get the
// protocol's frames; pylon-485:... answers Pylontech RS485. Commands on stdin, one per line:
//   status          one line of JSON: the battery as snapshot_json, the limits announced, the
//                   inverter link state and, with packs, the master's view of each slave
//   pause / resume  stop / restart the simulated time (frames keep going out, values hold)
//   drop N / restore N   slave N stops / starts answering the master
//   quit
// tests/test_inverter_*.py and tests/test_parallel_*.py drive it.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "host/can/open_can.hpp"
#include "host/inverter/inverter_service.hpp"
#include "host/inverter/pylon485_service.hpp"
#include "host/parallel/master.hpp"
#include "host/parallel/stream_pair.hpp"
#include "host/parallel/virtual_bank.hpp"
#include "host/text/snapshot_json.hpp"

using namespace softbms;
using namespace softbms::host;
using nlohmann::json;

namespace {

struct Args {
  int packs = 0;
  std::vector<std::string> endpoints;
  int64_t keepalive_ms = 10'000;
  int64_t cycle_ms = 1000;
};

bool parse_args(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (i + 1 >= argc) return false;
    const std::string v = argv[++i];
    if (k == "--packs")
      a.packs = std::atoi(v.c_str());
    else if (k == "--endpoint")
      a.endpoints.push_back(v);
    else if (k == "--keepalive-ms")
      a.keepalive_ms = std::atoll(v.c_str());
    else if (k == "--cycle-ms")
      a.cycle_ms = std::atoll(v.c_str());
    else
      return false;
  }
  return a.packs >= 0 && a.packs <= 15;
}

double amps(Milliamps i) {
  return static_cast<double>(i.count()) / 1000.0;
}
double volts(Millivolts v) {
  return static_cast<double>(v.count()) / 1000.0;
}

json limits_json(const core::ChargeResult& r) {
  return {{"charge_voltage", volts(r.limits.charge_voltage)},
          {"charge_current", amps(r.limits.charge_current)},
          {"discharge_current", amps(r.limits.discharge_current)},
          {"discharge_voltage", volts(r.limits.discharge_voltage)},
          {"charge_enable", r.request.charge_enable},
          {"discharge_enable", r.request.discharge_enable}};
}

const char* state_name(core::SlaveState s) {
  constexpr const char* names[] = {"waiting", "online", "offline"};
  return names[static_cast<int>(s)];
}

class Demo {
 public:
  Demo(EventLoop& loop, const Args& a) : loop_(loop), args_(a) {}

  Done start() {
    if (args_.packs == 0) {
      const core::Settings s =
          core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
      single_ = std::make_unique<sim::ClosedLoop>(sim::pack_for(s, 0.64, 7), sim::World{}, s);
      single_->run_until(Milliseconds(2000));
      sim_time_ = single_->now();
    } else if (Done d = start_bank(); !d) {
      return d;
    }
    tick_ = loop_.every(Milliseconds(100), [this] { advance(); });
    for (const std::string& e : args_.endpoints) {
      if (Done d = open_endpoint(e); !d) return d;
    }
    return {};
  }

  BatteryFeed feed() const {
    if (master_) return master_->feed();
    const core::Bms& b = single_->bms();
    BatteryFeed f;
    f.snapshot = b.snapshot();
    f.charge = b.charge_control();
    f.settings = b.settings();
    return f;
  }

  json status() const {
    const BatteryFeed f = feed();
    json j = {{"battery", snapshot_json(f.snapshot)}, {"module_count", f.module_count}};
    if (inverter_) {
      j["link"] = std::string(link_state_name(inverter_->link_state()));
      j["keepalives"] = inverter_->link().keepalives();
      j["announced"] = limits_json(inverter_->announced());
      j["frames_sent"] = inverter_->counters().sent;
    }
    if (master_) j["bank"] = bank_json();
    return j;
  }

  void command(const std::string& line) {
    std::istringstream in(line);
    std::string verb;
    int n = 0;
    in >> verb >> n;
    if (verb == "status")
      print(status());
    else if (verb == "pause")
      paused_ = true;
    else if (verb == "resume")
      paused_ = false;
    else if ((verb == "drop" || verb == "restore") && bus_)
      bus_->set_answering(static_cast<uint8_t>(n), verb == "restore");
    else if (verb == "quit")
      loop_.stop();
    else
      print({{"error", "unknown command: " + line}});
    if (verb != "status") print({{"ok", verb}});
  }

 private:
  Done start_bank() {
    VirtualBankOptions bo;
    bo.packs = args_.packs;
    bank_ = std::make_unique<VirtualBank>(bo);
    bank_->advance_to(Milliseconds(2000));
    sim_time_ = Milliseconds(2000);
    auto pair = make_stream_pair("rs485");
    if (!pair) return pair.error();
    auto bus = VirtualSlaveBus::open(loop_, std::move(pair.value().b));
    if (!bus) return bus.error();
    bus_ = std::move(bus).value();
    bank_->attach(*bus_);
    MasterOptions mo;
    mo.addresses.clear();
    for (std::size_t i = 0; i < bank_->size(); ++i)
      mo.addresses.push_back(VirtualBank::address_of(i));
    mo.cycle = Milliseconds(args_.cycle_ms);
    auto m = Master::open(loop_, std::move(pair.value().a), mo);
    if (!m) return m.error();
    master_ = std::move(m).value();
    master_->set_notice(note);
    return {};
  }

  Done open_endpoint(const std::string& text) {
    auto spec = parse_endpoint(text);
    if (!spec) return spec.error();
    FeedFn fn = [this] { return feed(); };
    if (auto protocol = can_protocol_for_endpoint(spec->protocol)) {
      auto can = open_can_transport(spec->transport);
      if (!can) return can.error();
      InverterOptions o;
      o.protocol = *protocol;
      o.keepalive.timeout = Milliseconds(args_.keepalive_ms);
      auto s = InverterService::open(loop_, std::move(can).value(), fn, o);
      if (!s) return s.error();
      inverter_ = std::move(s).value();
      inverter_->set_notice(note);
      std::fprintf(stderr, "serving %s\n", inverter_->describe().c_str());
      return {};
    }
    if (spec->protocol == "pylon-485") {
      auto s = Pylon485Service::open(loop_, spec->transport, effective_baud(spec.value()), fn);
      if (!s) return s.error();
      pylon_ = std::move(s).value();
      std::fprintf(stderr, "serving %s\n", pylon_->describe().c_str());
      return {};
    }
    return make_error(Errc::bad_value, "protocol",
                      "demo: " + spec->protocol + " is not an inverter protocol");
  }

  void advance() {
    if (paused_) return;
    sim_time_ += Milliseconds(100);
    if (single_) single_->run_until(sim_time_);
    if (bank_) bank_->advance_to(sim_time_);
  }

  json bank_json() const {
    const core::Aggregate& a = master_->aggregate();
    json packs = json::array();
    for (const SlaveView& s : master_->slaves()) {
      const core::PackAllowance w = core::pack_allowance(s.snapshot, s.settings);
      packs.push_back(
          {{"address", s.address},
           {"state", state_name(s.tracker.state())},
           {"soc", s.snapshot.soc_percent},
           {"full_capacity_ah", static_cast<double>(s.snapshot.full_capacity.count()) / 1000.0},
           {"cell_min", volts(s.snapshot.cell_min)},
           {"cell_max", volts(s.snapshot.cell_max)},
           {"current", amps(s.snapshot.current)},
           {"charge_allowance", amps(w.limits.charge_current)},
           {"discharge_allowance", amps(w.limits.discharge_current)},
           {"blocks_charge", w.blocks_charge}});
    }
    json missing = json::array();
    for (uint8_t i = 0; i < core::kMaxPacks; ++i) {
      if ((a.missing_mask >> i) & 1U) missing.push_back(i);
    }
    return {{"online", a.online},
            {"missing", missing},
            {"blocking_charge", a.blocking_charge},
            {"blocking_discharge", a.blocking_discharge},
            {"min_cell_pack", a.min_cell_pack},
            {"max_cell_pack", a.max_cell_pack},
            {"target_charge_current", amps(a.target.charge_current)},
            {"target_discharge_current", amps(a.target.discharge_current)},
            {"cycles", master_->cycles()},
            {"packs", packs}};
  }

  static void print(const json& j) {
    std::printf("%s\n", j.dump().c_str());
    std::fflush(stdout);
  }
  static void note(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

  EventLoop& loop_;
  Args args_;
  std::unique_ptr<sim::ClosedLoop> single_;
  std::unique_ptr<VirtualBank> bank_;
  std::unique_ptr<VirtualSlaveBus> bus_;
  std::unique_ptr<Master> master_;
  std::unique_ptr<InverterService> inverter_;
  std::unique_ptr<Pylon485Service> pylon_;
  Milliseconds sim_time_{};
  EventLoop::Id tick_ = 0;
  bool paused_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse_args(argc, argv, args)) {
    std::fprintf(stderr,
                 "usage: softbms-inverter-demo [--packs 0..15] [--endpoint SPEC]... "
                 "[--keepalive-ms MS] [--cycle-ms MS]\n");
    return 2;
  }
  EventLoop loop;
  if (Done d = loop.stop_on_signals(); !d) return 1;
  Demo demo(loop, args);
  if (Done d = demo.start(); !d) {
    std::fprintf(stderr, "softbms-inverter-demo: %s\n", d.error().message.c_str());
    return 1;
  }
  std::string pending;
  make_nonblocking(STDIN_FILENO);
  EventLoop::Id in = 0;
  in = loop.watch(STDIN_FILENO, [&](IoEvents) {
    char buf[256];
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n == 0) {
      loop.stop();
      return;
    }
    if (n < 0) return;
    pending.append(buf, static_cast<size_t>(n));
    for (size_t eol; (eol = pending.find('\n')) != std::string::npos;) {
      const std::string line = pending.substr(0, eol);
      pending.erase(0, eol + 1);
      demo.command(line);
    }
  });
  std::printf("ready\n");
  std::fflush(stdout);
  const Done d = loop.run();
  loop.unwatch(in);
  return d ? 0 : 1;
}
