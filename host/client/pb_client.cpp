// JK-PB over RS485 ([M-MODBUS], [DSB]): FC10 triggers answered by a 300-byte 55AA frame and
// the FC10 acknowledge; settings written with FC10 to the 0x1000 / 0x1400 blocks.
#include <array>

#include "host/client/client.hpp"
#include "protocols/jk/cell_info.hpp"
#include "protocols/jk/device_info_frame.hpp"
#include "protocols/jk/modbus.hpp"

namespace softbms::host::client {
namespace {
namespace jk = protocols::jk;

std::string exception_text(uint8_t code) {
  constexpr std::array<std::string_view, 4> kNames = {"", "illegal function",
                                                      "illegal data address", "illegal data value"};
  const std::string name(code < kNames.size() ? kNames[code] : "unknown");
  return "exception " + hex(std::array<uint8_t, 1>{code}) + " (" + name + ")";
}

class PbClient final : public JkClient {
 public:
  PbClient(Link& link, const ClientOptions& o) : link_(link), address_(o.address) {}
  [[nodiscard]] Protocol protocol() const override { return Protocol::jk_pb; }

  Expected<core::Snapshot> status() override {
    auto f = dump(jk::kTriggerStatus, jk::FrameType::cell_info, link_.timing().reply, "status");
    if (!f) return f.error();
    const auto s = jk::decode_cell_info(f.value(), jk::guess_cell_info_layout(f.value()));
    if (!s.ok()) return bad_reply("status");
    return s.value();
  }

  Expected<core::DeviceInfo> about() override {
    if (about_.empty()) {
      auto f =
          dump(jk::kTriggerAbout, jk::FrameType::device_info, link_.timing().long_reply, "about");
      if (!f) return f.error();
      about_ = std::move(f).value();
    }
    const auto d = jk::decode_device_info(about_, core::Settings{});
    if (!d.ok()) return bad_reply("about");
    return d.value().info;
  }

  Expected<RawSettings> raw_settings() override {
    if (auto a = about(); !a) return a.error();
    auto f =
        dump(jk::kTriggerSettings, jk::FrameType::settings, link_.timing().long_reply, "settings");
    if (!f) return f.error();
    return RawSettings{RawSettings::Source::frame55, std::move(f).value(), jk::Layout::jk02_32s,
                       about_};
  }

  Expected<std::vector<core::Event>> logbook() override {
    return not_supported(Protocol::jk_pb, "logbook request");
  }

  Result<WritePlan> plan(core::Param p, int32_t value, const RawSettings& now,
                         const core::Settings& decoded) override {
    const auto w = pb_register_write(p, value, decoded, now.control_word());
    if (!w.ok()) return w.status();
    WritePlan plan{p, value, {encode_fc10_write(address_, w.value().start, w.value().data)}, {}};
    plan.note = "FC10 to address " + std::to_string(address_) + ", register " +
                hex16(w.value().start) + ", " + std::to_string(w.value().data.size() / 2) +
                " register(s)";
    return plan;
  }

  // The control block ([M-MODBUS] 0x1600): voltage calibration at 0x1600, current calibration
  // at 0x1606, each the measured value as a big-endian i32 in mV / mA (+ = charge).
  Result<WritePlan> plan_command(const core::Command& c, const RawSettings&) override {
    const bool voltage = c.kind == core::CommandKind::calibrate_voltage;
    if (!voltage && c.kind != core::CommandKind::calibrate_current)
      return Status(Errc::unknown_field);
    const uint16_t start = jk::kControlBlock + (voltage ? 0x00 : 0x06);
    const auto v = static_cast<uint32_t>(c.value);
    const std::array<uint8_t, 4> data = {static_cast<uint8_t>(v >> 24),
                                         static_cast<uint8_t>(v >> 16),
                                         static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
    WritePlan plan{voltage ? core::Param::voltage_calibration : core::Param::current_calibration,
                   c.value,
                   {encode_fc10_write(address_, start, data)},
                   {}};
    plan.note = "FC10 to address " + std::to_string(address_) + ", register " + hex16(start) +
                ", 2 registers";
    return plan;
  }

  Expected<WriteResult> send(const WritePlan& plan) override {
    about_.clear();  // the about frame holds settings too
    const uint8_t address = address_;
    auto r = link_.exchange(
        plan.frames.front(), [address](Bytes rx) { return scan_fc10_reply(rx, address); },
        link_.timing().long_reply);
    if (!r) return r.error();
    if (r.value().empty()) return WriteResult{WriteVerdict::silent, "no acknowledge"};
    const uint8_t code = fc10_exception(r.value());
    if (code != 0) return WriteResult{WriteVerdict::rejected, exception_text(code)};
    return WriteResult{WriteVerdict::accepted, "acknowledged"};
  }

 private:
  Error bad_reply(std::string_view what) const {
    return make_error(Errc::corrupt, "reply",
                      "the jk-pb " + std::string(what) + " frame from address " +
                          std::to_string(address_) + " did not decode");
  }

  // One trigger: the 55AA frame, then the FC10 acknowledge if it comes.
  Expected<std::vector<uint8_t>> dump(uint16_t trigger, jk::FrameType type, Milliseconds window,
                                      std::string_view what) {
    std::array<uint8_t, 11> req{};
    jk::encode_trigger(address_, trigger, req);
    auto f = link_.ask(
        req, [type](Bytes rx) { return scan_55aa(rx, type); }, window, link_.timing().attempts);
    if (!f) return f.error();
    if (f.value().empty()) return no_answer(Protocol::jk_pb, what);
    const uint8_t address = address_;
    static_cast<void>(link_.listen([address](Bytes rx) { return scan_fc10_reply(rx, address); },
                                   link_.timing().ack_linger));
    return f;
  }

  Link& link_;
  uint8_t address_;
  std::vector<uint8_t> about_;
};

}  // namespace

std::unique_ptr<JkClient> make_pb_client(Link& link, const ClientOptions& options) {
  return std::make_unique<PbClient>(link, options);
}

}  // namespace softbms::host::client
