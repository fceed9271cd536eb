// softbms-metrics-demo: two synthetic packs as Prometheus text, for tests/test_metrics.py until
// the web server serves /metrics. Without arguments it prints the text once; with
// --serve PORT it answers GET /metrics on 127.0.0.1:PORT (--requests N, default 1) as a
// scrape would see it, then exits.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/alarm.hpp"
#include "host/metrics/prometheus.hpp"

namespace {

using namespace softbms;

host::metrics::PackMetrics pack(std::string id, std::string_view serial, int32_t current_ma) {
  host::metrics::PackMetrics p;
  p.pack = std::move(id);
  p.device.model.assign("JK_PB2A16S20P");
  p.device.hw_version.assign("19A");
  p.device.sw_version.assign("19.27");
  p.device.serial_number.assign(serial);
  core::Snapshot& s = p.snapshot;
  s.cell_count = 16;
  s.cell_present_mask = 0xFFFF;
  for (int i = 0; i < 16; ++i) s.cell[static_cast<std::size_t>(i)] = Millivolts(3300 + i);
  s.cell_min = Millivolts(3300);
  s.cell_max = Millivolts(3315);
  s.cell_avg = Millivolts(3307);
  s.cell_delta = Millivolts(15);
  s.pack_voltage = Millivolts(52920);
  s.current = Milliamps(current_ma);
  s.power = power(s.pack_voltage, s.current);
  s.temp = {DeciCelsius(251), DeciCelsius(-52), DeciCelsius(225)};
  s.temp_present_mask = 0b111;
  s.soc_permille = 805;
  s.soc_percent = 80;
  s.remaining = MilliampHours(225400);
  s.full_capacity = MilliampHours(280000);
  s.design_capacity = MilliampHours(280000);
  s.cycle_capacity = MilliampHours(3360000);
  s.charged_energy = MilliwattHours(1000000);
  s.discharged_energy = MilliwattHours(900000);
  s.cycles = 12;
  s.runtime = Seconds(86400);
  s.charge_fet = true;
  s.discharge_fet = true;
  s.balance_state = core::BalanceState::charging_cell;
  s.balance_source = 15;
  s.balance_sink = 0;
  s.alarms = core::alarm_mask(core::AlarmBit::cell_ovp);
  p.sample_unix_ms = 1'700'000'000'250;
  return p;
}

int serve(int port, int requests, const std::string& body) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 4) != 0) {
    std::perror("softbms-metrics-demo");
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  for (int i = 0; i < requests; ++i) {
    const int c = accept(fd, nullptr, nullptr);
    if (c < 0) continue;
    std::string request;
    char buf[1024];
    ssize_t n = 0;
    while (request.find("\r\n\r\n") == std::string::npos && (n = read(c, buf, sizeof buf)) > 0) {
      request.append(buf, static_cast<std::size_t>(n));
    }
    const bool found = request.starts_with("GET /metrics ");
    const std::string head = std::string(found ? "HTTP/1.1 200 OK" : "HTTP/1.1 404 Not Found") +
                             "\r\nContent-Type: " + std::string(host::metrics::kContentType) +
                             "\r\nContent-Length: " + std::to_string(found ? body.size() : 0) +
                             "\r\nConnection: close\r\n\r\n";
    const std::string reply = head + (found ? body : "");
    for (std::size_t sent = 0; sent < reply.size();) {
      const ssize_t w = write(c, reply.data() + sent, reply.size() - sent);
      if (w <= 0) break;
      sent += static_cast<std::size_t>(w);
    }
    close(c);
  }
  close(fd);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<host::metrics::PackMetrics> packs = {pack("pack1", "4012345678", 12500),
                                                         pack("garage \"B\"", "4012345679", -3000)};
  const std::string text = host::metrics::prometheus_text(packs);
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--serve") {
      int requests = 1;
      for (std::size_t j = 0; j + 1 < args.size(); ++j) {
        if (args[j] == "--requests") requests = std::atoi(std::string(args[j + 1]).c_str());
      }
      return serve(std::atoi(std::string(args[i + 1]).c_str()), requests, text);
    }
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}
