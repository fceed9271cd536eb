#include "host/client/client.hpp"

#include <array>

#include "protocols/jk/ble_command.hpp"
#include "protocols/jk/modbus.hpp"
#include "protocols/jk/nw_frame.hpp"

namespace softbms::host::client {
namespace jk = protocols::jk;

namespace {
constexpr std::string_view kNoAnswer = "no answer";
}

Error no_answer(Protocol p, std::string_view what) {
  return make_error(
      Errc::not_found, std::string(kNoAnswer),
      "no answer from a " + std::string(protocol_name(p)) + " board (" + std::string(what) + ")");
}

Error not_supported(Protocol p, std::string_view what) {
  return make_error(
      Errc::unknown_field, "protocol",
      "the " + std::string(protocol_name(p)) + " protocol has no " + std::string(what));
}

bool is_no_answer(const Error& e) {
  return e.part == kNoAnswer;
}

std::unique_ptr<JkClient> make_client(Protocol p, Link& link, const ClientOptions& options) {
  switch (p) {
    case Protocol::jk_pb:
      return make_pb_client(link, options);
    case Protocol::jk_4e57:
      return make_nw_client(link, options);
    case Protocol::jk02:
      return make_stream_client(link, options);
  }
  return make_pb_client(link, options);
}

namespace {

// One probe per protocol: the request and what counts as its answer.
struct Probe {
  Protocol protocol;
  std::vector<uint8_t> request;
  Scanner answer;
  Milliseconds window;
};

std::vector<Probe> probes(const ClientOptions& o) {
  std::array<uint8_t, 11> trigger{};
  jk::encode_trigger(o.address, jk::kTriggerStatus, trigger);
  std::array<uint8_t, 32> nw{};
  const std::size_t nw_size = jk::encode_nw_read_all_request(3, nw).value();
  jk::CommandFrame ble{};
  jk::encode_ble_request(jk::kRequestDeviceInfo, ble);
  const uint8_t address = o.address;
  return {
      // A jk02 board that is already streaming sends cell-info frames too, but with a frame
      // counter in byte 5 and no FC10 acknowledge after them.
      {Protocol::jk_pb,
       {trigger.begin(), trigger.end()},
       [address](Bytes rx) {
         const Scan f = scan_55aa(rx, jk::FrameType::cell_info);
         if (!f.complete()) return f;
         const bool acked = scan_fc10_reply(rx.subspan(f.end), address).complete();
         return rx[f.begin + 5] == 0 || acked ? f : Scan{};
       },
       o.timing.reply},
      {Protocol::jk_4e57,
       {nw.begin(), nw.begin() + static_cast<std::ptrdiff_t>(nw_size)},
       scan_nw,
       o.timing.reply},
      {Protocol::jk02,
       {ble.begin(), ble.end()},
       [](Bytes rx) { return scan_55aa(rx, jk::FrameType::device_info); },
       o.timing.long_reply},
  };
}

}  // namespace

Expected<std::unique_ptr<JkClient>> detect(Link& link, const ClientOptions& options) {
  for (const Probe& p : probes(options)) {
    auto r = link.exchange(p.request, p.answer, p.window);
    if (!r) return r.error();
    if (!r.value().empty()) return make_client(p.protocol, link, options);
  }
  return make_error(Errc::not_found, std::string(kNoAnswer),
                    "no JK board answered: tried jk-pb at address " +
                        std::to_string(options.address) + ", jk-4e57 and jk02");
}

Expected<BoardRead> read_board(JkClient& c, const Overrides& overrides) {
  auto info = c.about();
  if (!info) return info.error();
  auto raw = c.raw_settings();
  if (!raw) return raw.error();
  const auto board = interpret(raw.value(), info.value(), overrides);
  if (!board.ok())
    return make_error(
        board.status().code(), "reply",
        "the " + std::string(protocol_name(c.protocol())) + " settings reply did not decode");
  return BoardRead{std::move(raw).value(), info.value(), board.value()};
}

}  // namespace softbms::host::client
