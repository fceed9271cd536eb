// MQTT command topics: an arbitrary key and payload (split at the first NUL byte) through the
// decoder and the handler, with every command class on. No crash; a command that decodes is
// given to a sink that checks it would keep the settings valid or be refused by the core.
#include <string_view>

#include "core/bms/bms.hpp"
#include "core/settings/validate.hpp"
#include "host/mqtt/commands.hpp"
#include "host/mqtt/config.hpp"
#include "host/mqtt/topics.hpp"

using namespace softbms;
using namespace softbms::host::mqtt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const auto nul = all.find('\0');
  const std::string_view key = all.substr(0, nul);
  const std::string_view payload = nul == std::string_view::npos ? "" : all.substr(nul + 1);
  static const core::Settings settings =
      core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
  static core::Bms bms(settings);
  const CommandClasses on{true, true};
  static_cast<void>(decode_command(settings, on, key, payload));
  static const Topics topics = topics_for(MqttConfig{});
  const auto sink = [](const core::Command& c) {
    const Status st = bms.apply(c, Milliseconds(0));
    if (!core::validate(bms.settings()).ok()) __builtin_trap();  // a command broke the settings
    return st;
  };
  static_cast<void>(handle_command(topics, settings, on, key, payload, sink));
  static_cast<void>(handle_command(topics, settings, CommandClasses{}, key, payload, sink));
  return 0;
}
