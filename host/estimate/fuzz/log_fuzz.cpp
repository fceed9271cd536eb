// Any bytes as a log for `softbms estimate`: the parser must answer with rows or an error that
// names a line, and a parsed log must replay without a fault.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "host/estimate/log_replay.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace softbms::host::estimate;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ParseResult parsed = parse_log_csv(text, 2000);
  if (!parsed.log) {
    if (parsed.error.line == 0 && size > 0 && text.find('\n') != 0) __builtin_trap();
    return 0;
  }
  ReplayOptions o;
  o.cells = 4;
  (void)replay(*parsed.log, o);
  return 0;
}
