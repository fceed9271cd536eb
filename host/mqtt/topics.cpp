#include "host/mqtt/topics.hpp"

namespace softbms::host::mqtt {

std::string sanitize_id(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) c = '_';
  }
  return out.empty() ? std::string("pack") : out;
}

Topics topics_for(const MqttConfig& config) {
  Topics t;
  t.root = config.base + "/" + sanitize_id(config.pack);
  t.state = t.root + "/state";
  t.settings = t.root + "/settings";
  t.availability = t.root + "/availability";
  t.link = t.root + "/link";
  t.command_filter = t.root + "/+/set";
  t.ha_status = config.discovery_prefix + "/status";
  return t;
}

std::string command_topic(const Topics& t, std::string_view key) {
  return t.root + "/" + std::string(key) + "/set";
}

std::string result_topic(const Topics& t, std::string_view key) {
  return t.root + "/" + std::string(key) + "/result";
}

std::optional<std::string> command_key(const Topics& t, std::string_view topic) {
  constexpr std::string_view kSuffix = "/set";
  if (!topic.starts_with(t.root) || !topic.ends_with(kSuffix)) return std::nullopt;
  std::string_view key = topic.substr(t.root.size());
  if (!key.starts_with('/') || key.size() <= 1 + kSuffix.size()) return std::nullopt;
  key = key.substr(1, key.size() - 1 - kSuffix.size());
  if (key.empty() || key.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(key);
}

}  // namespace softbms::host::mqtt
