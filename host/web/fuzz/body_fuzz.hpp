// What every JSON body fuzz target does: the bytes as a body, then one parser of the API on
// it. A parser that throws or reads out of bounds is the crash libFuzzer reports; the error's
// JSON is dumped too, since that is what the client gets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "host/web/request_body.hpp"

namespace softbms::host::web::fuzz {

template <typename Parse>
void body(const uint8_t* data, std::size_t size, Parse parse) {
  const auto parsed = parse_object(std::string_view(reinterpret_cast<const char*>(data), size));
  if (const RequestError* e = failed(parsed)) {
    static_cast<void>(to_json(*e).dump());
    return;
  }
  parse(std::get<nlohmann::json>(parsed));
}

template <typename T>
void check(const Parsed<T>& p) {
  if (const RequestError* e = failed(p)) static_cast<void>(to_json(*e).dump());
}

}  // namespace softbms::host::web::fuzz
