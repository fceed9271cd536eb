#include "host/device/parallel_bank.hpp"

#include <charconv>

#include "host/parallel/stream_pair.hpp"
#include "host/text/snapshot_json.hpp"
#include "host/transport/pty.hpp"
#include "host/transport/serial.hpp"

namespace softbms::host {
namespace {

// How often the virtual slaves catch up with the device's time and offline windows apply.
constexpr Milliseconds kFollowEvery{50};

Expected<uint32_t> whole(std::string_view text, std::string_view what) {
  uint32_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return make_error(Errc::bad_value, std::string(what),
                      "--pack-offline: " + std::string(what) + " '" + std::string(text) +
                          "' is not a whole number");
  }
  return v;
}

double volts(Millivolts v) {
  return static_cast<double>(v.count()) / 1000.0;
}
double amps(Milliamps i) {
  return static_cast<double>(i.count()) / 1000.0;
}

const char* state_name(core::SlaveState s) {
  constexpr const char* kNames[] = {"waiting", "online", "offline"};
  return kNames[static_cast<int>(s)];
}

nlohmann::json pack_json(uint8_t address, const char* role, const char* state,
                         const core::Snapshot& s, const core::Settings& settings) {
  const core::PackAllowance w = core::pack_allowance(s, settings);
  return {{"address", address},
          {"role", role},
          {"state", state},
          {"soc", s.soc_percent},
          {"full_capacity_ah", static_cast<double>(s.full_capacity.count()) / 1000.0},
          {"voltage", volts(s.pack_voltage)},
          {"current", amps(s.current)},
          {"cell_min", volts(s.cell_min)},
          {"cell_max", volts(s.cell_max)},
          {"alarms", alarm_names(s.alarms)},
          {"charge_allowance", amps(w.limits.charge_current)},
          {"discharge_allowance", amps(w.limits.discharge_current)},
          {"blocks_charge", w.blocks_charge},
          {"blocks_discharge", w.blocks_discharge}};
}

Expected<std::unique_ptr<Transport>> open_master_port(const TransportSpec& spec) {
  if (spec.kind == TransportKind::pty) {
    auto p = PtyTransport::open(spec.path);
    if (!p) return p.error();
    return std::unique_ptr<Transport>(std::move(p).value());
  }
  if (spec.kind == TransportKind::serial) {
    SerialOptions o;
    if (spec.baud != 0) o.baud = spec.baud;
    auto s = SerialTransport::open(spec.path, o);
    if (!s) return s.error();
    return std::unique_ptr<Transport>(std::move(s).value());
  }
  return make_error(
      Errc::bad_value, "master-port",
      "--master-port takes serial:DEVICE[:BAUD] or pty:PATH, not " + format_transport(spec));
}

}  // namespace

Expected<OfflineWindow> parse_offline_window(std::string_view text) {
  const auto at = text.find('@');
  if (at == std::string_view::npos) {
    return make_error(Errc::bad_value, "pack-offline",
                      "--pack-offline takes ADDR@FROM-TO or ADDR@FROM (seconds), got '" +
                          std::string(text) + "'");
  }
  auto address = whole(text.substr(0, at), "address");
  if (!address) return address.error();
  if (address.value() < 1 || address.value() > 15) {
    return make_error(Errc::out_of_range, "address", "--pack-offline: slave address must be 1..15");
  }
  const std::string_view span = text.substr(at + 1);
  const auto dash = span.find('-');
  auto from = whole(span.substr(0, dash), "from");
  if (!from) return from.error();
  OfflineWindow w{static_cast<uint8_t>(address.value()), Seconds(from.value()), std::nullopt};
  if (dash != std::string_view::npos) {
    auto to = whole(span.substr(dash + 1), "to");
    if (!to) return to.error();
    if (to.value() <= from.value()) {
      return make_error(Errc::out_of_range, "to", "--pack-offline: TO must be after FROM");
    }
    w.to = Seconds(to.value());
  }
  return w;
}

