#include "app/status_line.hpp"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <ostream>

namespace softbms::app {

std::optional<StatusLineOptions> status_line_options(const Args& args, std::string_view command,
                                                     Io io) {
  StatusLineOptions o;
  o.quiet = args.flag("quiet");
  o.tty = ::isatty(STDOUT_FILENO) == 1;
  const auto text = args.option("status-every");
  if (!text) return o;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || ptr != text->data() + text->size() || !std::isfinite(v) || v < 1 ||
      v > 3600) {
    io.err << "softbms " << command << ": --status-every takes seconds from 1 to 3600, got '"
           << *text << "'\n";
    return std::nullopt;
  }
  o.every = Seconds(static_cast<int64_t>(v));
  return o;
}

void start_status_line(host::EventLoop& loop, const StatusLineOptions& o,
                       std::function<std::string()> line, Io io) {
  if (o.quiet) return;
  const Milliseconds every = o.tty ? Milliseconds(1000) : to_ms(o.every);
  loop.every(every, [line = std::move(line), &out = io.out, tty = o.tty] {
    if (tty) {
      out << "\r" << line() << "\033[K" << std::flush;
    } else {
      out << line() << std::endl;
    }
  });
}

void end_status_line(const StatusLineOptions& o, Io io) {
  if (!o.quiet && o.tty) io.out << "\n";
}

}  // namespace softbms::app
