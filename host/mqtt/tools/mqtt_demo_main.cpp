// softbms-mqtt-demo: one synthetic pack on a broker through the real Publisher, for
// tests/test_mqtt.py until `softbms run` carries MQTT. Commands change the demo's own settings
// (the part the core plays in `softbms run`), so a switch round trip shows in the state.
//
//   softbms-mqtt-demo --port 1883 [--host H] [--pack ID] [--base B] [--prefix P]
//                     [--interval-ms N] [--commands switches,settings] [--serial S]
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "core/settings/validate.hpp"
#include "host/mqtt/publisher.hpp"

namespace {

using namespace softbms;
volatile std::sig_atomic_t g_stop = 0;
void stop(int /*sig*/) {
  g_stop = 1;
}

const char* arg(int argc, char** argv, std::string_view name, const char* fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (name == argv[i]) return argv[i + 1];
  }
  return fallback;
}

// A 16S LiFePO4 pack at rest-ish: the values are plausible, the FETs follow the switches.
core::Snapshot synthetic(const core::Settings& st, int64_t t_ms) {
  core::Snapshot s;
  s.uptime = Milliseconds(t_ms);
  s.cell_count = static_cast<uint8_t>(st.cells());
  s.cell_present_mask = s.cell_count >= 32 ? 0xFFFFFFFFu : (uint32_t{1} << s.cell_count) - 1;
  int32_t sum = 0;
  for (uint8_t i = 0; i < s.cell_count; ++i) {
    s.cell[i] = Millivolts(3300 + 2 * i);
    sum += s.cell[i].count();
  }
  s.cell_min = s.cell[0];
  s.cell_max = s.cell[s.cell_count - 1];
  s.cell_max_index = static_cast<uint8_t>(s.cell_count - 1);
  s.cell_delta = s.cell_max - s.cell_min;
  s.cell_avg = Millivolts(sum / s.cell_count);
  s.pack_voltage = Millivolts(sum);
  s.charge_fet = st.on(core::Param::charge_enabled);
  s.discharge_fet = st.on(core::Param::discharge_enabled);
  s.current = s.charge_fet ? Milliamps(5000) : Milliamps(0);
  s.power = power(s.pack_voltage, s.current);
  s.temp = {DeciCelsius(251), DeciCelsius(220), DeciCelsius(225)};
  s.temp_present_mask = 0b111;
  s.soc_percent = 80;
  s.soc_permille = 800;
  s.design_capacity = st.mah(core::Param::design_capacity);
  s.full_capacity = s.design_capacity;
  s.remaining = MilliampHours(s.full_capacity.count() * 8 / 10);
  s.cycles = 12;
  s.charged_energy = MilliwattHours(1'000'000 + t_ms / 100);
  s.discharged_energy = MilliwattHours(900'000);
  s.runtime = Seconds(3600 + t_ms / 1000);
  return s;
}

int64_t unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  host::mqtt::MqttConfig config;
  config.host = arg(argc, argv, "--host", "127.0.0.1");
  config.port = std::atoi(arg(argc, argv, "--port", "1883"));
  config.pack = arg(argc, argv, "--pack", "demo");
  config.base = arg(argc, argv, "--base", "jkbms");
  config.discovery_prefix = arg(argc, argv, "--prefix", "homeassistant");
  config.state_interval = Milliseconds(std::atoll(arg(argc, argv, "--interval-ms", "1000")));
  const std::string_view classes = arg(argc, argv, "--commands", "");
  config.commands.switches = classes.find("switches") != std::string_view::npos;
  config.commands.settings = classes.find("settings") != std::string_view::npos;

  core::DeviceInfo device;
  device.model.assign("JK_PB2A16S20P");
  device.hw_version.assign("19A");
  device.sw_version.assign("19.27");
  device.serial_number.assign(arg(argc, argv, "--serial", "DEMO0001"));

  std::mutex mutex;
  core::Settings settings =
      core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
  auto sink = [&](const core::Command& c) -> Status {
    std::lock_guard lock(mutex);
    return core::apply_change(settings, c.param, c.value);
  };
  host::mqtt::Publisher publisher(config, device, sink);
  if (!publisher.start().ok()) {
    std::fprintf(stderr, "softbms-mqtt-demo: cannot start the MQTT client\n");
    return 1;
  }
  std::signal(SIGTERM, stop);
  std::signal(SIGINT, stop);
  const auto t0 = std::chrono::steady_clock::now();
  bool said_ready = false;
  while (g_stop == 0) {
    const auto t = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - t0);
    core::Settings now_settings;
    {
      std::lock_guard lock(mutex);
      now_settings = settings;
    }
    publisher.update(Milliseconds(t.count()), unix_ms(), synthetic(now_settings, t.count()),
                     now_settings);
    if (publisher.connected() && !said_ready) {
      std::printf("ready %s\n", publisher.topics().root.c_str());
      std::fflush(stdout);
      said_ready = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}
