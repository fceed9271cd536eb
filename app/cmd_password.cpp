// softbms password --settings: changes the settings password kept in a state directory (the one
// the dashboard login checks), so the dashboard may listen on a non-loopback address. The
// passwords are read from stdin (without echo on a terminal), never from the command line,
// where other users could see them in the process list. See docs/app.md.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include "app/cli.hpp"
#include "app/options.hpp"
#include "core/bms/persistence.hpp"
#include "host/device/virtual_device.hpp"
#include "host/state/state_dir.hpp"

namespace softbms::app {
namespace {

constexpr std::string_view kUsageText =
    "usage: softbms password --settings [--state-dir DIR | --name NAME]\n"
    "  asks for the current password (factory default 123456) and the new one twice on stdin;\n"
    "  the state dir is the one of `softbms run` (or `softbms monitor`, name monitor) and must\n"
    "  not be in use\n";

// One line from stdin; on a terminal the typed characters are not shown.
std::optional<std::string> ask(Io io, std::string_view prompt) {
  const bool tty = ::isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (tty) {
    io.err << prompt << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    io.err << "\n";
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

core::Command password_command(std::string_view old_pw, std::string_view new_pw) {
  core::Command c;
  c.kind = core::CommandKind::change_password;
  c.origin = core::Origin::cli;
  c.authority = core::Authority::switches;  // the old password is the proof
  c.password = core::PasswordKind::settings;
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

int change(const std::string& dir, Io io) {
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

  const auto old_pw = ask(io, "current settings password: ");
  const auto new_pw = ask(io, "new settings password: ");
  const auto again = ask(io, "new settings password again: ");
  if (!old_pw || !new_pw || !again) {
    io.err << "softbms password: expected three lines: the current password, the new one twice\n";
    return kUsage;
  }
  if (*new_pw != *again) {
    io.err << "softbms password: the two new passwords differ; nothing changed\n";
    return kRejected;
  }
  const Status st = bms.apply(password_command(*old_pw, *new_pw), Milliseconds(0));
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
  io.out << "settings password changed in " << dir << "\n";
  return kOk;
}

}  // namespace

int cmd_password(const Args& args, Io io) {
  if (!args.flag("settings")) {
    io.err << "softbms password: say which password: --settings\n" << kUsageText;
    return kUsage;
  }
  const std::string dir = dir_of(args, io);
  if (dir.empty()) return kFailure;
  return change(dir, io);
}

}  // namespace softbms::app
