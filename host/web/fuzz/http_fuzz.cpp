// The dashboard server on arbitrary bytes, as one connection: httplib's request parser, the
// checks before a body is read, every route with its query and JSON body, over two packs and
// with a logged-in session (session and CSRF tokens are fixed by the random source, so the
// seeds in seeds/http/ carry them and reach the writes). An answer 500 means a handler threw:
// that is reported as a crash too.
#include <cstdlib>
#include <string_view>

#include "host/web/fake_pack_test_support.hpp"
#include "host/web/server.hpp"

using namespace softbms::host::web;

namespace {

// The fake pack with a plain password comparison: the board's PBKDF2 would make every login
// input cost 70 ms and leave the fuzzer few runs for the rest.
class Pack : public testing::FakePack {
 public:
  using FakePack::FakePack;
  softbms::Status check_settings_password(std::string_view password) override {
    return password == "123456" ? softbms::ok_status()
                                : softbms::Status(softbms::Errc::wrong_password);
  }
};

WebServer& server() {
  static Pack one{"1"};
  static Pack two{"2"};
  static WebServer* s = [] {
    ServerOptions o;
    o.max_stream_ms = 0;  // a stream ends at once: one input, one answer
    o.random = [](std::span<uint8_t> out) {
      for (auto& b : out) b = 0x11;
    };
    auto* w = new WebServer({&one, &two}, o);
    w->serve_bytes(
        "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 23\r\n\r\n"
        "{\"password\":\"123456\"}\r\n");
    return w;
  }();
  return *s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string out =
      server().serve_bytes(std::string_view(reinterpret_cast<const char*>(data), size));
  if (out.find("HTTP/1.1 500 ") != std::string::npos) std::abort();
  return 0;
}
