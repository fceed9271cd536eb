#include "app/options.hpp"

#include <termios.h>
#include <unistd.h>

#include <charconv>
#include <iostream>
#include <ostream>

#include "core/settings/validate.hpp"

namespace softbms::app {

std::string pad(std::string_view s, std::size_t width) {
  std::string out(s);
  // Count UTF-8 code points, so "°C" pads like two characters.
  std::size_t shown = 0;
  for (unsigned char ch : s) shown += (ch & 0xC0) != 0x80 ? 1 : 0;
  if (shown < width) out.append(width - shown, ' ');
  return out;
}

std::optional<std::string> ask_line(Io io, std::string_view prompt) {
  const bool tty = ::isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (tty) {
    io.err << prompt << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    io.err << "\n";
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::optional<core::Settings> settings_from_options(const Args& args, Io io) {
  core::ModelId model = core::ModelId::jk_pb2a16s20p;
  if (auto m = args.option("model")) {
    auto id = core::model_from_name(*m);
    if (!id) {
      io.err << "softbms: unknown model '" << *m << "' (see softbms models)\n";
      return std::nullopt;
    }
    model = *id;
  }
  core::Chemistry chem = core::Chemistry::lfp;
  if (auto c = args.option("chemistry")) {
    auto id = core::chemistry_from_name(*c);
    if (!id) {
      io.err << "softbms: unknown chemistry '" << *c << "' (li-ion, lfp or lto)\n";
      return std::nullopt;
    }
    chem = *id;
  }
  const core::CellRange range = core::model(model).cells[static_cast<std::size_t>(chem)];
  if (!range.supported()) {
    io.err << "softbms: " << core::model(model).name << " does not support " << core::kChemistryNames[static_cast<std::size_t>(chem)] << "\n";
    return std::nullopt;
  }
  int32_t cells = range.contains(16) ? 16 : range.max;
  if (auto n = args.option("cells")) {
    auto [ptr, ec] = std::from_chars(n->data(), n->data() + n->size(), cells);
    if (ec != std::errc() || ptr != n->data() + n->size() || !range.contains(cells)) {
      io.err << "softbms: --cells must be " << int(range.min) << ".." << int(range.max) << " for this model and chemistry\n";
      return std::nullopt;
    }
  }
  return core::Settings::preset(chem, model, cells);
}

}  // namespace softbms::app
