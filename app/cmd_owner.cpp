// softbms reset-counters | device-name: what a JK owner does in the app (issue 11), against
// `softbms run`'s dashboard (-p http://HOST:PORT) or, where JK's wire has a request, a board.
// None of JK's wire protocols has a request that resets the counters or writes the device name
// (docs/cli.md, "Owner commands"): over a board's line these are refused before anything is
// sent; the device name is read over any of them. See docs/cli.md.
#include <cmath>
#include <ostream>
#include <string>

#include "app/cli.hpp"
#include "app/options.hpp"
#include "app/web_client.hpp"
#include "support/text.hpp"

namespace softbms::app {
namespace {

using json = nlohmann::json;

int usage(Io io, std::string_view command, const std::string& message) {
  io.err << "softbms " << command << ": " << message << "\n";
  return kUsage;
}

// The owner's commands JK's wire protocols have no request for.
int no_wire_request(Io io, std::string_view command, std::string_view what) {
  io.err << "softbms " << command << ": rejected: JK's wire protocols (jk-pb Modbus, jk-4e57, "
         << "jk02) have no request to " << what << " (docs/cli.md, \"Owner commands\"); nothing "
         << "was sent. On softbms run use its dashboard address: -p http://HOST:PORT\n";
  return kRejected;
}

// A write needs --yes (or --dry-run), before anything is opened.
int needs_yes(const Args& args, Io io, std::string_view command) {
  if (args.flag("dry-run") || args.flag("yes")) return -1;
  return usage(io, command,
               "this changes the board: give --yes to send it (or --dry-run to see it); nothing "
               "was sent");
}

std::optional<std::string_view> port_of(const Args& args, Io io, std::string_view command) {
  const auto port = args.option("port");
  if (!port) {
    usage(io, command,
          "-p PORT is required: softbms run's dashboard (http://HOST:PORT) or a board's line");
  }
  return port;
}

double number_of(const json& j, std::string_view key) {
  return number_field(j, key).value_or(NAN);
}

int device_name_show(const Args& args, Io io) {
  auto w = WebPack::open(args, "device-name", io);
  if (!w) return kUsage;
  WebReply r = w->get("/device");
  if (r.status == 401) {  // reads need a login when the dashboard is not on loopback
    if (int rc = w->login(args, io); rc >= 0) return rc;
    r = w->get("/device");
  }
  if (r.status != 200) return w->refused(r, io);
  const std::optional<std::string> name = text_field(r.body, "device_name");
  if (!name) return w->unreadable("device_name", io);
  io.out << support::printable(*name) << "\n";
  return kOk;
}

}  // namespace

int cmd_reset_counters(const Args& args, Io io) {
  constexpr std::string_view kName = "reset-counters";
  if (!args.positional().empty()) return usage(io, kName, "takes no words, only options");
  const auto port = port_of(args, io, kName);
  if (!port) return kUsage;
  if (int rc = needs_yes(args, io, kName); rc >= 0) return rc;
  if (!is_web_port(*port)) return no_wire_request(io, kName, "reset the counters");
  auto w = WebPack::open(args, kName, io);
  if (!w) return kUsage;
  const json body = {{"confirm", true}};
  if (int rc = w->dry_run_or_login(args, io, "/reset-counters", body); rc >= 0) return rc;
  const WebReply before = w->get("/snapshot");
  if (before.status != 200) return w->refused(before, io);
  const WebReply r = w->post("/reset-counters", body);
  if (r.status != 200) return w->refused(r, io);
  const WebReply after = w->get("/snapshot");
  if (after.status != 200) return w->refused(after, io);
  const auto& b = before.body;
  const auto& a = after.body;
  const std::optional<double> cycles = number_field(a, "cycles");
  if (!cycles) return w->unreadable("cycles", io);
  io.out << "cycles " << number_of(b, "cycles") << " -> " << *cycles << ", cycle capacity "
         << number_of(b, "cycle_capacity_ah") << " -> " << number_of(a, "cycle_capacity_ah")
         << " Ah, charged " << number_of(b, "charged_energy_wh") << " -> "
         << number_of(a, "charged_energy_wh") << " Wh, discharged "
         << number_of(b, "discharged_energy_wh") << " -> " << number_of(a, "discharged_energy_wh")
         << " Wh (read back from " << w->url() << ")\n";
  // What flows between the reply and the read adds a little; a counter that kept its value
  // was not reset.
  if (*cycles != 0) {
    io.err << "softbms reset-counters: the pack still counts " << *cycles << " cycles\n";
    return kRejected;
  }
  return kOk;
}

int cmd_device_name(const Args& args, Io io) {
  constexpr std::string_view kName = "device-name";
  const auto words = args.positional();
  if (words.size() > 1)
    return usage(io, kName, "give one NAME (letters and digits), or none to read it");
  const auto port = port_of(args, io, kName);
  if (!port) return kUsage;
  if (words.empty())
    return is_web_port(*port) ? device_name_show(args, io) : read_device_name(args, io);
  if (int rc = needs_yes(args, io, kName); rc >= 0) return rc;
  if (!is_web_port(*port)) return no_wire_request(io, kName, "write the device name");
  auto w = WebPack::open(args, kName, io);
  if (!w) return kUsage;
  const json body = {{"name", std::string(words[0])}};
  if (int rc = w->dry_run_or_login(args, io, "/device-name", body); rc >= 0) return rc;
  const WebReply r = w->post("/device-name", body);
  if (r.status != 200) return w->refused(r, io);
  const WebReply back = w->get("/device");
  if (back.status != 200) return w->refused(back, io);
  const std::optional<std::string> read_back = text_field(back.body, "device_name");
  if (!read_back) return w->unreadable("device_name", io);
  const std::string& held = *read_back;
  if (held != words[0]) {
    io.err << "softbms device-name: the pack holds '" << support::printable(held) << "', not '"
           << words[0] << "'\n";
    return kRejected;
  }
  io.out << "device name = " << held << " (read back from " << w->url() << ")\n";
  return kOk;
}

// softbms password --settings|--connection -p http://...: the old password (and, for the
// connection password, the settings password to log in) and the new one twice, from stdin.
int password_web(const Args& args, Io io, bool settings) {
  auto w = WebPack::open(args, "password", io);
  if (!w) return kUsage;
  const std::string which = settings ? "settings" : "connection";
  if (!settings) {
    if (int rc = w->login(args, io); rc >= 0) return rc;
  }
  const auto old_pw = ask_line(io, "current " + which + " password: ");
  const auto new_pw = ask_line(io, "new " + which + " password: ");
  const auto again = ask_line(io, "new " + which + " password again: ");
  if (!old_pw || !new_pw || !again) {
    io.err << "softbms password: expected the current " << which
           << " password and the new one twice, one a line\n";
    return kUsage;
  }
  if (*new_pw != *again) {
    io.err << "softbms password: the two new passwords differ; nothing changed\n";
    return kRejected;
  }
  // The settings password is its own login.
  if (settings) {
    if (int rc = w->login_with(*old_pw, io); rc >= 0) return rc;
  }
  const WebReply r = w->post("/password", {{"which", which}, {"old", *old_pw}, {"new", *new_pw}});
  if (r.status != 200) return w->refused(r, io);
  io.out << which << " password changed on " << w->url() << " (pack " << w->pack() << ")\n";
  return kOk;
}

}  // namespace softbms::app
