// softbms-echo-server TRANSPORT [TIMEOUT_MS]: serves the test framing (A5 LEN PAYLOAD, answered
// with 5A LEN PAYLOAD) on pty:PATH, serial:DEVICE[:BAUD] or tcp:HOST:PORT until SIGINT/SIGTERM.
// It exists so tests/test_stream_echo.py can check the loop, transports and frame assembly
// from outside the process, with pyserial as an independent client.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "host/endpoint/endpoint_spec.hpp"
#include "host/endpoint/stream_service.hpp"
#include "host/endpoint/test_framing.hpp"

using namespace softbms;
using namespace softbms::host;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: softbms-echo-server TRANSPORT [INTER_BYTE_TIMEOUT_MS]\n");
    return 2;
  }
  auto spec = parse_transport(argv[1]);
  if (!spec) {
    std::fprintf(stderr, "softbms-echo-server: %s\n", spec.error().message.c_str());
    return 2;
  }
  FrameRules rules{echo_framing::size_frame, Milliseconds(argc > 2 ? std::atoi(argv[2]) : 100),
                   300};
  EventLoop loop;
  if (Done d = loop.stop_on_signals(); !d) {
    std::fprintf(stderr, "softbms-echo-server: %s\n", d.error().message.c_str());
    return 1;
  }
  auto service =
      StreamService::open(loop, spec.value(), spec->baud != 0 ? spec->baud : 115200, rules,
                          [](StreamService::Connection& c, std::span<const uint8_t> frame) {
                            std::vector<uint8_t> reply(frame.begin(), frame.end());
                            reply[0] = echo_framing::kReplyStart;
                            (void)c.reply(reply);
                          });
  if (!service) {
    std::fprintf(stderr, "softbms-echo-server: %s\n", service.error().message.c_str());
    return 1;
  }
  service.value()->set_notice(
      [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
  std::printf("ready %s\n", service.value()->describe().c_str());
  std::fflush(stdout);
  if (Done d = loop.run(); !d) {
    std::fprintf(stderr, "softbms-echo-server: %s\n", d.error().message.c_str());
    return 1;
  }
  const AssemblerCounters t = service.value()->totals();
  std::printf("stopped by signal %d: frames %llu garbage %llu timed_out %llu\n", loop.stop_signal(),
              static_cast<unsigned long long>(t.frames),
              static_cast<unsigned long long>(t.garbage_bytes),
              static_cast<unsigned long long>(t.timed_out_bytes));
  return 0;
}
