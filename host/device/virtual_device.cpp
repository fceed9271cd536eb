#include "host/device/virtual_device.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "core/bms/persistence.hpp"
#include "core/store/layout.hpp"
#include "host/text/param_text.hpp"
#include "host/text/snapshot_json.hpp"
#include "host/text/status_text.hpp"

namespace softbms::host {
namespace {

constexpr Milliseconds kMinTickTimer{5};
// Longest stretch of control periods run in one timer callback before the loop serves
// endpoints again.
constexpr Milliseconds kTickBudget{8};
// Records a request changes that must reach the disk before its reply: settings (and
// switches), passwords, the identity, and counters (a reset).
constexpr uint8_t kSaveAtOnce =
    core::kDirtySettings | core::kDirtyPasswords | core::kDirtyDevice | core::kDirtyCounters;
constexpr int64_t kRtcEpochUnix = 1'577'836'800;  // 2020-01-01 00:00:00 UTC

std::string load_word(const Status& s) {
  if (s.ok()) return "loaded";
  if (s.code() == Errc::not_found) return "none stored, defaults";
  return std::string("unreadable (") + std::string(errc_name(s.code())) + "), defaults";
}

std::string clock_text(Milliseconds t) {
  const int64_t s = t.count() / 1000;
  std::array<char, 40> buf{};
  std::snprintf(buf.data(), buf.size(), "t+%02lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return buf.data();
}

void apply_identity(const IdentityOptions& o, core::DeviceInfo& d) {
  if (o.model) d.model.assign(*o.model);
  if (o.hw_version) d.hw_version.assign(*o.hw_version);
  if (o.sw_version) d.sw_version.assign(*o.sw_version);
  if (o.serial) d.serial_number.assign(*o.serial);
}

double remembered_soc(const core::Counters& c) {
  if (c.full_capacity.count() <= 0) return 0.5;
  const double full = static_cast<double>(to_charge(c.full_capacity).count());
  return std::clamp(static_cast<double>(c.remaining.count()) / full, 0.0, 1.0);
}

}  // namespace

uint32_t wall_rtc_s() {
  const int64_t t = static_cast<int64_t>(std::time(nullptr)) - kRtcEpochUnix;
  return t < 0 ? 0 : static_cast<uint32_t>(t);
}

double local_seconds_of_day() {
  const std::time_t t = std::time(nullptr);
  std::tm local{};
  if (::localtime_r(&t, &local) == nullptr) return 0.0;
  return local.tm_hour * 3600.0 + local.tm_min * 60.0 + local.tm_sec;
}

VirtualDevice::VirtualDevice(EventLoop& loop, const DeviceConfig& config, Notice notice,
                             StateDir state, std::unique_ptr<FileMedium> medium)
    : loop_(loop),
      config_(config),
      notice_(std::move(notice)),
      state_(std::move(state)),
      medium_(std::move(medium)) {}

VirtualDevice::~VirtualDevice() {
  for (EventLoop::Id t : timers_) loop_.cancel(t);
  inverters_.reset();
  bank_.reset();
  endpoints_.clear();
}

Expected<std::unique_ptr<VirtualDevice>> VirtualDevice::start(EventLoop& loop,
                                                              const DeviceConfig& config,
                                                              Notice notice) {
  if (!(config.speed > 0.0))
    return make_error(Errc::out_of_range, "speed", "--speed must be above 0");
  auto state = StateDir::open(config.state_dir);
  if (!state) return state.error();
  auto medium = FileMedium::open(state.value().file("store.bin"));
  if (!medium) return medium.error();
  std::unique_ptr<VirtualDevice> d(new VirtualDevice(
      loop, config, std::move(notice), std::move(state).value(), std::move(medium).value()));
  if (Done done = d->load_and_build(); !done) return done.error();
  if (Done done = d->open_endpoints(); !done) return done.error();
  d->start_timers();
  return d;
}

Done VirtualDevice::load_and_build() {
  store_ = std::make_unique<core::Store>(*medium_);
  auto stored = std::make_unique<core::Bms>(config_.settings);
  const core::LoadReport r = core::load_records(*stored, *store_);
  const uint8_t damaged = static_cast<uint8_t>(r.damaged() | truncated_records(r));
  load_report_ = {"settings: " + load_word(r.settings), "counters: " + load_word(r.counters),
                  "events: " + load_word(r.events), "passwords: " + load_word(r.passwords),
                  "device: " + load_word(r.device)};

  core::Settings settings = r.settings.ok() ? stored->settings() : config_.settings;
  // The address comes from the DIP switches, not from what was stored.
  settings.set_raw(core::Param::device_address, config_.address);
  const double soc =
      config_.soc.value_or(r.counters.ok() ? remembered_soc(stored->counters()) : 0.5);
  // The wiring is the pack's (run --cells), not the board's cell_count setting: a cell_count
  // changed later (and stored) configures the board, it does not rewire the pack, so a board set
  // for another count than wired reports the mismatch as a real one does.
  sim::PackConfig pack = sim::pack_for(settings, soc, config_.seed);
  pack.cells = config_.settings.cells();
  sim_ = std::make_unique<sim::ClosedLoop>(pack, make_world(config_.world, settings), settings,
                                           config_.period);

  // The loop booted a fresh core; give it what was stored and boot it again with the wall
  // clock, so the power-on count and the boot event are counted once.
  core::Bms& b = sim_->bms();
  core::Counters counters = r.counters.ok() ? stored->counters() : b.counters();
  if (!r.counters.ok()) counters.power_on_count = 0;
  (void)b.restore_counters(counters);
  if (r.counters.ok()) b.restore_model(stored->model_memory());
  b.restore_events(r.events.ok() ? stored->events() : core::EventLog{});
  if (r.passwords.ok()) (void)b.restore_passwords(stored->passwords().record());
  core::DeviceInfo device =
      r.device.ok() ? stored->device() : core::default_device_info(settings.model_id());
  // Every state dir gets its own serial, made once and stored with the device record: with the
  // one default serial two virtual packs were one device in Home Assistant (docs/app.md).
  // A state dir that stored that shared default gets its own serial too.
  const bool new_serial =
      !config_.identity.serial &&
      (!r.device.ok() || device.serial_number.view() ==
                             core::default_device_info(settings.model_id()).serial_number.view());
  if (new_serial) {
    std::array<uint8_t, 4> random{};
    if (Done e = fill_entropy(random); !e) return e.error();
    std::array<char, 16> serial{};
    std::snprintf(serial.data(), serial.size(), "SB%02X%02X%02X%02X", random[0], random[1],
                  random[2], random[3]);
    device.serial_number.assign(serial.data());
  }
  apply_identity(config_.identity, device);
  b.restore_device(device);
  b.note_store_damage(damaged);  // boot() logs it; the Snapshot shows it
  tell_damage(damaged);
  std::array<uint8_t, 32> entropy{};
  if (Done e = fill_entropy(entropy); !e) return e.error();
  b.add_entropy(entropy);
  b.boot(sim_->now(), config_.rtc_s);
  // One period at once, so no endpoint ever answers from a Snapshot that was never published.
  sim_->tick();
  // What was lost is written anew (the defaults in use), so the store is whole again; the
  // store_damaged events stay in the log. A failure is told and retried at the next save.
  static_assert(core::kDirtySettings == 1u << static_cast<unsigned>(core::RecordId::settings) &&
                core::kDirtyDevice == 1u << static_cast<unsigned>(core::RecordId::device_info));
  static_cast<void>(
      save(static_cast<uint8_t>(b.dirty() | damaged | (new_serial ? core::kDirtyDevice : 0))));
  anchor_wall_ = loop_.now();
  anchor_core_ = sim_->now();
  return {};
}

uint8_t VirtualDevice::truncated_records(const core::LoadReport& r) const {
  // A file cut short reads erased past its end: a record there looks never saved. softbms
  // always writes the whole file, so an existing short file lost what those pages held.
  if (medium_->created() || medium_->found_bytes() >= core::kStoreSize) return 0;
  const std::array<Status, core::kRecordCount> by_id = {r.settings, r.counters, r.events,
                                                        r.passwords, r.device};
  uint8_t mask = 0;
  for (std::size_t id = 0; id < by_id.size(); ++id) {
    const std::size_t end = (id + 1) * core::kSlotsPerRecord * core::kSlotSize;
    if (end > medium_->found_bytes() && by_id[id].code() == Errc::not_found)
      mask = static_cast<uint8_t>(mask | (1u << id));
  }
  return mask;
}

void VirtualDevice::tell_damage(uint8_t damaged) {
  if (damaged == 0) return;
  std::string lost;
  std::string kept;
  for (const core::RecordInfo& rec : core::kRecords) {
    const bool bad = (damaged & (1u << static_cast<unsigned>(rec.id))) != 0;
    std::string& list = bad ? lost : kept;
    list += (list.empty() ? "" : ", ") + std::string(rec.name);
  }
  std::string why = "both copies unreadable";
  if (!medium_->created() && medium_->found_bytes() < core::kStoreSize) {
    why = "the file was cut to " + std::to_string(medium_->found_bytes()) + " of " +
          std::to_string(core::kStoreSize) + " bytes";
  }
  tell("state: " + state_.file("store.bin") + " is damaged (" + why + "): lost " + lost +
       "; kept " + (kept.empty() ? std::string("nothing") : kept) +
       ". Running on defaults for what was lost; the next change saves it anew.");
  if ((damaged & (1u << static_cast<unsigned>(core::RecordId::settings))) != 0) {
    tell(
        "state: settings lost: the " +
        std::string(core::kChemistryNames[static_cast<std::size_t>(config_.settings.chemistry())]) +
        " preset of the command line is in force; check every protection before use");
  }
  if ((damaged & (1u << static_cast<unsigned>(core::RecordId::passwords))) != 0) {
    tell(
        "state: passwords lost: the factory passwords are in force again; the dashboard "
        "serves loopback only until a new settings password is set (softbms password)");
  }
}

Done VirtualDevice::open_endpoints() {
  for (const EndpointSpec& spec : config_.endpoints) {
    if (InverterEndpoints::serves(spec.protocol)) continue;  // open_links
    auto e = EndpointServer::open(loop_, spec, config_.address, *this);
    if (!e) return e.error();
    endpoints_.push_back(std::move(e).value());
  }
  return open_links();
}

void VirtualDevice::start_timers() {
  const auto scaled =
      static_cast<int64_t>(static_cast<double>(config_.period.count()) / config_.speed);
  const Milliseconds tick_every = std::max(kMinTickTimer, Milliseconds(scaled));
  timers_.push_back(loop_.every(tick_every, [this] { catch_up(); }));
  // The core marks its counters dirty only every ten minutes (flash wear); a file does not
  // wear, so the counters go out every save period, as on exit.
  timers_.push_back(loop_.every(to_ms(config_.save_period), [this] {
    static_cast<void>(save(bms().dirty() | core::kDirtyCounters));
  }));
  if (!config_.status_file.empty()) {
    [[maybe_unused]] Done first = write_status_file();
    timers_.push_back(loop_.every(config_.status_period, [this] {
      if (Done d = write_status_file(); !d) tell("status file: " + d.error().message);
    }));
  }
}

void VirtualDevice::catch_up() {
  const Milliseconds wall = loop_.now();
  const double elapsed = static_cast<double>((wall - anchor_wall_).count()) * config_.speed;
  const Milliseconds target = anchor_core_ + Milliseconds(static_cast<int64_t>(elapsed));
  const Milliseconds stop_at = wall + kTickBudget;
  for (unsigned n = 1; sim_->now() + sim_->period() <= target; ++n) {
    sim_->tick();
    if (n % 16 == 0 && loop_.now() >= stop_at) break;
  }
  // More than a wall second behind: this machine cannot keep up; skip ahead rather than let
  // the backlog grow without end.
  const auto behind = static_cast<double>((target - sim_->now()).count());
  if (behind > 1000.0 * config_.speed) {
    anchor_wall_ = loop_.now();
    anchor_core_ = sim_->now();
    ++lag_events_;
  }
}

Status VirtualDevice::after_request() {
  const uint8_t dirty = bms().dirty();
  if ((dirty & kSaveAtOnce) == 0) return ok_status();
  // The event that tells who changed it goes out with the change.
  return save(dirty & (kSaveAtOnce | core::kDirtyEvents));
}

Status VirtualDevice::save(uint8_t which) {
  if (which == 0) return ok_status();
  const Status s = core::save_records(bms(), *store_, which);
  if (!s.ok() && !(s == last_save_error_)) {
    tell("state: saving to " + state_.file("store.bin") +
         " failed: " + std::string(errc_name(s.code())));
  }
  last_save_error_ = s;
  return s;
}

Done VirtualDevice::save_now() {
  if (!save(bms().dirty() | core::kDirtyCounters).ok()) {
    return make_error(last_save_error_.code(), "state",
                      "saving the state to " + state_.path() + " failed");
  }
  return {};
}

void VirtualDevice::tell(const std::string& line) const {
  if (notice_) notice_(line);
}

nlohmann::json VirtualDevice::status_json() const {
  const core::Bms& b = sim_->bms();
  nlohmann::json j = snapshot_json(b.snapshot());
  const core::DeviceInfo& d = b.device();
  j["device"] = {{"model", d.model.view()},           {"hw_version", d.hw_version.view()},
                 {"sw_version", d.sw_version.view()}, {"serial", d.serial_number.view()},
                 {"name", d.device_name.view()},      {"address", config_.address}};
  j["settings"] = settings_json(b.settings());
  j["rejected_commands"] = b.snapshot().rejected_commands;
  j["events_logged"] = b.events().total();
  j["sim"] = {{"time_s", static_cast<double>(sim_->now().count()) / 1000.0},
              {"speed", config_.speed},
              {"pack_current", sim_->plant().pack_current_a()},
              {"lag_events", lag_events_}};
  j["state_dir"] = state_.path();
  nlohmann::json eps = nlohmann::json::array();
  for (const auto& e : endpoints_) {
    const EndpointCounters& c = e->counters();
    eps.push_back({{"protocol", e->spec().protocol},
                   {"endpoint", format_endpoint(e->spec())},
                   {"transport", e->describe()},
                   {"policy", policy_name(e->spec().policy)},
                   {"address", e->address()},
                   {"frames_ok", c.answered},
                   {"frames_rejected", c.rejected},
                   {"frames_ignored", c.ignored},
                   {"frames_streamed", c.streamed},
                   {"dropped_bytes", e->dropped_bytes()},
                   {"last_rejection", e->last_rejection()}});
  }
  j["endpoints"] = eps;
  add_links_json(j);
  return j;
}

std::string VirtualDevice::status_line() const {
  std::string line = clock_text(sim_->now()) + "  " + snapshot_status(sim_->bms().snapshot());
  for (const auto& e : endpoints_) {
    line += "  " + e->spec().protocol + " " + std::to_string(e->counters().answered) + "/" +
            std::to_string(e->counters().rejected);
  }
  return line + links_status();
}

Done VirtualDevice::write_status_file() const {
  const std::string tmp = config_.status_file + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) return make_error(Errc::bad_state, "status file", "cannot write " + tmp);
    f << status_json().dump() << "\n";
    if (!f.flush()) return make_error(Errc::no_space, "status file", "cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), config_.status_file.c_str()) != 0) {
    return system_error("rename " + tmp, errno);
  }
  return {};
}

}  // namespace softbms::host
