// softbms: the JK smart BMS family as software. See docs/cli.md.
#include <array>
#include <iostream>
#include <string_view>

#include "app/cli.hpp"

namespace softbms::app {
namespace {

struct Subcommand {
  std::string_view name;
  Handler run;
  std::string_view summary;
};

constexpr std::array kSubcommands = {
    Subcommand{"status", cmd_status, "a board's status (-p PORT [--protocol P] [-a ADDR] [-o table|json|csv])"},
    Subcommand{"cells", cmd_cells, "a board's cell voltages (-p PORT ...)"},
    Subcommand{"switch", cmd_switch, "charge|discharge|balance on|off on a board (-p PORT --yes)"},
    Subcommand{"log", cmd_log, "a board's logbook (-p PORT, jk02 protocol)"},
    Subcommand{"calibrate", cmd_calibrate, "voltage or current calibration of a board (-p PORT --voltage V | --current A --yes)"},
    Subcommand{"settings", cmd_settings, "--list every parameter; get [NAME...] / set NAME VALUE on a board"},
    Subcommand{"run", cmd_run, "the virtual JK BMS: simulated pack + JK endpoints (--endpoint jk-pb:pty:/tmp/jkpb ...)"},
    Subcommand{"monitor", cmd_monitor, "a real board served like run: dashboard, /metrics, MQTT, history (-p PORT [--http ADDR:PORT])"},
    Subcommand{"password", cmd_password, "change the settings password of a state dir (--settings [--name NAME])"},
    Subcommand{"sim", cmd_sim, "run a scenario on the simulated pack (SCENARIO.yaml [--out DIR] [--json] [--seed N])"},
    Subcommand{"estimate", cmd_estimate, "SOC of a logged pack, offline (--input LOG.csv [--chemistry C] [--capacity-ah AH] [--cells N] [--json])"},
    Subcommand{"campaign", cmd_campaign, "random scenarios with the safety invariants checked every tick ([--runs N] [--seed S] [--jobs J] [--shard K/M] [--out DIR]; merge DIR...)"},
    Subcommand{"history", cmd_history, "export the stored history as CSV (export --db PATH [--from T] [--to T] [--series a,b] [--resolution raw|1m|15m])"},
    Subcommand{"presets", cmd_presets, "chemistry presets: Li-ion, LiFePO4, LTO ([--json])"},
    Subcommand{"models", cmd_models, "the JK boards softbms knows and what each accepts ([--json])"},
    Subcommand{"version", cmd_version, "print the version"},
};

int usage(std::ostream& os) {
  os << "usage: softbms <command> [options]\n\ncommands:\n";
  for (const auto& c : kSubcommands) os << "  " << c.name << std::string(12 - c.name.size(), ' ') << c.summary << "\n";
  return kUsage;
}

}  // namespace

}  // namespace softbms::app

int main(int argc, char** argv) {
  using namespace softbms::app;
  if (argc < 2) return usage(std::cerr);
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    usage(std::cout);
    return kOk;
  }
  if (name == "--version") return cmd_version({}, {std::cout, std::cerr});
  Args args;
  for (int i = 2; i < argc; ++i) args.words.emplace_back(argv[i]);
  for (const auto& c : kSubcommands) {
    if (c.name == name) return c.run(args, {std::cout, std::cerr});
  }
  std::cerr << "softbms: unknown command '" << name << "'\n";
  return usage(std::cerr);
}