// The `softbms` command: one file per subcommand, all listed in main.cpp's table.
#pragma once

#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace softbms::app {

// Exit codes (documented in docs/cli.md).
enum Exit : int { kOk = 0, kFailure = 1, kUsage = 2, kRejected = 3, kNoDevice = 4 };

struct Args {
  std::vector<std::string_view> words;  // everything after the subcommand

  [[nodiscard]] bool flag(std::string_view name) const;
  // The value after --name (or --name=value).
  [[nodiscard]] std::optional<std::string_view> option(std::string_view name) const;
  // Words that are neither options nor option values.
  [[nodiscard]] std::vector<std::string_view> positional(std::span<const std::string_view> valued) const;
};

struct Io {
  std::ostream& out;
  std::ostream& err;
};

using Handler = int (*)(const Args&, Io);

int cmd_version(const Args& args, Io io);
int cmd_settings(const Args& args, Io io);
int cmd_presets(const Args& args, Io io);
int cmd_models(const Args& args, Io io);
int cmd_run(const Args& args, Io io);
int cmd_monitor(const Args& args, Io io);
int cmd_password(const Args& args, Io io);
int cmd_history(const Args& args, Io io);
int cmd_sim(const Args& args, Io io);
int cmd_estimate(const Args& args, Io io);
int cmd_campaign(const Args& args, Io io);
int cmd_status(const Args& args, Io io);
int cmd_cells(const Args& args, Io io);
int cmd_switch(const Args& args, Io io);
int cmd_log(const Args& args, Io io);
int cmd_settings_get(const Args& args, Io io);
int cmd_settings_set(const Args& args, Io io);
int cmd_calibrate(const Args& args, Io io);  // app/cmd_client.cpp, issue 11

}  // namespace softbms::app
