// Where the dashboard may listen. Reads are open only to this machine; a listener other
// machines can reach needs a settings password that is not the factory default, because
// 123456 is printed in every JK manual.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace softbms::host::web {

// 127.0.0.0/8, ::1 and "localhost" (with or without IPv6 brackets).
bool is_loopback(std::string_view address);

// The message to print and refuse with, or nullopt when the address may be used.
std::optional<std::string> bind_refusal(std::string_view address, bool default_password_in_use);

}  // namespace softbms::host::web