Expected<std::unique_ptr<ParallelBank>> ParallelBank::start(EventLoop& loop,
                                                            const ParallelOptions& o,
                                                            const core::Settings& settings,
                                                            OwnPackFn own, NowFn core_now,
                                                            WorldFn world, Notice notice) {
  if (o.packs < 2 || o.packs > static_cast<int>(core::kMaxPacks) - 1) {
    return make_error(Errc::out_of_range, "packs", "--packs must be 2..15");
  }
  std::unique_ptr<ParallelBank> b(new ParallelBank(loop, o, std::move(core_now)));
  for (int i = 1; i < o.packs; ++i) b->addresses_.push_back(static_cast<uint8_t>(i));
  std::unique_ptr<Transport> master_line;
  if (o.master_port) {
    auto line = open_master_port(*o.master_port);
    if (!line) return line.error();
    master_line = std::move(line).value();
  } else {
    auto pair = make_stream_pair("rs485");
    if (!pair) return pair.error();
    if (Done d = b->open_virtual(settings, std::move(world), pair.value()); !d) return d.error();
    master_line = std::move(pair.value().a);
  }
  MasterOptions mo;
  mo.addresses = b->addresses_;
  mo.cycle = o.cycle;
  mo.defaults = settings;
  auto m = Master::open(loop, std::move(master_line), mo);
  if (!m) return m.error();
  b->master_ = std::move(m).value();
  b->master_->set_notice(std::move(notice));
  b->master_->set_own_pack(std::move(own));
  ParallelBank* self = b.get();
  b->start_ = b->core_now_();
  b->timer_ = loop.every(kFollowEvery, [self] { self->follow(); });
  return b;
}

Done ParallelBank::open_virtual(const core::Settings& settings, WorldFn world, StreamPair& pair) {
  VirtualBankOptions vo;
  vo.packs = options_.packs - 1;
  vo.settings = settings;
  vo.seed = options_.seed + 1;  // not the master's own seed: each pack has its own spread
  vo.world = std::move(world);
  vo.write_policy = options_.write_policy;
  bank_ = std::make_unique<VirtualBank>(vo);
  auto bus = VirtualSlaveBus::open(loop_, std::move(pair.b));
  if (!bus) return bus.error();
  bus_ = std::move(bus).value();
  bank_->attach(*bus_);
  return {};
}

ParallelBank::~ParallelBank() {
  if (timer_ != 0) loop_.cancel(timer_);
}

void ParallelBank::follow() {
  if (!bank_) return;
  const Milliseconds t = core_now_() - start_;
  bank_->advance_to(t);
  for (uint8_t a : addresses_) {
    bool silent = false;
    for (const OfflineWindow& w : options_.offline)
      silent = silent || (w.address == a && w.covers(t));
    bus_->set_answering(a, !silent);
  }
}

nlohmann::json ParallelBank::status_json() const {
  const core::Aggregate& a = master_->aggregate();
  nlohmann::json packs = nlohmann::json::array();
  if (master_->has_own_pack()) {
    const OwnPack& own = master_->own_pack();
    packs.push_back(pack_json(0, "master", "online", own.snapshot, own.settings));
  }
  for (const SlaveView& s : master_->slaves()) {
    nlohmann::json p =
        pack_json(s.address, "slave", state_name(s.tracker.state()), s.snapshot, s.settings);
    p["answering"] = bus_ ? nlohmann::json(bus_->answering(s.address)) : nlohmann::json(nullptr);
    p["drops"] = s.tracker.drops();
    packs.push_back(p);
  }
  nlohmann::json missing = nlohmann::json::array();
  for (uint8_t i = 0; i < core::kMaxPacks; ++i) {
    if ((a.missing_mask >> i) & 1U) missing.push_back(i);
  }
  return {{"battery", snapshot_json(a.snapshot)},
          {"packs_total", options_.packs},
          {"online", a.online},
          {"missing", missing},
          {"blocking_charge", a.blocking_charge},
          {"blocking_discharge", a.blocking_discharge},
          {"min_cell_pack", a.min_cell_pack},
          {"max_cell_pack", a.max_cell_pack},
          {"target_charge_current", amps(a.target.charge_current)},
          {"target_discharge_current", amps(a.target.discharge_current)},
          {"master_port", options_.master_port ? format_transport(*options_.master_port) : ""},
          {"cycles", master_->cycles()},
          {"overruns", master_->overruns()},
          {"slave_writes_applied", bank_ ? bank_->writes_applied() : 0},
          {"slave_writes_refused", bank_ ? bank_->writes_refused() : 0},
          {"packs", packs}};
}

std::string ParallelBank::status_fragment() const {
  const core::Aggregate& a = master_->aggregate();
  std::string out =
      "  bank " + std::to_string(a.online) + "/" + std::to_string(options_.packs) + " online";
  for (uint8_t i = 0; i < core::kMaxPacks; ++i) {
    if ((a.missing_mask >> i) & 1U) out += " -" + std::to_string(i);
  }
  return out;
}

std::string ParallelBank::startup_line() const {
  std::string where = options_.master_port
                          ? "real slaves on " + format_transport(*options_.master_port)
                          : std::to_string(addresses_.size()) + " virtual slaves";
  return "master  address 0 polls " + where + " (1.." + std::to_string(addresses_.size()) +
         ") every " + std::to_string(options_.cycle.count()) + " ms";
}

}  // namespace softbms::host
