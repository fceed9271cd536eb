// Which names a request may call this server by (the Host header) and which pages may send it
// logins and writes (the Origin header): the defence against DNS rebinding and cross-site
// writes (docs/security.md). Pure functions of the header text, so they are unit tested and
// fuzzed without a socket.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace softbms::host::web {

// What --allowed-host adds to the names this server answers to (compared case-insensitively).
struct HostPolicy {
  std::vector<std::string> allowed_hosts;
};

// "name", "name:port", "[::1]", "[::1]:port" -> lowercased host (brackets kept) and port, the
// port being default_port when none is given. nullopt for anything else.
struct Authority {
  std::string host;
  int port = 0;
};
std::optional<Authority> parse_authority(std::string_view text, int default_port);

// A name --allowed-host accepts: letters, digits, '.', '-' (no port, no scheme).
bool valid_host_name(std::string_view name);

// Why this Host may not log in or write; nullopt when it names a loopback address or
// "localhost", the address the connection arrived on (local_addr, as the socket reports it),
// or an allowed host. A name that rebinds to this machine is none of these.
std::optional<std::string> host_refusal(std::string_view host_header, std::string_view local_addr,
                                        const HostPolicy& policy);

// Why this Origin may not log in or write; nullopt when it has the same scheme, host and port
// as the Host the request was sent to (scheme http; https too for an allowed host, which is how
// a TLS proxy in front of softbms reaches it). "null" and anything malformed are refused.
std::optional<std::string> origin_refusal(std::string_view origin, std::string_view host_header,
                                          const HostPolicy& policy);

}  // namespace softbms::host::web
