// SLCAN (Lawicel ASCII) as pure text <-> frame functions: `t<id:3><dlc><data>\r` (11-bit),
// `T<id:8><dlc><data>\r` (29-bit), `r`/`R` remote frames, and the adapter commands O (open),
// C (close), L (listen only), S0..S8 (bitrate), V/N/F (version, serial, status). An adapter
// answers \r for OK and \a (BEL) for an error; a transmitted frame is acknowledged with z\r /
// Z\r. The serial side lives in the host.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/base/status.hpp"
#include "protocols/inverter/can_frame.hpp"

namespace softbms::protocols::inverter {

enum class SlcanKind : uint8_t {
  frame,
  remote_frame,
  open,
  close,
  listen_only,
  bitrate,
  version,
  serial,
  status
};

struct SlcanMessage {
  SlcanKind kind = SlcanKind::frame;
  CanFrame frame{};      // frame, remote_frame
  uint32_t bitrate = 0;  // bitrate: bit/s
  bool operator==(const SlcanMessage&) const = default;
};

// Longest line: T + 8 id + 1 dlc + 16 data + \r.
inline constexpr std::size_t kSlcanMaxLine = 27;

// Parses one line (with or without its trailing \r). Errors: bad_value (bad hex, bad length,
// DLC > 8, id out of range), unknown_field (unknown command letter or bitrate code).
Result<SlcanMessage> slcan_decode(std::string_view line);
// Writes the frame as a line ending in \r; returns its length.
Result<std::size_t> slcan_encode(const CanFrame& f, std::span<char> out);
// What an adapter answers to a message it received (or to a parse failure).
std::string_view slcan_reply(const Result<SlcanMessage>& m);
// S0..S8 -> bit/s; 0 for anything else.
uint32_t slcan_bitrate(char code);

// Collects bytes from a stream into lines. A line longer than kSlcanMaxLine is dropped whole
// (counted), so a noisy port cannot desynchronise the reader for more than one line.
class SlcanLineReader {
 public:
  // Returns a complete line (without \r) when `c` ended one, else an empty view.
  std::string_view push(char c);
  [[nodiscard]] uint32_t dropped() const { return dropped_; }

 private:
  std::array<char, kSlcanMaxLine + 1> buf_{};
  std::array<char, kSlcanMaxLine + 1> line_{};
  std::size_t size_ = 0;
  bool overflow_ = false;
  uint32_t dropped_ = 0;
};

}  // namespace softbms::protocols::inverter
