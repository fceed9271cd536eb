#include "host/device/responders.hpp"

#include <array>
#include <charconv>
#include <memory>

#include "protocols/jk/ble_command.hpp"
#include "protocols/jk/cell_info.hpp"
#include "protocols/jk/device_info_frame.hpp"
#include "protocols/jk/logbook.hpp"
#include "protocols/jk/modbus.hpp"
#include "protocols/jk/nw_frame.hpp"
#include "protocols/jk/settings_frame.hpp"

namespace softbms::host {
namespace jk = protocols::jk;
namespace {

Answer rejected(Status why, std::vector<uint8_t> reply = {}) {
  return {Verdict::rejected, std::move(reply), why, false};
}

Answer answered(std::vector<uint8_t> reply, bool stream = false) {
  return {Verdict::answered, std::move(reply), ok_status(), stream};
}

jk::BmsView view_of(const core::Bms& bms) {
  return {bms.snapshot(), bms.settings(), bms.device()};
}

std::vector<uint8_t> modbus_exception(std::span<const uint8_t> request, uint8_t code) {
  std::array<uint8_t, 5> f{};
  jk::encode_exception(request, code, f);
  return {f.begin(), f.end()};
}

Answer applied_write(std::vector<uint8_t> reply) {
  Answer a = answered(std::move(reply));
  a.wrote = true;
  return a;
}

std::vector<uint8_t> nw_echo_reply(std::span<const uint8_t> request) {
  std::vector<uint8_t> r(request.begin(), request.end());
  r[9] = 0;   // source: BMS
  r[10] = 1;  // type: reply
  jk::put_be(r, r.size() - 4, 4, jk::sum16(std::span<const uint8_t>(r).first(r.size() - 4)));
  return r;
}

template <typename Encode>
std::vector<uint8_t> frame_bytes(Encode encode) {
  jk::Frame f{};
  encode(f);
  return {f.begin(), f.end()};
}

std::vector<uint8_t> logbook_frame(const core::EventLog& log, jk::FrameStamp stamp) {
  // The ring is not contiguous; the codec takes the events oldest first in one span.
  auto events = std::make_unique<std::array<core::Event, core::kEventLogCapacity>>();
  std::size_t n = 0;
  for (const core::Event& e : log) (*events)[n++] = e;
  return frame_bytes(
      [&](jk::Frame& f) { jk::encode_logbook(std::span(events->data(), n), stamp, f); });
}

}  // namespace

void refuse_unsaved(Answer& a, std::string_view protocol, std::span<const uint8_t> frame,
                    Status why) {
  a.verdict = Verdict::rejected;
  a.why = why;
  a.start_stream = false;
  a.reply.clear();
  if (protocol == "jk-pb") a.reply = modbus_exception(frame, jk::modbus_exception_for(why));
}

Answer answer_jk_pb(std::span<const uint8_t> frame, uint8_t address, core::Authority policy,
                    core::Bms& bms, Milliseconds now) {
  std::array<uint8_t, jk::kModbusMaxReply> reply{};
  jk::ModbusOutcome o = jk::handle_modbus(frame, address, view_of(bms), reply);
  if (o.reply_size == 0) {
    // Another slave's request is none of our business; anything else silent was broken.
    if (o.status.code() == Errc::not_found) return {Verdict::ignored, {}, o.status, false};
    return rejected(o.status);
  }
  std::vector<uint8_t> bytes(reply.begin(),
                             reply.begin() + static_cast<std::ptrdiff_t>(o.reply_size));
  if (!o.status.ok()) return rejected(o.status, std::move(bytes));
  if (!o.writes()) return answered(std::move(bytes));
  Status applied;
  if (o.has_command) {
    core::Command c = o.command;
    c.authority = policy;
    applied = bms.apply(c, now);
  } else {
    core::SettingsChange change = o.change;
    change.authority = policy;
    applied = bms.apply(change, now);
  }
  if (!applied.ok())
    return rejected(applied, modbus_exception(frame, jk::modbus_exception_for(applied)));
  return applied_write(std::move(bytes));
}

Answer answer_4e57(std::span<const uint8_t> frame, core::Authority policy, core::Bms& bms,
                   Milliseconds now) {
  const Result<jk::NwRequest> parsed = jk::parse_nw_request(frame);
  if (!parsed.ok()) return rejected(parsed.status());
  const jk::NwRequest& r = parsed.value();
  switch (r.command) {
    case jk::NwCommand::read_all:
    case jk::NwCommand::read: {
      // A single-register read gets the whole record set: it holds that register too.
      std::vector<uint8_t> out(jk::kNwMaxFrame);
      const Result<std::size_t> n = jk::encode_nw_read_all(view_of(bms), frame[8], out);
      if (!n.ok()) return rejected(n.status());
      out.resize(n.value());
      return answered(std::move(out));
    }
    case jk::NwCommand::activate:
    case jk::NwCommand::password:
      return answered(nw_echo_reply(frame));
    case jk::NwCommand::write:
      break;
  }
  Result<core::Command> c = jk::nw_write_command(r);
  if (!c.ok()) return rejected(c.status());
  core::Command command = c.value();
  command.authority = policy;
  if (Status s = bms.apply(command, now); !s.ok()) return rejected(s);
  std::vector<uint8_t> out(jk::kNwMaxFrame);
  const Result<std::size_t> n = jk::encode_nw_write_reply(r, out);
  if (!n.ok()) return rejected(n.status());
  out.resize(n.value());
  return applied_write(std::move(out));
}

jk::Layout layout_for_sw_version(std::string_view sw_version) {
  int major = 0;
  std::from_chars(sw_version.data(), sw_version.data() + sw_version.size(), major);
  return major >= 11 ? jk::Layout::jk02_32s : jk::Layout::jk02_24s;
}

std::vector<uint8_t> jk02_cell_info(const core::Bms& bms, Jk02Session& session) {
  return frame_bytes([&](jk::Frame& f) {
    [[maybe_unused]] Status s =
        jk::encode_cell_info(bms.snapshot(), session.layout, {jk::Link::ble, session.counter++}, f);
  });
}

Answer answer_jk02(std::span<const uint8_t> frame, core::Authority policy, core::Bms& bms,
                   Milliseconds now, Jk02Session& session) {
  const Result<jk::BleRequest> parsed =
      jk::decode_ble_command(frame, session.layout, bms.settings().chemistry());
  if (!parsed.ok()) return rejected(parsed.status());
  jk::BleRequest r = parsed.value();
  switch (r.kind) {
    case jk::BleRequestKind::settings_and_stream:
      return answered(frame_bytes([&](jk::Frame& f) {
                        [[maybe_unused]] Status s = jk::encode_settings(
                            bms.settings(), session.layout, {jk::Link::ble, session.counter++}, f);
                      }),
                      true);
    case jk::BleRequestKind::device_info:
      return answered(frame_bytes([&](jk::Frame& f) {
        jk::encode_device_info(bms.device(), bms.snapshot(), bms.settings(),
                               {jk::Link::ble, session.counter++}, f);
      }));
    case jk::BleRequestKind::logbook:
      return answered(logbook_frame(bms.events(), {jk::Link::ble, session.counter++}));
    case jk::BleRequestKind::restart:
      // The virtual board does not reboot; a writer that may switch gets its acknowledge.
      if (policy == core::Authority::read_only) return rejected(Status(Errc::not_authorized));
      break;
    case jk::BleRequestKind::ignored:
      break;
    case jk::BleRequestKind::command: {
      r.command.authority = policy;
      if (Status s = bms.apply(r.command, now); !s.ok()) return rejected(s);
      break;
    }
  }
  jk::CommandFrame ack{};
  jk::encode_write_ack(ack);
  Answer a = answered({ack.begin(), ack.end()});
  a.wrote = r.kind == jk::BleRequestKind::command;
  return a;
}

}  // namespace softbms::host
