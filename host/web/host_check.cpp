#include "host/web/host_check.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "host/web/bind_policy.hpp"

namespace softbms::host::web {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool ipv6_literal(std::string_view s) {
  return s.size() > 2 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
           return std::isxdigit(c) != 0 || c == ':' || c == '.';
         });
}

std::optional<int> port_of(std::string_view text) {
  int port = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || ptr != text.data() + text.size() || port < 1 || port > 65535)
    return std::nullopt;
  return port;
}

bool allowed_name(const std::string& host, const HostPolicy& policy) {
  return std::any_of(policy.allowed_hosts.begin(), policy.allowed_hosts.end(),
                     [&](const std::string& a) { return lower(a) == host; });
}

// The connection's own address, in the forms a Host header can carry it.
bool is_local_address(std::string_view host, std::string_view local_addr) {
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  if (local_addr.empty()) return false;
  const std::string local = lower(local_addr);
  constexpr std::string_view kMapped = "::ffff:";
  return host == local || (local.rfind(kMapped, 0) == 0 && host == local.substr(kMapped.size()));
}

int default_port(std::string_view scheme) {
  return scheme == "https" ? 443 : 80;
}

}  // namespace

bool valid_host_name(std::string_view name) {
  return !name.empty() && name.size() <= 253 &&
         std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0 || c == '.' || c == '-'; });
}

std::optional<Authority> parse_authority(std::string_view text, int default_port_number) {
  std::string_view host = text;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || !ipv6_literal(text.substr(1, close - 1)))
      return std::nullopt;
    host = text.substr(0, close + 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const std::size_t colon = text.find(':');
    if (colon != std::string_view::npos) {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
    }
    if (!valid_host_name(host)) return std::nullopt;
  }
  Authority a{lower(host), default_port_number};
  if (host.size() < text.size()) {
    const auto p = port_of(port);
    if (!p) return std::nullopt;
    a.port = *p;
  }
  return a;
}

std::optional<std::string> host_refusal(std::string_view host_header, std::string_view local_addr,
                                        const HostPolicy& policy) {
  const auto a = parse_authority(host_header, 80);
  if (!a) return "a missing or malformed Host header";
  if (is_loopback(a->host) || is_local_address(a->host, local_addr) ||
      allowed_name(a->host, policy))
    return std::nullopt;
  return "Host " + a->host +
         " is not an address of this server (a page that rebinds its name here; start softbms "
         "with --allowed-host " +
         a->host + " if this is a name of yours)";
}

std::optional<std::string> origin_refusal(std::string_view origin, std::string_view host_header,
                                          const HostPolicy& policy) {
  const std::size_t sep = origin.find("://");
  if (sep == std::string_view::npos)
    return "Origin " + std::string(origin) + " is not a page of this server";
  const std::string scheme = lower(origin.substr(0, sep));
  const auto from = parse_authority(origin.substr(sep + 3), default_port(scheme));
  const auto to = parse_authority(host_header, default_port(scheme));
  const bool scheme_ok =
      scheme == "http" || (scheme == "https" && from && allowed_name(from->host, policy));
  if (!from || !to || !scheme_ok || from->host != to->host || from->port != to->port)
    return "Origin " + std::string(origin) + " is not a page of this server";
  return std::nullopt;
}

}  // namespace softbms::host::web
