// The live status line of `softbms run` and `softbms monitor`: rewritten in place every second
// on a terminal, one line every --status-every seconds otherwise (a log, journald), none with
// --quiet. See docs/app.md.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "app/cli.hpp"
#include "host/loop/event_loop.hpp"

namespace softbms::app {

struct StatusLineOptions {
  Seconds every{10};
  bool quiet = false;
  bool tty = false;  // stdout is a terminal
};

// --status-every S (1..3600) and --quiet; an error names the option and what it takes.
std::optional<StatusLineOptions> status_line_options(const Args& args, std::string_view command,
                                                     Io io);

// Prints `line()` on the loop's timer as the options say.
void start_status_line(host::EventLoop& loop, const StatusLineOptions& o,
                       std::function<std::string()> line, Io io);

// Ends a line rewritten in place, before the last words of the command.
void end_status_line(const StatusLineOptions& o, Io io);

}  // namespace softbms::app
