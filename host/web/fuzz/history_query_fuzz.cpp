// The query of GET /api/packs/{id}/history (history_query.hpp) on arbitrary bytes, decoded the
// way httplib decodes a query string.
#include <httplib.h>

#include "host/web/fuzz/body_fuzz.hpp"
#include "host/web/history_query.hpp"

using namespace softbms::host::web;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  httplib::Params params;
  httplib::detail::parse_query_text(std::string(reinterpret_cast<const char*>(data), size), params);
  fuzz::check(parse_history_query(params, 1'750'000'000'000));
  return 0;
}
