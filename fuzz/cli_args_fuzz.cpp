// The command line's shared parsers on arbitrary argument lists (words split at NUL bytes):
// Args (flags, --name value, --name=value, positional words), the --model/--chemistry/--cells
// options every board command takes, durations (--max-duration, scenario times) and the
// display-unit values of `softbms settings set NAME VALUE`. No crash; a value that parses for a
// parameter must print back to the same value.
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include "app/options.hpp"
#include "host/text/param_text.hpp"
#include "sim/scenario/scenario_file.hpp"

using namespace softbms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string all(reinterpret_cast<const char*>(data), size);
  app::Args args;
  for (std::size_t start = 0; start <= all.size();) {
    const auto end = std::min(all.find('\0', start), all.size());
    args.words.emplace_back(std::string_view(all).substr(start, end - start));
    start = end + 1;
  }
  std::ostringstream out, err;
  static_cast<void>(app::settings_from_options(args, {out, err}));
  constexpr std::string_view kValued[] = {"model", "cells", "seed", "out", "runs", "shard"};
  static_cast<void>(args.positional(kValued));
  for (auto name : kValued) {
    static_cast<void>(args.flag(name));
    if (const auto v = args.option(name)) static_cast<void>(sim::parse_duration_s(*v));
  }
  for (const auto word : args.words) {
    for (const auto& p : core::kParams) {
      const auto raw = host::parse_display(p.id, word);
      if (!raw.ok()) continue;
      const auto back = host::parse_display(p.id, host::format_display(p.id, raw.value()));
      if (!back.ok() || back.value() != raw.value()) __builtin_trap();
    }
  }
  return 0;
}
