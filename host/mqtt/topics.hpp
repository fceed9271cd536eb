// Topic names, in one place so the publisher, discovery and tests agree.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "host/mqtt/config.hpp"

namespace softbms::host::mqtt {

// Home Assistant allows only [A-Za-z0-9_-] in node and object ids; anything else becomes '_'.
std::string sanitize_id(std::string_view text);

struct Topics {
  std::string root;            // <base>/<pack>
  std::string state;           // <root>/state: the snapshot JSON
  std::string settings;        // <root>/settings: {parameter: display value}
  std::string availability;    // <root>/availability: online / offline (last will)
  std::string link;            // <root>/link: ON / OFF, whether the board answers
  std::string command_filter;  // <root>/+/set
  std::string ha_status;       // <discovery prefix>/status: Home Assistant's birth and will
};
Topics topics_for(const MqttConfig& config);

std::string command_topic(const Topics& t, std::string_view key);  // <root>/<key>/set
std::string result_topic(const Topics& t, std::string_view key);   // <root>/<key>/result
// The entity key of a command topic, or nothing when the topic is not <root>/<key>/set.
std::optional<std::string> command_key(const Topics& t, std::string_view topic);

}  // namespace softbms::host::mqtt
