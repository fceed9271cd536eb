#include "host/web/request_gate.hpp"

#include <charconv>

namespace softbms::host::web {
namespace {

std::optional<Refusal> body_refusal(const RequestHead& head) {
  if (head.transfer_encoding) {
    return Refusal{411, "send the body with Content-Length (at most " + std::to_string(kMaxBody) +
                            " bytes); Transfer-Encoding is not accepted"};
  }
  if (!head.content_length) return std::nullopt;
  const std::string_view text = *head.content_length;
  uint64_t length = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
  if (ec != std::errc() || ptr != text.data() + text.size())
    return Refusal{400, "a malformed Content-Length"};
  if (length > kMaxBody)
    return Refusal{413, "the body is over " + std::to_string(kMaxBody) + " bytes"};
  return std::nullopt;
}

}  // namespace

bool is_write(std::string_view method) {
  return method != "GET" && method != "HEAD";
}

std::optional<Refusal> gate(const RequestHead& head, const HostPolicy& policy) {
  if (is_write(head.method)) {
    if (auto why = host_refusal(head.host.value_or(""), head.local_addr, policy))
      return Refusal{403, *why};
  }
  if (head.origin && (is_write(head.method) || head.path.rfind("/api/", 0) == 0)) {
    if (auto why = origin_refusal(*head.origin, head.host.value_or(""), policy))
      return Refusal{403, *why};
  }
  if (is_write(head.method)) return body_refusal(head);
  return std::nullopt;
}

}  // namespace softbms::host::web
