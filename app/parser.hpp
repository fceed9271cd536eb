// The command-line grammar of `softbms`, as a table that CLI11 parses (docs/cli.md): every
// subcommand's options, positional words and help text. Unknown options are errors with the
// nearest known option as a hint; every subcommand answers --help.
#pragma once

#include <span>
#include <string_view>

#include "app/cli.hpp"

namespace softbms::app {

struct OptionSpec {
  std::string_view names;  // CLI11 form: "-p,--port" or "--json"
  std::string_view value;  // what the value is ("PORT"); empty for a flag
  std::string_view help;
  bool repeat = false;  // may be given more than once, every value kept
};

struct OptionGroup {
  std::string_view title;  // the heading in --help
  std::span<const OptionSpec> options;
};

struct PositionalSpec {
  std::string_view name;  // a name for --help ("SETTING")
  std::string_view help;
  bool many = false;  // takes every remaining word
};

struct CommandSpec {
  std::string_view name;
  std::string_view summary;
  Handler run = nullptr;  // nothing: one of the subcommands must follow
  std::span<const OptionGroup> groups = {};
  std::span<const PositionalSpec> positionals = {};
  std::span<const CommandSpec> subcommands = {};
  std::string_view footer = {};  // more help text, printed after the options
};

// Parses argv against the table and runs the chosen subcommand's handler. Returns the exit
// code: the handler's, kOk after --help, kUsage for a command line that does not parse.
int dispatch(std::span<const CommandSpec> commands, int argc, const char* const* argv, Io io);

// The known word nearest to `word` by edit distance, or empty when none is close.
std::string_view nearest(std::string_view word, std::span<const std::string_view> known);

}  // namespace softbms::app
