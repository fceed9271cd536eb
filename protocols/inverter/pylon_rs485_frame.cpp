#include "protocols/inverter/pylon_rs485_frame.hpp"

#include "protocols/inverter/ascii_hex.hpp"

namespace softbms::protocols::inverter {
namespace {



void put_hex(std::span<char> out, std::size_t& n, uint32_t v, std::size_t digits) {
  for (std::size_t i = digits; i-- > 0;) out[n++] = kHexDigits[(v >> (4 * i)) & 0xF];
}

Status format_error() {
  return rtn_error(Errc::bad_value, Rtn::command_format);
}

// ~ + VER ADR CID1 CID2 (8) + LENGTH (4) + CHKSUM (4) + \r
constexpr std::size_t kOverhead = 1 + 8 + 4 + 4 + 1;

}  // namespace

uint16_t pylon_chksum(std::string_view body) {
  uint32_t sum = 0;
  for (char c : body) sum += static_cast<uint8_t>(c);
  return static_cast<uint16_t>((~sum + 1) & 0xFFFF);
}

uint8_t pylon_lchksum(uint16_t lenid) {
  const uint32_t sum = (lenid & 0xF) + ((lenid >> 4) & 0xF) + ((lenid >> 8) & 0xF);
  return static_cast<uint8_t>((~sum + 1) & 0xF);
}

std::optional<uint8_t> peek_pylon_address(std::string_view text) {
  if (text.size() < 5 || text[0] != '~') return std::nullopt;
  const auto adr = parse_hex(text.substr(3, 2));
  if (!adr) return std::nullopt;
  return static_cast<uint8_t>(*adr);
}

Result<PylonFrame> parse_pylon(std::string_view text) {
  if (text.size() < kOverhead || text.front() != '~' || text.back() != '\r') return format_error();
  const std::string_view body = text.substr(1, text.size() - 6);  // up to CHKSUM
  const auto chksum = parse_hex(text.substr(text.size() - 5, 4));
  const auto head = parse_hex(body.substr(0, 8));
  const auto length = parse_hex(body.substr(8, 4));
  if (!chksum || !head || !length) return format_error();
  if (*chksum != pylon_chksum(body)) return rtn_error(Errc::corrupt, Rtn::chksum_error);
  const auto lenid = static_cast<uint16_t>(*length & 0x0FFF);
  if ((*length >> 12) != pylon_lchksum(lenid)) return rtn_error(Errc::corrupt, Rtn::lchksum_error);
  const std::string_view info = body.substr(12);
  if (info.size() != lenid || lenid % 2 != 0) return format_error();
  if (lenid / 2 > kPylonMaxInfo) return rtn_error(Errc::no_space, Rtn::command_format);
  PylonFrame f;
  f.ver = static_cast<uint8_t>(*head >> 24);
  f.adr = static_cast<uint8_t>(*head >> 16);
  f.cid1 = static_cast<uint8_t>(*head >> 8);
  f.cid2 = static_cast<uint8_t>(*head);
  f.info_size = static_cast<uint16_t>(lenid / 2);
  for (std::size_t i = 0; i < f.info_size; ++i) {
    const auto b = parse_hex(info.substr(2 * i, 2));
    if (!b) return format_error();
    f.info[i] = static_cast<uint8_t>(*b);
  }
  return f;
}

Result<std::size_t> build_pylon(const PylonFrame& f, std::span<char> out) {
  if (f.info_size > kPylonMaxInfo) return Status(Errc::no_space, f.info_size);
  const std::size_t need = kOverhead + 2 * std::size_t{f.info_size};
  if (out.size() < need) return Status(Errc::no_space, static_cast<uint16_t>(need));
  std::size_t n = 0;
  out[n++] = '~';
  put_hex(out, n, f.ver, 2);
  put_hex(out, n, f.adr, 2);
  put_hex(out, n, f.cid1, 2);
  put_hex(out, n, f.cid2, 2);
  const auto lenid = static_cast<uint16_t>(2 * f.info_size);
  put_hex(out, n, (uint32_t{pylon_lchksum(lenid)} << 12) | lenid, 4);
  for (std::size_t i = 0; i < f.info_size; ++i) put_hex(out, n, f.info[i], 2);
  put_hex(out, n, pylon_chksum(std::string_view(out.data() + 1, n - 1)), 4);
  out[n++] = '\r';
  return n;
}

}  // namespace softbms::protocols::inverter
