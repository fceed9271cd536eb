// The switch body of the web API (command_bodies.hpp) on arbitrary bytes.
#include "host/web/command_bodies.hpp"
#include "host/web/fuzz/body_fuzz.hpp"

using namespace softbms::host::web;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  fuzz::body(data, size, [](const nlohmann::json& j) { fuzz::check(parse_switch(j)); });
  return 0;
}
