// The words after the subcommand: flags, --name value options and positional words.
#include "app/cli.hpp"

namespace softbms::app {

bool Args::flag(std::string_view name) const {
  for (auto w : words) {
    if (w.starts_with("--") && w.substr(2) == name) return true;
  }
  return false;
}

std::optional<std::string_view> Args::option(std::string_view name) const {
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto w = words[i];
    if (!w.starts_with("--")) continue;
    const auto body = w.substr(2);
    if (body == name && i + 1 < words.size()) return words[i + 1];
    if (body.starts_with(name) && body.size() > name.size() && body[name.size()] == '=') {
      return body.substr(name.size() + 1);
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> Args::positional(std::span<const std::string_view> valued) const {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto w = words[i];
    if (w.starts_with("-") && w.size() > 1) {
      const auto body = w.substr(w.starts_with("--") ? 2 : 1);
      for (auto v : valued) {
        if (body == v) ++i;  // skip the option's value
      }
      continue;
    }
    out.push_back(w);
  }
  return out;
}

}  // namespace softbms::app
