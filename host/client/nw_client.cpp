// The 4E57 protocol of the JK-B* / JK-BD* boards ([ESPHOME], [BATMON]): one read-all reply holds
// status, settings and identity; a write is one holding register, echoed back.
#include <array>

#include "host/client/client.hpp"
#include "protocols/jk/nw_frame.hpp"

namespace softbms::host::client {
namespace {
namespace jk = protocols::jk;

constexpr uint8_t kSourcePc = 3;  // as dbus-serialbattery and JK's PC tool send it

// 4E57 carries the cells but not their summary; derive it the way the board's display does.
void derive_cell_summary(core::Snapshot& s) {
  if (s.cell_count == 0) return;
  int64_t sum = 0;
  s.cell_max_index = 0;
  s.cell_min_index = 0;
  for (uint8_t i = 0; i < s.cell_count; ++i) {
    sum += s.cell[i].count();
    if (s.cell[i] > s.cell[s.cell_max_index]) s.cell_max_index = i;
    if (s.cell[i] < s.cell[s.cell_min_index]) s.cell_min_index = i;
  }
  s.cell_max = s.cell[s.cell_max_index];
  s.cell_min = s.cell[s.cell_min_index];
  s.cell_delta = s.cell_max - s.cell_min;
  s.cell_avg = Millivolts(static_cast<int32_t>(sum / s.cell_count));
}

class NwClient final : public JkClient {
 public:
  explicit NwClient(Link& link) : link_(link) {}
  [[nodiscard]] Protocol protocol() const override { return Protocol::jk_4e57; }

  Expected<core::Snapshot> status() override {
    auto d = decoded();
    if (!d) return d.error();
    core::Snapshot s = d.value().snapshot;
    if (s.cell_max.count() == 0) derive_cell_summary(s);
    return s;
  }

  Expected<core::DeviceInfo> about() override {
    auto d = decoded();
    if (!d) return d.error();
    return d.value().info;
  }

  Expected<RawSettings> raw_settings() override {
    auto r = reply();
    if (!r) return r.error();
    return RawSettings{RawSettings::Source::nw, r.value(), jk::Layout::jk02_32s, {}};
  }

  Expected<std::vector<core::Event>> logbook() override {
    return not_supported(Protocol::jk_4e57, "logbook request");
  }

  Result<WritePlan> plan(core::Param p, int32_t value, const RawSettings&,
                         const core::Settings&) override {
    const auto w = nw_register_write(p, value);
    if (!w.ok()) return w.status();
    std::array<uint8_t, jk::kNwMaxFrame> out{};
    const auto size = jk::encode_nw_write_request(w.value().register_id, w.value().value, out);
    if (!size.ok()) return size.status();
    WritePlan plan{
        p, value, {{out.begin(), out.begin() + static_cast<std::ptrdiff_t>(size.value())}}, {}};
    plan.note = "4E57 write of register " + hex(std::array<uint8_t, 1>{w.value().register_id}) +
                " = " + std::to_string(w.value().value);
    return plan;
  }

  Expected<WriteResult> send(const WritePlan& plan) override {
    reply_.clear();
    auto r = link_.exchange(plan.frames.front(), scan_nw, link_.timing().long_reply);
    if (!r) return r.error();
    if (r.value().empty()) return WriteResult{WriteVerdict::silent, "no reply"};
    // The board echoes a write it took; 4E57 has no refusal frame.
    const bool echoed = r.value().size() > 11 && r.value()[8] == plan.frames.front()[8] &&
                        r.value()[11] == plan.frames.front()[11];
    return WriteResult{echoed ? WriteVerdict::accepted : WriteVerdict::silent,
                       echoed ? "echoed" : "unexpected reply"};
  }

 private:
  Expected<std::vector<uint8_t>> reply() {
    if (!reply_.empty()) return reply_;
    std::array<uint8_t, 32> req{};
    const auto size = jk::encode_nw_read_all_request(kSourcePc, req);
    auto r = link_.ask(Bytes(req).first(size.value()), scan_nw, link_.timing().reply,
                       link_.timing().attempts);
    if (!r) return r.error();
    if (r.value().empty()) return no_answer(Protocol::jk_4e57, "read-all");
    reply_ = std::move(r).value();
    return reply_;
  }

  Expected<jk::NwDecoded> decoded() {
    auto r = reply();
    if (!r) return r.error();
    const auto d = jk::decode_nw_reply(r.value(), core::Settings{});
    if (!d.ok())
      return make_error(Errc::corrupt, "reply", "the jk-4e57 read-all reply did not decode");
    return d.value();
  }

  Link& link_;
  std::vector<uint8_t> reply_;
};

}  // namespace

std::unique_ptr<JkClient> make_nw_client(Link& link, const ClientOptions&) {
  return std::make_unique<NwClient>(link);
}

}  // namespace softbms::host::client
