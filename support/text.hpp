// Small text helpers shared by the simulator and the host (profile files, scenario conditions,
// logged-pack CSV). Not for core/: the core parses no text.
#pragma once

#include <string>
#include <string_view>

namespace softbms::support {

// s without leading and trailing spaces, tabs, carriage returns and line feeds.
std::string_view trim(std::string_view s);

// A whole field as a finite decimal number ("3.2", "+1e3", "-0.5"); an optional leading '+'.
// False for anything else (empty, trailing text, "nan", "inf", out of double's range); out is
// then left as it was.
bool parse_number(std::string_view s, double& out);

// Outside text for a terminal (a board's model or name, a BLE advertisement, a server's error):
// printable ASCII as it is, every other byte as \xNN, so no escape sequence (a title, the
// clipboard, a cleared screen) reaches the terminal from a wire, a radio or a LAN host.
std::string printable(std::string_view s);

// v with `decimals` digits after the point ("3.650"); with `sign` a '+' before a positive value.
std::string fixed(double v, int decimals, bool sign = false);

}  // namespace softbms::support
