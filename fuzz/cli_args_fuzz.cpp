// The command line's shared parsers on arbitrary argument lists (words split at NUL bytes):
// Args as the parser fills it (option names and values), the --model/--chemistry/--cells
// options every board command takes, durations (--max-duration, scenario times) and the
// values of `softbms settings set NAME VALUE` with or without units. No crash; a value that
// parses for a parameter must print back to the same value.
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
  std::vector<std::string> words;
  for (std::size_t start = 0; start <= all.size();) {
    const auto end = std::min(all.find('\0', start), all.size());
    words.emplace_back(std::string_view(all).substr(start, end - start));
    start = end + 1;
  }
  // Option names and their values, as the parser hands them over.
  app::Args args;
  for (std::size_t i = 0; i + 1 < words.size(); i += 2)
    args.values.emplace_back(words[i], words[i + 1]);
  args.words = words;
  std::ostringstream out, err;
  static_cast<void>(app::settings_from_options(args, {out, err}));
  for (const auto& [name, value] : args.values) static_cast<void>(sim::parse_duration_s(value));
  for (const auto& word : words) {
    for (const auto& p : core::kParams) {
      const auto typed = host::parse_typed(p.id, word);
      if (typed.raw.has_value() != typed.error.empty()) __builtin_trap();
      const auto raw = host::parse_display(p.id, word);
      if (!raw.ok()) continue;
      const auto back = host::parse_display(p.id, host::format_display(p.id, raw.value()));
      if (!back.ok() || back.value() != raw.value()) __builtin_trap();
      const auto again =
          host::parse_typed(p.id, host::format_in(p.id, raw.value(), host::table_unit(p.id)));
      if (again.raw && again.raw.value() != raw.value()) __builtin_trap();
    }
  }
  return 0;
}
