// The checks a request passes before its body is read: who may log in and write (Host and
// Origin, host_check.hpp), and how a body may arrive (Content-Length within kMaxBody; chunked
// bodies are refused, because Debian's cpp-httplib 0.11 reads them whole whatever the payload
// limit). Reads only have their Origin checked here; their Host rule lives with the open-read
// rule in server.cpp. A pure function of the request head, so it is unit tested and fuzzed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "host/web/host_check.hpp"

namespace softbms::host::web {

inline constexpr std::size_t kMaxBody = std::size_t{64} * 1024;

// What the gate looks at: the request line and headers, as httplib read them.
struct RequestHead {
  std::string_view method;
  std::string_view path;
  std::optional<std::string_view> host;
  std::optional<std::string_view> origin;
  std::optional<std::string_view> content_length;
  std::optional<std::string_view> transfer_encoding;
  std::string_view local_addr;  // the address the connection arrived on
};

struct Refusal {
  int status = 403;
  std::string message;  // for the answer's {"error"} and the write log
};

// GET and HEAD read; every other method writes (login and logout included).
bool is_write(std::string_view method);

// nullopt: go on and read the body.
std::optional<Refusal> gate(const RequestHead& head, const HostPolicy& policy);

}  // namespace softbms::host::web
