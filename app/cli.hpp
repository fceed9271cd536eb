// The `softbms` command: one file per subcommand, all declared in commands.cpp's table and
// parsed by CLI11 (parser.cpp).
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace softbms::app {

// Exit codes (documented in docs/cli.md).
enum Exit : int { kOk = 0, kFailure = 1, kUsage = 2, kRejected = 3, kNoDevice = 4 };

// What the parser found for a subcommand: only options it declares, by their long name.
struct Args {
  std::vector<std::pair<std::string, std::string>> values;  // (long name, value) in order
  std::vector<std::string> flags;                           // long names of the flags given
  std::vector<std::string> words;                           // the positional words, in order

  [[nodiscard]] bool flag(std::string_view name) const;
  // The value of --name (the last one when it is given twice).
  [[nodiscard]] std::optional<std::string_view> option(std::string_view name) const;
  // Every value of a repeatable option, in command-line order.
  [[nodiscard]] std::vector<std::string_view> options(std::string_view name) const;
  [[nodiscard]] std::vector<std::string_view> positional() const;
};

struct Io {
  std::ostream& out;
  std::ostream& err;
};

using Handler = int (*)(const Args&, Io);

// After a command line that parsed but makes no sense (a value out of range, a missing
// option): points at the command's --help, which the command table writes, and returns kUsage.
int usage_hint(Io io, std::string_view command);

int cmd_version(const Args& args, Io io);
int cmd_settings(const Args& args, Io io);
int cmd_presets(const Args& args, Io io);
int cmd_models(const Args& args, Io io);
int cmd_run(const Args& args, Io io);
int cmd_monitor(const Args& args, Io io);
int cmd_password(const Args& args, Io io);
int cmd_history_export(const Args& args, Io io);
int cmd_history_series(const Args& args, Io io);
int cmd_sim(const Args& args, Io io);
int cmd_estimate(const Args& args, Io io);
int cmd_campaign(const Args& args, Io io);
int cmd_campaign_merge(const Args& args, Io io);
int cmd_status(const Args& args, Io io);
int cmd_cells(const Args& args, Io io);
int cmd_switch(const Args& args, Io io);
int cmd_log(const Args& args, Io io);
int cmd_settings_get(const Args& args, Io io);
int cmd_settings_set(const Args& args, Io io);
int cmd_scan(const Args& args, Io io);
int cmd_calibrate(const Args& args, Io io);       // app/cmd_client.cpp, issue 11
int cmd_reset_counters(const Args& args, Io io);  // app/cmd_owner.cpp
int cmd_device_name(const Args& args, Io io);

// The device name a board reports in its device-info frame, over its JK line (-p PORT and the
// client options), printed on io.out. Returns the exit code.
int read_device_name(const Args& args, Io io);

}  // namespace softbms::app
