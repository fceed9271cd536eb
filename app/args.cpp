// What the parser found for a subcommand (app/parser.cpp fills it), read by the handlers.
#include <algorithm>
#include <ostream>

#include "app/cli.hpp"

namespace softbms::app {

bool Args::flag(std::string_view name) const {
  return std::find(flags.begin(), flags.end(), name) != flags.end();
}

std::optional<std::string_view> Args::option(std::string_view name) const {
  std::optional<std::string_view> out;
  for (const auto& [n, v] : values) {
    if (n == name) out = v;
  }
  return out;
}

std::vector<std::string_view> Args::options(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : values) {
    if (n == name) out.emplace_back(v);
  }
  return out;
}

int usage_hint(Io io, std::string_view command) {
  io.err << "Run 'softbms " << command << " --help' for its options.\n";
  return kUsage;
}

std::vector<std::string_view> Args::positional() const {
  return {words.begin(), words.end()};
}

}  // namespace softbms::app
