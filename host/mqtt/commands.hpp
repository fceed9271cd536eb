// The incoming command path: <root>/<key>/set with a payload becomes a core::Command with
// Origin::mqtt and the authority of the class the entity belongs to, or is refused when that
// class is not switched on. Nothing reaches the core for a refused command.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/base/status.hpp"
#include "core/io/command.hpp"
#include "core/settings/settings.hpp"
#include "host/mqtt/config.hpp"
#include "host/mqtt/discovery.hpp"

namespace softbms::host::mqtt {

// Runs one command in the core; the lead provides it (the virtual device or a board client).
using CommandSink = std::function<Status(const core::Command&)>;

// Errc::unknown_field: no such entity; Errc::not_authorized: its class is off;
// Errc::bad_value: the payload is not ON/OFF or a number in the entity's unit.
Result<core::Command> decode_command(const core::Settings& settings, CommandClasses enabled,
                                     std::string_view key, std::string_view payload);

// Why a command failed, in words, for the result topic.
std::string refusal_reason(Status st, std::string_view key);

// Decodes, runs the command through sink when allowed, and returns the message for
// <root>/<key>/result ({"ok":true} or {"ok":false,"reason":...}). Not retained.
Message handle_command(const Topics& topics, const core::Settings& settings, CommandClasses enabled,
                       std::string_view key, std::string_view payload, const CommandSink& sink);

}  // namespace softbms::host::mqtt
