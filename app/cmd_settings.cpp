// softbms settings --list [--json]: every parameter with its unit, range and defaults.
// softbms settings get|set ... -p PORT: a board's settings (cmd_client.cpp).
#include <ostream>

#include "app/cli.hpp"
#include "app/options.hpp"
#include "host/text/param_text.hpp"

namespace softbms::app {
namespace {

int list(const Args& args, Io io) {
  const auto settings = settings_from_options(args, io);
  if (!settings) return kUsage;
  if (args.flag("json")) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& row : core::kParams) all.push_back(host::param_json(row, *settings));
    io.out << all.dump(2) << "\n";
    return kOk;
  }
  const auto chemistries = host::model_chemistries(settings->model_id());
  io.out << pad("name", 26) << pad("unit", 6) << pad("min", 10) << pad("max", 12);
  for (const core::Chemistry c : chemistries)
    io.out << pad(core::kChemistryNames[static_cast<std::size_t>(c)], 10);
  io.out << "description\n";
  for (const auto& row : core::kParams) {
    const auto j = host::param_json(row, *settings);
    // A range that depends on the chemistry shows as "3/4" (li-ion/lfp), in column order.
    const auto bound = [&](std::size_t i) {
      if (!j.contains("range_by_chemistry")) return j[i == 0 ? "min" : "max"].dump();
      std::string out;
      for (const core::Chemistry c : chemistries) {
        out += (out.empty() ? "" : "/") +
               j["range_by_chemistry"]
                [std::string(core::kChemistryNames[static_cast<std::size_t>(c)])][i]
                    .dump();
      }
      return out;
    };
    io.out << pad(row.name, 26) << pad(core::unit_info(row.unit).symbol, 6) << pad(bound(0), 10)
           << pad(bound(1), 12);
    for (const core::Chemistry c : chemistries) {
      io.out << pad(
          j["defaults"][std::string(core::kChemistryNames[static_cast<std::size_t>(c)])].dump(),
          10);
    }
    io.out << row.help << "\n";
  }
  return kOk;
}

}  // namespace

int cmd_settings(const Args& args, Io io) {
  if (args.flag("list")) return list(args, io);
  io.err << "usage: softbms settings --list [--json] [--model MODEL] [--cells N]\n"
            "       softbms settings get [NAME...] -p PORT [-o table|json|csv]\n"
            "       softbms settings set NAME VALUE -p PORT --yes|--dry-run\n";
  return kUsage;
}

}  // namespace softbms::app
