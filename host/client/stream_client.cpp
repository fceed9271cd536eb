// The 55AA stream protocol of JK's BLE boards (jk02) over a byte stream: 20-byte commands,
// 0x97 -> device info, 0x96 -> settings then a cell-info stream, 0xA1 -> logbook; a write is
// a command answered by the 0xC8 acknowledge. The layout (JK02_24S, JK02_32S, JK04) is read
// off every cell-info frame, so the user never chooses it.
#include <array>

#include "host/client/client.hpp"
#include "protocols/jk/cell_info.hpp"
#include "protocols/jk/device_info_frame.hpp"
#include "protocols/jk/jk04.hpp"
#include "protocols/jk/logbook.hpp"

namespace softbms::host::client {
namespace {
namespace jk = protocols::jk;

Scanner frame_of(jk::FrameType type) {
  return [type](Bytes rx) { return scan_55aa(rx, type); };
}

// Firmware 11 and later (and every JK-PB) use the 32-cell layout.
jk::Layout layout_from_version(std::string_view sw) {
  int major = 0;
  for (char ch : sw) {
    if (ch < '0' || ch > '9') break;
    major = major * 10 + (ch - '0');
  }
  return major >= 11 ? jk::Layout::jk02_32s : jk::Layout::jk02_24s;
}

class StreamClient final : public JkClient {
 public:
  explicit StreamClient(Link& link) : link_(link) {}
  [[nodiscard]] Protocol protocol() const override { return Protocol::jk02; }

  Expected<core::Snapshot> status() override {
    auto f = request(jk::kRequestSettings, jk::FrameType::cell_info, "status");
    if (!f) return f.error();
    layout_ = ble_cell_info_layout(f.value());
    const auto s = layout_ == jk::Layout::jk04 ? jk::decode_jk04_cell_info(f.value())
                                               : jk::decode_cell_info(f.value(), layout_);
    if (!s.ok()) return bad_reply("cell-info");
    return s.value();
  }

  Expected<core::DeviceInfo> about() override {
    if (about_.empty()) {
      auto f = request(jk::kRequestDeviceInfo, jk::FrameType::device_info, "device info");
      if (!f) return f.error();
      about_ = std::move(f).value();
    }
    const auto d = jk::decode_device_info(about_, core::Settings{});
    if (!d.ok()) return bad_reply("device-info");
    return d.value().info;
  }

  Expected<RawSettings> raw_settings() override {
    auto info = about();
    if (!info) return info.error();
    auto f = request(jk::kRequestSettings, jk::FrameType::settings, "settings");
    if (!f) return f.error();
    // The stream that follows tells the layout for certain; the version is the fallback.
    auto cells = link_.listen(frame_of(jk::FrameType::cell_info), link_.timing().long_reply);
    layout_ = cells && !cells.value().empty() ? ble_cell_info_layout(cells.value())
                                              : layout_from_version(info.value().sw_version.view());
    return RawSettings{RawSettings::Source::frame55, std::move(f).value(), layout_, about_};
  }

  Expected<std::vector<core::Event>> logbook() override {
    auto f = request(jk::kRequestLogbook, jk::FrameType::logbook, "logbook");
    if (!f) return f.error();
    const auto book = jk::decode_logbook(f.value());
    if (!book.ok()) return bad_reply("logbook");
    std::vector<core::Event> events;
    for (std::size_t i = 0; i < book.value().size; ++i) {
      if (auto e = jk::event_from_jk_code(book.value().entries[i])) events.push_back(*e);
    }
    return events;
  }

  Result<WritePlan> plan(core::Param p, int32_t value, const RawSettings& now,
                         const core::Settings&) override {
    const auto cmd = ble_write(p, value, now.layout);
    if (!cmd.ok()) return cmd.status();
    WritePlan plan{p, value, {{cmd.value().begin(), cmd.value().end()}}, {}};
    plan.note = "command register " + hex(Bytes(cmd.value()).subspan(4, 1)) + " (" +
                std::string(layout_name(now.layout)) + " layout)";
    return plan;
  }

  // Calibration has command registers of its own (0x64 / 0x67 in the 32S layout, 0x21 / 0x24
  // in the 24S one): the measured value in mV / mA.
  Result<WritePlan> plan_command(const core::Command& c, const RawSettings& now) override {
    const bool voltage = c.kind == core::CommandKind::calibrate_voltage;
    if (!voltage && c.kind != core::CommandKind::calibrate_current)
      return Status(Errc::unknown_field);
    jk::CommandFrame frame{};
    if (Status st = jk::encode_ble_command(c, now.layout, frame); !st.ok()) return st;
    WritePlan plan{voltage ? core::Param::voltage_calibration : core::Param::current_calibration,
                   c.value,
                   {{frame.begin(), frame.end()}},
                   {}};
    plan.note = "command register " + hex(Bytes(frame).subspan(4, 1)) + " (" +
                (now.layout == jk::Layout::jk02_24s ? "24S" : "32S") + " layout)";
    return plan;
  }

  Expected<WriteResult> send(const WritePlan& plan) override {
    about_.clear();
    auto r = link_.exchange(plan.frames.front(), scan_ble_ack, link_.timing().long_reply);
    if (!r) return r.error();
    if (r.value().empty()) return WriteResult{WriteVerdict::silent, "no acknowledge"};
    return WriteResult{WriteVerdict::accepted, "acknowledged"};
  }

 private:
  static Error bad_reply(std::string_view what) {
    return make_error(Errc::corrupt, "reply",
                      "the jk02 " + std::string(what) + " frame did not decode");
  }

  Expected<std::vector<uint8_t>> request(uint8_t reg, jk::FrameType type, std::string_view what) {
    jk::CommandFrame req{};
    jk::encode_ble_request(reg, req);
    auto f = link_.ask(req, frame_of(type), link_.timing().long_reply, link_.timing().attempts);
    if (!f) return f.error();
    if (f.value().empty()) return no_answer(Protocol::jk02, what);
    return f;
  }

  Link& link_;
  jk::Layout layout_ = jk::Layout::jk02_32s;
  std::vector<uint8_t> about_;
};

}  // namespace

std::unique_ptr<JkClient> make_stream_client(Link& link, const ClientOptions&) {
  return std::make_unique<StreamClient>(link);
}

}  // namespace softbms::host::client
