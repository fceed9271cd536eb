// Pylontech RS485 ASCII framing (V3.3 / V3.5): ~ VER ADR CID1 CID2 LENGTH INFO CHKSUM \r, every
// field hex ASCII, big-endian. LENGTH = LCHKSUM nibble + 12-bit LENID (INFO chars); CHKSUM =
// two's complement of the sum of every char between ~ and CHKSUM.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/base/status.hpp"

namespace softbms::protocols::inverter {

// RTN codes of a response (CID2 position). A parse error carries one in Status::detail().
enum class Rtn : uint8_t {
  normal = 0x00,
  ver_error = 0x01,
  chksum_error = 0x02,
  lchksum_error = 0x03,
  cid2_invalid = 0x04,
  command_format = 0x05,
  invalid_data = 0x06,
  adr_error = 0x90,
  internal_comm = 0x91,
};

inline constexpr uint8_t kPylonCid1 = 0x46;        // battery data
inline constexpr std::size_t kPylonMaxInfo = 512;  // bytes; a 3-module 0x42 reply needs 161

struct PylonFrame {
  uint8_t ver = 0x20;
  uint8_t adr = 0x02;
  uint8_t cid1 = kPylonCid1;
  uint8_t cid2 = 0;  // command in a request, RTN in a response
  uint16_t info_size = 0;
  std::array<uint8_t, kPylonMaxInfo> info{};
  [[nodiscard]] std::span<const uint8_t> info_bytes() const { return {info.data(), info_size}; }
};

uint16_t pylon_chksum(std::string_view between_soi_and_chksum);
uint8_t pylon_lchksum(uint16_t lenid);

// Errors: Errc::corrupt with detail chksum_error / lchksum_error; Errc::bad_value with detail
// command_format (no ~ or \r, odd or wrong length, not hex); Errc::no_space (INFO too long).
Result<PylonFrame> parse_pylon(std::string_view text);
// Writes ~...\r; returns its length.
Result<std::size_t> build_pylon(const PylonFrame& f, std::span<char> out);
// The ADR of something that starts like a frame, even if the rest is damaged (to decide
// whether a damaged request was meant for us).
std::optional<uint8_t> peek_pylon_address(std::string_view text);

inline Status rtn_error(Errc code, Rtn rtn) {
  return Status(code, static_cast<uint16_t>(rtn));
}

}  // namespace softbms::protocols::inverter
