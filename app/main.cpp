// softbms: the JK smart BMS family as software. Every subcommand, its options and its help are
// in the table below; parser.cpp hands them to CLI11. See docs/cli.md.
#include <array>
#include <iostream>

#include "app/parser.hpp"

namespace softbms::app {
namespace {

using O = OptionSpec;
using P = PositionalSpec;

// ---- option groups several commands share ----

constexpr O kBoardLink[] = {
    {"-p,--port", "PORT", "serial device, pty path or tcp://HOST:PORT (required)"},
    {"--protocol", "P", "auto (default), jk-pb, jk-4e57 or jk02"},
    {"-a,--address", "N", "JK-PB RS485 address (DIP switches), 0..247, default 1"},
    {"--baud", "N", "serial speed, default 115200"},
    {"--model", "M", "the board's model, when the guess from its model string is wrong"},
    {"--chemistry", "C", "li-ion, lfp or lto, when the guess from cell OVP is wrong"},
};
constexpr O kClientOutput[] = {
    {"-o,--output", "F", "table (default), json or csv"},
    {"--verbose", "", "print every byte sent and received on stderr"},
};
constexpr O kWrite[] = {
    {"--yes", "", "send the write"},
    {"--dry-run", "", "show the change and the bytes, send nothing"},
    {"--password", "PW",
     "the settings password for -p http:// (others see it in the process list: prefer "
     "SOFTBMS_PASSWORD or the prompt); not sent over JK's wire, which carries none"},
};
constexpr O kDashboard[] = {
    {"--pack", "ID", "with -p http://HOST:PORT (softbms run's dashboard): the pack, default 1"},
};
constexpr O kPack[] = {
    {"--model", "M", "the board's model (softbms models), default JK-PB2A16S20P"},
    {"--chemistry", "C", "li-ion, lfp (default) or lto"},
    {"--cells", "N", "cells in series, default 16 (or the model's largest count)"},
};
constexpr O kJson[] = {{"--json", "", "JSON instead of a table"}};
constexpr O kStateDir[] = {
    {"--state-dir", "DIR", "the state directory (settings, counters, history)"},
    {"--name", "NAME",
     "the state dir ~/.local/state/softbms/NAME, the MQTT topic and the "
     "Home Assistant device name"},
};
constexpr O kServing[] = {
    {"--http", "ADDR:PORT",
     "dashboard and /metrics (default 127.0.0.1:8080, the next free "
     "port when taken), or off"},
    {"--allowed-host", "NAME[,NAME...]", "more names the dashboard accepts in Host"},
    {"--metrics-open", "", "/metrics without a login"},
    {"--history", "PATH", "the history database (default STATE_DIR/history.db), or off"},
    {"--mqtt", "BROKER", "HOST[:PORT], mqtt://HOST[:PORT] or mqtts://HOST[:PORT]"},
    {"--mqtt-ca", "FILE", "the CA that signed a TLS broker's certificate"},
    {"--mqtt-base", "TOPIC", "topic base, default jkbms"},
    {"--mqtt-commands", "LIST", "none (default), switches, settings or switches,settings"},
    {"--mqtt-user", "USER", "broker user (password: SOFTBMS_MQTT_PASSWORD)"},
    {"--mqtt-interval", "S", "seconds between state messages, 0.1..3600, default 5"},
};

constexpr OptionGroup kClientGroups[] = {{"Board", kBoardLink}, {"Output", kClientOutput}};
constexpr OptionGroup kWriteGroups[] = {
    {"Board", kBoardLink}, {"Output", kClientOutput}, {"Write", kWrite}};

// ---- per command ----

constexpr O kRunOptions[] = {
    {"--endpoint", "PROTOCOL:TRANSPORT[,policy=P][,addr=N]",
     "a JK or inverter endpoint (repeatable): jk-pb, jk-4e57, jk02, pylon-can, victron-can, "
     "pylon-485 over pty:PATH, serial:DEV[:BAUD], tcp:HOST:PORT, slcan:..., socketcan:IFACE",
     true},
    {"--address", "N", "this pack's RS485 address 0..15 (default 1; 0 with --packs)"},
    {"--speed", "N", "simulated seconds per second, 0.01..100000, default 1"},
    {"--capacity-ah", "AH", "design capacity, 1..2000 Ah"},
    {"--soc", "PCT", "state of charge at a fresh start, 0..100"},
    {"--seed", "N", "the simulator's seed"},
    {"--load-a", "A", "a constant load (A, -2000..2000)"},
    {"--charge-a", "A", "a constant charger (A, 0..2000)"},
    {"--ambient", "C", "ambient temperature (°C, -40..80)"},
    {"--identity-model", "S", "the model string the board reports (16 characters)"},
    {"--hw-version", "S", "hardware version string"},
    {"--sw-version", "S", "software version string"},
    {"--serial", "S", "serial number (default: one made for the state dir at its creation)"},
    {"--status-file", "PATH", "write the status JSON there, atomically"},
    {"--save-every", "S", "seconds between saves of the counters"},
};
constexpr O kStatusLine[] = {
    {"--status-every", "S", "seconds between status lines when not on a terminal, default 10"},
    {"--quiet", "", "no status line"},
};
constexpr O kParallel[] = {
    {"--packs", "N", "this device is the master of N packs, 2..15 (docs/parallel.md)"},
    {"--master-port", "serial:DEV|pty:PATH", "the RS485 link to real slave packs"},
    {"--pack-offline", "ADDR@FROM[-TO]", "a virtual slave goes quiet (repeatable)", true},
    {"--keepalive-ms", "MS", "inverter keepalive timeout, 500..600000"},
    {"--fail-safe", "MODE", "stop-charge (default), stop-both or none"},
};
constexpr OptionGroup kRunGroups[] = {
    {"Device", kRunOptions}, {"Status line", kStatusLine},         {"Pack", kPack},
    {"State", kStateDir},    {"Parallel and inverter", kParallel}, {"Serving", kServing}};

constexpr O kMonitorOptions[] = {
    {"--interval", "S", "seconds between status reads, 0.5..3600, default 2"},
};
constexpr OptionGroup kMonitorGroups[] = {{"Board", kBoardLink},
                                          {"Polling", kMonitorOptions},
                                          {"Status line", kStatusLine},
                                          {"State", kStateDir},
                                          {"Serving", kServing}};

constexpr O kSettingsList[] = {{"--list", "", "every parameter with unit, range and defaults"}};
constexpr OptionGroup kSettingsGroups[] = {
    {"List", kSettingsList}, {"Output", kJson}, {"Pack", kPack}};
constexpr OptionGroup kPresetGroups[] = {{"Output", kJson}, {"Pack", kPack}};
constexpr OptionGroup kJsonGroup[] = {{"Output", kJson}};

constexpr O kPassword[] = {
    {"--settings", "", "the settings password (the dashboard's login)"},
    {"--connection", "", "the connection (Bluetooth pairing) password"},
};
constexpr O kPasswordTarget[] = {
    {"-p,--port", "URL", "a running softbms run: its dashboard http://HOST:PORT"},
    {"--pack", "ID", "the pack, default 1"},
};
constexpr OptionGroup kPasswordGroups[] = {
    {"Password", kPassword}, {"State", kStateDir}, {"softbms run", kPasswordTarget}};

constexpr O kSim[] = {
    {"--out", "DIR", "write the time series, events and summary there"},
    {"--json", "", "the summary as JSON"},
    {"--seed", "N", "override the scenario's seed"},
};
constexpr OptionGroup kSimGroups[] = {{"Options", kSim}};

constexpr O kEstimate[] = {
    {"--input", "LOG.csv", "time_s,current_a,voltage_v[,temp_c] or a history export (required)"},
    {"--chemistry", "C", "li-ion, lfp (default) or lto"},
    {"--capacity-ah", "AH", "the pack's capacity"},
    {"--initial-soc", "PCT", "SOC at the first row, 0..100"},
    {"--cells", "N", "voltage_v is the pack's, of N cells"},
    {"--method", "M", "model (default) or coulomb"},
    {"--out", "EST.csv", "write the estimate per row"},
    {"--json", "", "the summary as JSON"},
};
constexpr OptionGroup kEstimateGroups[] = {{"Options", kEstimate}};

constexpr O kCampaign[] = {
    {"--runs", "N", "random scenarios to run"},
    {"--seed", "S", "the campaign's seed"},
    {"--jobs", "J", "threads, 1..1024"},
    {"--shard", "K/M", "run the K-th of M shards"},
    {"--out", "DIR", "campaign.json and the shrunk failures"},
    {"--json", "", "the result as JSON"},
    {"--max-duration", "T", "longest simulated run, 1s..30d (e.g. 1h)"},
    {"--no-shrink", "", "keep failing runs as they are"},
    {"--list-invariants", "", "print the invariants and their rules"},
    {"--show-run", "I", "print the scenario YAML of run I"},
};
constexpr OptionGroup kCampaignGroups[] = {{"Options", kCampaign}};

constexpr O kHistoryExport[] = {
    {"--db", "PATH", "the history database (required)"},
    {"--pack", "ID", "the pack, with --packs"},
    {"--from", "T", "2024-05-01, 2024-05-01T12:00:00Z, Unix seconds, now or -90s/-15m/-2h/-7d"},
    {"--to", "T", "as --from"},
    {"--series", "a,b", "the series (softbms history series)"},
    {"--resolution", "R", "raw, 1m or 15m"},
};
constexpr OptionGroup kHistoryExportGroups[] = {{"Options", kHistoryExport}};

constexpr O kScan[] = {
    {"--adapter", "hciN", "the Bluetooth adapter, default hci0"},
    {"--seconds", "S", "how long to listen, 1..120, default 5"},
    {"--all", "", "every BLE device heard, not only JK boards"},
    {"-o,--output", "F", "table (default) or json"},
};
constexpr OptionGroup kScanGroups[] = {{"Options", kScan}};

constexpr O kCalibrate[] = {
    {"--voltage", "V", "the pack voltage a meter reads (V); the board scales its cells to it"},
    {"--current", "A", "the current a meter reads (A, at least 1 A); the board scales its shunt"},
};
constexpr OptionGroup kCalibrateGroups[] = {{"Board", kBoardLink},
                                            {"Calibration", kCalibrate},
                                            {"Output", kClientOutput},
                                            {"Write", kWrite},
                                            {"softbms run", kDashboard}};
constexpr OptionGroup kOwnerGroups[] = {
    {"Board", kBoardLink}, {"Write", kWrite}, {"softbms run", kDashboard}};

constexpr P kSettingNames[] = {{"SETTING", "names (softbms settings --list), all when none", true}};
constexpr P kSettingValue[] = {
    {"SETTING", "a name from softbms settings --list, or its MQTT entity key"},
    {"VALUE", "with or without its unit: 3.65V, 3650mV, 3.65 (V), 10A, 30s, -5°C, on"}};
constexpr P kSwitchWords[] = {{"SWITCH", "charge, discharge or balance"}, {"STATE", "on or off"}};
constexpr P kDeviceName[] = {
    {"NAME", "1 to 16 letters and digits (A-Z, a-z, 0-9); none: print the name"}};
constexpr P kScenario[] = {{"SCENARIO", "a scenario file (docs/scenarios.md)"}};
constexpr P kShardDirs[] = {{"DIR", "the --out directories of the shards", true}};

constexpr CommandSpec kSettingsSub[] = {
    {"get", "read settings from a board", cmd_settings_get, kClientGroups, kSettingNames},
    {"set", "write one setting to a board", cmd_settings_set, kWriteGroups, kSettingValue},
};
constexpr OptionGroup kMergeGroups[] = {{"Output", kJson}};
constexpr CommandSpec kCampaignSub[] = {
    {"merge", "add up the campaign.json of shards", cmd_campaign_merge, kMergeGroups, kShardDirs},
};
constexpr CommandSpec kHistorySub[] = {
    {"export", "the stored history as CSV on stdout", cmd_history_export, kHistoryExportGroups},
    {"series", "the series and their units", cmd_history_series},
};

constexpr std::string_view kRunFooter =
    "Examples:\n"
    "  softbms run --endpoint jk-pb:pty:/tmp/jkpb,policy=settings\n"
    "  softbms run --name garage --mqtt 127.0.0.1 --mqtt-commands switches\n"
    "See docs/run.md and docs/app.md.";

constexpr std::string_view kEstimateFooter =
    "LOG.csv: time_s,current_a,voltage_v[,temp_c], + = charge; voltage_v is one cell's, or the\n"
    "pack's with --cells N. softbms history export files are read as they are. See "
    "docs/estimation.md.";
constexpr std::string_view kScanFooter =
    "Use an address it lists as: softbms status -p ble:ADDRESS. See docs/bluetooth.md.";
constexpr std::string_view kPasswordFooter =
    "Asks on stdin for the current password (factory: settings 123456, connection 1234) and the\n"
    "new one twice. Without -p the state dir must not be in use; -p http://HOST:PORT reaches a\n"
    "running softbms run (for --connection the settings password first, or SOFTBMS_PASSWORD).\n"
    "See docs/cli.md, \"Owner commands\".";
constexpr std::string_view kCampaignFooter =
    "softbms campaign --seed S --show-run I prints run I as a scenario; softbms campaign merge\n"
    "DIR... adds up shards. See docs/reliability.md.";

constexpr std::array kCommands = {
    CommandSpec{"status", "a board's status", cmd_status, kClientGroups},
    CommandSpec{"cells", "a board's cell voltages", cmd_cells, kClientGroups},
    CommandSpec{"switch", "charge, discharge or balance on or off on a board", cmd_switch,
                kWriteGroups, kSwitchWords},
    CommandSpec{"log", "a board's logbook (jk02 protocol)", cmd_log, kClientGroups},
    CommandSpec{"settings",
                "--list every parameter; get / set on a board",
                cmd_settings,
                kSettingsGroups,
                {},
                kSettingsSub},
    CommandSpec{"calibrate", "voltage or current calibration of a board or softbms run",
                cmd_calibrate, kCalibrateGroups},
    CommandSpec{"reset-counters", "cycles, cycle capacity and energy counters to zero",
                cmd_reset_counters, kOwnerGroups},
    CommandSpec{"device-name", "read (over any link) or set (softbms run) the device name",
                cmd_device_name, kOwnerGroups, kDeviceName},
    CommandSpec{"scan",
                "the JK boards in Bluetooth range: name, address, RSSI",
                cmd_scan,
                kScanGroups,
                {},
                {},
                kScanFooter},
    CommandSpec{"run",
                "the virtual JK BMS: simulated pack, JK endpoints, dashboard, MQTT",
                cmd_run,
                kRunGroups,
                {},
                {},
                kRunFooter},
    CommandSpec{"monitor", "a real board served like run: dashboard, /metrics, MQTT, history",
                cmd_monitor, kMonitorGroups},
    CommandSpec{"password",
                "change the settings or connection password (state dir or run)",
                cmd_password,
                kPasswordGroups,
                {},
                {},
                kPasswordFooter},
    CommandSpec{"sim", "run a scenario on the simulated pack", cmd_sim, kSimGroups, kScenario},
    CommandSpec{"estimate",
                "SOC of a logged pack, offline",
                cmd_estimate,
                kEstimateGroups,
                {},
                {},
                kEstimateFooter},
    CommandSpec{"campaign",
                "random scenarios with the safety invariants checked every tick",
                cmd_campaign,
                kCampaignGroups,
                {},
                kCampaignSub,
                kCampaignFooter},
    CommandSpec{"history", "the stored history", nullptr, {}, {}, kHistorySub},
    CommandSpec{"presets", "chemistry presets: Li-ion, LiFePO4, LTO", cmd_presets, kPresetGroups},
    CommandSpec{"models", "the JK boards softbms knows and what each accepts", cmd_models,
                kJsonGroup},
    CommandSpec{"version", "print the version", cmd_version},
};

}  // namespace
}  // namespace softbms::app

int main(int argc, char** argv) {
  using namespace softbms::app;
  return dispatch(kCommands, argc, argv, {std::cout, std::cerr});
}
