// What the parser found for a subcommand (app/parser.cpp fills it), read by the handlers.
#include <algorithm>

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

std::vector<std::string_view> Args::positional() const {
  return {words.begin(), words.end()};
}

}  // namespace softbms::app
