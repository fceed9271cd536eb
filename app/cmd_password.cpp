// softbms password --settings|--connection: changes a password kept in a state directory (the
// settings password is the one the dashboard login checks, so the dashboard may listen on a
// non-loopback address), or, with -p http://HOST:PORT, the one of a running `softbms run`
// through its dashboard's API. The passwords are read from stdin (without echo on a terminal),
// never from the command line, where other users could see them in the process list. No JK wire
// protocol carries a password. See docs/cli.md and docs/app.md.
#include <iostream>
#include <string>

#include "app/cli.hpp"
#include "app/options.hpp"
#include "app/web_client.hpp"
#include "core/bms/persistence.hpp"
#include "host/device/virtual_device.hpp"
#include "host/state/state_dir.hpp"

namespace softbms::app {
namespace {

core::Command password_command(core::PasswordKind kind, std::string_view old_pw,
                               std::string_view new_pw) {
  core::Command c;
  c.kind = core::CommandKind::change_password;
  c.origin = core::Origin::cli;
  c.authority = core::Authority::switches;  // the old password is the proof
  c.password = kind;
  c.old_text.assign(old_pw);
  c.text.assign(new_pw);
  return c;
}

std::string dir_of(const Args& args, Io io) {
  if (auto d = args.option("state-dir")) return std::string(*d);
  auto d = host::default_state_dir(std::string(args.option("name").value_or("default")));
  if (!d) {
    io.err << "softbms password: " << d.error().message << "\n";
    return {};
  }
  return d.value();
}

int change(const std::string& dir, core::PasswordKind kind, Io io) {
  const std::string which = kind == core::PasswordKind::settings ? "settings" : "connection";
  auto state = host::StateDir::open(dir);
  if (!state) {
    io.err << "softbms password: " << state.error().message << "\n";
    return kFailure;
  }
  auto medium = host::FileMedium::open(state.value().file("store.bin"));
  if (!medium) {
    io.err << "softbms password: " << medium.error().message << "\n";
    return kFailure;
  }
  core::Store store(*medium.value());
  auto preset = core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
  core::Bms bms(preset);
  (void)core::load_records(bms, store);
  std::array<uint8_t, 32> entropy{};
  if (host::Done e = host::fill_entropy(entropy); !e) {
    io.err << "softbms password: " << e.error().message << "\n";
    return kFailure;
  }
  bms.add_entropy(entropy);
  core::Command clock;
  clock.kind = core::CommandKind::set_clock;
  clock.authority = core::Authority::switches;
  clock.value = static_cast<int32_t>(host::wall_rtc_s());
  (void)bms.apply(clock, Milliseconds(0));  // the event log entry gets today's date

  const auto old_pw = ask_line(io, "current " + which + " password: ");
  const auto new_pw = ask_line(io, "new " + which + " password: ");
  const auto again = ask_line(io, "new " + which + " password again: ");
  if (!old_pw || !new_pw || !again) {
    io.err << "softbms password: expected three lines: the current password, the new one twice\n";
    return kUsage;
  }
  if (*new_pw != *again) {
    io.err << "softbms password: the two new passwords differ; nothing changed\n";
    return kRejected;
  }
  const Status st = bms.apply(password_command(kind, *old_pw, *new_pw), Milliseconds(0));
  if (!st.ok()) {
    io.err << "softbms password: "
           << (st.code() == Errc::wrong_password
                   ? "the current password is wrong"
                   : "the new password must be " + std::to_string(core::kPasswordMinLength) +
                         " to " + std::to_string(core::kPasswordMaxLength) +
                         " printable characters")
           << "; nothing changed\n";
    return kRejected;
  }
  const Status saved = core::save_records(bms, store, core::kDirtyPasswords | core::kDirtyEvents);
  if (!saved.ok()) {
    io.err << "softbms password: saving to " << state.value().file("store.bin") << " failed\n";
    return kFailure;
  }
  io.out << which << " password changed in " << dir << "\n";
  return kOk;
}

}  // namespace

int cmd_password(const Args& args, Io io) {
  const bool settings = args.flag("settings");
  if (settings == args.flag("connection")) {
    io.err << "softbms password: say which password: --settings or --connection\n";
    return usage_hint(io, "password");
  }
  if (auto port = args.option("port")) {
    if (args.option("state-dir") || args.option("name")) {
      io.err << "softbms password: -p and --state-dir/--name exclude each other\n";
      return kUsage;
    }
    if (is_web_port(*port)) return password_web(args, io, settings);
    io.err << "softbms password: rejected: JK's wire protocols (jk-pb Modbus, jk-4e57, jk02) "
              "carry no password (the app checks it itself; docs/cli.md); nothing was sent. On "
              "softbms run use its dashboard address: -p http://HOST:PORT\n";
    return kRejected;
  }
  const std::string dir = dir_of(args, io);
  if (dir.empty()) return kFailure;
  return change(dir, settings ? core::PasswordKind::settings : core::PasswordKind::connection, io);
}

}  // namespace softbms::app
