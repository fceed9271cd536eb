// Options several subcommands share.
#pragma once

#include <optional>
#include <string>

#include "app/cli.hpp"
#include "core/settings/settings.hpp"

namespace softbms::app {

// A preset Settings for --model (default JK-PB2A16S20P), --chemistry (default lfp) and
// --cells (default 16, or the model's largest count when 16 does not fit). On bad input it
// writes the reason to io.err and returns nothing.
std::optional<core::Settings> settings_from_options(const Args& args, Io io);

// One line from stdin; on a terminal the prompt goes to io.err and the typed characters are not
// shown (for passwords). nullopt at the end of input.
std::optional<std::string> ask_line(Io io, std::string_view prompt);

// Left-aligned text columns.
std::string pad(std::string_view s, std::size_t width);

}  // namespace softbms::app
