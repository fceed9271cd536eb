// The options `softbms run` and `softbms monitor` share for what they serve: --http,
// --metrics-open, --mqtt, --mqtt-base, --mqtt-commands, --mqtt-user, --mqtt-interval,
// --history. See docs/app.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/cli.hpp"
#include "host/services/services.hpp"

namespace softbms::app {

// `command` names the subcommand in messages; the history defaults to STATE_DIR/history.db.
std::optional<host::services::ServiceOptions> service_options(const Args& args,
                                                              std::string_view command,
                                                              const std::string& state_dir, Io io);

}  // namespace softbms::app
