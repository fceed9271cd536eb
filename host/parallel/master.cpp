#include "host/parallel/master.hpp"

#include <algorithm>
#include <array>
#include <bit>

#include "protocols/jk/cell_info.hpp"
#include "protocols/jk/modbus.hpp"
#include "protocols/jk/settings_frame.hpp"

namespace softbms::host {

namespace jk = protocols::jk;

namespace {

constexpr std::array<uint8_t, 4> kFrameHeader = {0x55, 0xAA, 0xEB, 0x90};

std::string address_text(uint8_t a) {
  return "slave " + std::to_string(a);
}

}  // namespace

Master::Master(EventLoop& loop, std::unique_ptr<Transport> line, MasterOptions options)
    : loop_(loop), line_(std::move(line)), options_(std::move(options)) {
  for (uint8_t a : options_.addresses) {
    SlaveView s;
    s.address = a;
    s.tracker = core::SlaveTracker(options_.offline_after);
    s.settings = options_.defaults;
    slaves_.push_back(s);
  }
}

Expected<std::unique_ptr<Master>> Master::open(EventLoop& loop, std::unique_ptr<Transport> line,
                                               MasterOptions options) {
  if (!line || !line->is_open())
    return make_error(Errc::bad_state, "bus", "master: the line is not open");
  for (uint8_t a : options.addresses) {
    if (a == 0 || a >= core::kMaxPacks) {
      return make_error(Errc::out_of_range, "addr",
                        "master: slave address " + std::to_string(a) + " is not 1..15");
    }
  }
  if (options.addresses.empty() || options.addresses.size() >= core::kMaxPacks) {
    return make_error(Errc::out_of_range, "packs", "master: poll 1 to 15 slaves");
  }
  std::unique_ptr<Master> m(new Master(loop, std::move(line), std::move(options)));
  Master* self = m.get();
  m->watch_ = loop.watch(m->line_->fd(), [self](IoEvents) { self->on_readable(); });
  m->cycle_timer_ = loop.every(m->options_.cycle, [self] { self->start_cycle(); });
  self->start_cycle();
  return m;
}

Master::~Master() {
  if (watch_ != 0) loop_.unwatch(watch_);
  if (cycle_timer_ != 0) loop_.cancel(cycle_timer_);
  if (wait_timer_ != 0) loop_.cancel(wait_timer_);
  if (next_timer_ != 0) loop_.cancel(next_timer_);
}

void Master::tell(const std::string& line) const {
  if (notice_) notice_(line);
}

void Master::start_cycle() {
  if (current_ || !queue_.empty()) {
    ++overruns_;
    return;
  }
  for (std::size_t i = 0; i < slaves_.size(); ++i) {
    const SlaveView& s = slaves_[i];
    // A slave that does not answer is only probed with the status request (JK's scan).
    const bool due =
        !s.has_settings || cycles_ % std::max<uint32_t>(options_.settings_every, 1) == 0;
    if (s.tracker.online() && due) queue_.push_back({i, Ask::settings});
    queue_.push_back({i, Ask::status});
  }
  ++cycles_;
  send_next();
}

void Master::send_next() {
  if (queue_.empty()) return;
  current_ = queue_.front();
  queue_.pop_front();
  // Late bytes of an earlier answer (its ACK after a timeout) must not start this one.
  std::array<uint8_t, 512> drain{};
  while (true) {
    auto n = line_->read_some(drain);
    if (!n || n.value() == 0) break;
  }
  rx_.clear();
  std::array<uint8_t, 11> req{};
  const uint16_t trigger = current_->ask == Ask::status ? jk::kTriggerStatus : jk::kTriggerSettings;
  const std::size_t size = jk::encode_trigger(slaves_[current_->slave].address, trigger, req);
  if (Done d = line_->write_all(std::span<const uint8_t>(req.data(), size), options_.timeout); !d) {
    tell("master: " + d.error().message);
  }
  wait_timer_ = loop_.after(options_.timeout, [this] {
    wait_timer_ = 0;
    on_timeout();
  });
}

void Master::on_readable() {
  std::array<uint8_t, 512> buf{};
  for (;;) {
    auto n = line_->read_some(buf);
    if (!n) {
      tell("master: " + n.error().message);
      loop_.unwatch(watch_);
      watch_ = 0;
      return;
    }
    if (n.value() == 0) break;
    if (current_) rx_.insert(rx_.end(), buf.begin(), buf.begin() + static_cast<long>(n.value()));
  }
  if (current_ && take_frame()) {
    loop_.cancel(wait_timer_);
    wait_timer_ = 0;
    finish(true);
  }
}

// True when a whole frame of the expected type has arrived and was taken in. A frame that
// fails its checksum is left to the timeout: the slave may still be talking.
bool Master::take_frame() {
  const auto start = std::search(rx_.begin(), rx_.end(), kFrameHeader.begin(), kFrameHeader.end());
  if (start == rx_.end() || rx_.end() - start < static_cast<long>(jk::kFrameSize)) return false;
  const jk::Bytes frame(&*start, jk::kFrameSize);
  SlaveView& s = slaves_[current_->slave];
  if (current_->ask == Ask::status) {
    const auto snap = jk::decode_cell_info(frame, jk::Layout::jk02_32s);
    if (!snap.ok()) return false;
    s.snapshot = snap.value();
    s.has_status = true;
  } else {
    if (!jk::check_frame(frame, jk::FrameType::settings).ok()) return false;
    const auto settings = jk::decode_settings(frame, jk::Layout::jk02_32s, options_.defaults);
    if (!settings.ok()) return false;
    s.settings = settings.value();
    s.has_settings = true;
  }
  return true;
}

void Master::on_timeout() {
  if (current_) finish(false);
}

void Master::finish(bool answered) {
  SlaveView& s = slaves_[current_->slave];
  const bool changed = answered ? s.tracker.answered(loop_.now()) : s.tracker.missed();
  // A slave heard for the first time is asked for its settings at once, so its limits follow
  // its own protection values from the first round on.
  if (answered && !s.has_settings && current_->ask == Ask::status) {
    queue_.push_front({current_->slave, Ask::settings});
  }
  if (changed && s.tracker.online()) tell("master: " + address_text(s.address) + " online");
  if (changed && s.tracker.missing()) {
    tell("master: " + address_text(s.address) + " does not answer: offline, alarm raised");
    // Nothing more to ask this round of a slave that is gone.
    const std::size_t gone = current_->slave;
    std::erase_if(queue_, [gone](const Poll& p) { return p.slave == gone; });
  }
  current_.reset();
  recompute();
  if (!queue_.empty()) {
    next_timer_ = loop_.after(options_.turnaround, [this] {
      next_timer_ = 0;
      if (!current_) send_next();
    });
  }
}

void Master::recompute() {
  std::vector<core::PackReport> reports;
  if (own_pack_) {
    own_seen_ = own_pack_();
    const OwnPack& own = own_seen_;
    core::PackReport r;
    r.address = 0;
    r.online = true;
    r.last_seen = loop_.now();
    r.snapshot = own.snapshot;
    r.allowance = core::pack_allowance(own.snapshot, own.settings);
    reports.push_back(r);
  }
  for (const SlaveView& s : slaves_) {
    // A slave not heard yet (and not yet given up on) is neither in the sum nor missing.
    if (s.tracker.state() == core::SlaveState::waiting) continue;
    core::PackReport r;
    r.address = s.address;
    r.online = s.tracker.online() && s.has_status;
    r.last_seen = s.tracker.last_seen();
    r.snapshot = s.snapshot;
    r.allowance = core::pack_allowance(s.snapshot, s.settings);
    reports.push_back(r);
  }
  aggregate_ = core::aggregate(reports);
  (void)controller_.step(loop_.now(), aggregate_);
  if (on_update_) on_update_();
}

BatteryFeed Master::feed() const {
  BatteryFeed f;
  f.snapshot = aggregate_.snapshot;
  f.charge = controller_.result();
  // The settings an inverter frame quotes (protection values on Pylon RS485 0x47): the
  // master's own, else the first online slave's.
  if (own_pack_) {
    f.settings = own_pack_().settings;
  } else {
    for (const SlaveView& s : slaves_) {
      if (s.tracker.online() && s.has_settings) {
        f.settings = s.settings;
        break;
      }
    }
  }
  f.module_count = aggregate_.online;
  f.bank_counts = true;
  f.blocking_charge = aggregate_.blocking_charge;
  f.blocking_discharge = aggregate_.blocking_discharge;
  f.offline = static_cast<uint8_t>(std::popcount(aggregate_.missing_mask));
  return f;
}

}  // namespace softbms::host
