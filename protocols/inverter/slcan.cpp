#include "protocols/inverter/slcan.hpp"

#include "protocols/inverter/ascii_hex.hpp"

#include <optional>

namespace softbms::protocols::inverter {
namespace {

constexpr std::array<uint32_t, 9> kBitrates = {10'000,  20'000,  50'000,  100'000,  125'000,
                                               250'000, 500'000, 800'000, 1'000'000};


Result<SlcanMessage> frame_line(std::string_view line, bool extended, bool remote) {
  const std::size_t id_len = extended ? 8 : 3;
  if (line.size() < 1 + id_len + 1)
    return Status(Errc::bad_value, static_cast<uint16_t>(line.size()));
  const auto id = parse_hex(line.substr(1, id_len));
  const auto dlc = parse_hex(line.substr(1 + id_len, 1));
  if (!id || !dlc) return Status(Errc::bad_value, 0, 1);
  if (*id > (extended ? kMaxExtendedId : kMaxStandardId) || *dlc > 8) {
    return Status(Errc::bad_value, 0, 2);
  }
  const std::string_view data = line.substr(2 + id_len);
  if (data.size() != (remote ? 0 : 2 * *dlc))
    return Status(Errc::bad_value, static_cast<uint16_t>(line.size()));
  SlcanMessage m;
  m.kind = remote ? SlcanKind::remote_frame : SlcanKind::frame;
  m.frame = make_frame(*id, static_cast<uint8_t>(*dlc));
  m.frame.extended = extended;
  for (std::size_t i = 0; i < data.size() / 2; ++i) {
    const auto b = parse_hex(data.substr(2 * i, 2));
    if (!b) return Status(Errc::bad_value, 0, 1);
    m.frame.data[i] = static_cast<uint8_t>(*b);
  }
  return m;
}

Result<SlcanMessage> command(SlcanKind kind, std::string_view line) {
  if (line.size() != 1) return Status(Errc::bad_value, static_cast<uint16_t>(line.size()));
  SlcanMessage m;
  m.kind = kind;
  return m;
}

}  // namespace

uint32_t slcan_bitrate(char code) {
  if (code < '0' || code > '8') return 0;
  return kBitrates[static_cast<std::size_t>(code - '0')];
}

Result<SlcanMessage> slcan_decode(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty() || line.size() > kSlcanMaxLine)
    return Status(Errc::bad_value, static_cast<uint16_t>(line.size()));
  switch (line[0]) {
    case 't':
      return frame_line(line, false, false);
    case 'T':
      return frame_line(line, true, false);
    case 'r':
      return frame_line(line, false, true);
    case 'R':
      return frame_line(line, true, true);
    case 'O':
      return command(SlcanKind::open, line);
    case 'C':
      return command(SlcanKind::close, line);
    case 'L':
      return command(SlcanKind::listen_only, line);
    case 'V':
      return command(SlcanKind::version, line);
    case 'N':
      return command(SlcanKind::serial, line);
    case 'F':
      return command(SlcanKind::status, line);
    case 'S': {
      if (line.size() != 2 || slcan_bitrate(line[1]) == 0) return Status(Errc::unknown_field, 'S');
      SlcanMessage m;
      m.kind = SlcanKind::bitrate;
      m.bitrate = slcan_bitrate(line[1]);
      return m;
    }
    default:
      return Status(Errc::unknown_field, static_cast<uint8_t>(line[0]));
  }
}

Result<std::size_t> slcan_encode(const CanFrame& f, std::span<char> out) {
  if (f.dlc > 8 || f.id > (f.extended ? kMaxExtendedId : kMaxStandardId)) {
    return Status(Errc::bad_value, f.dlc);
  }
  const std::size_t id_len = f.extended ? 8 : 3;
  const std::size_t need = 1 + id_len + 1 + 2 * std::size_t{f.dlc} + 1;
  if (out.size() < need) return Status(Errc::no_space, static_cast<uint16_t>(need));
  std::size_t n = 0;
  out[n++] = f.extended ? 'T' : 't';
  for (std::size_t i = id_len; i-- > 0;) out[n++] = kHexDigits[(f.id >> (4 * i)) & 0xF];
  out[n++] = kHexDigits[f.dlc];
  for (std::size_t i = 0; i < f.dlc; ++i) {
    out[n++] = kHexDigits[f.data[i] >> 4];
    out[n++] = kHexDigits[f.data[i] & 0xF];
  }
  out[n++] = '\r';
  return n;
}

std::string_view slcan_reply(const Result<SlcanMessage>& m) {
  if (!m.ok()) return "\a";
  switch (m.value().kind) {
    case SlcanKind::frame:
    case SlcanKind::remote_frame:
      return m.value().frame.extended ? "Z\r" : "z\r";
    case SlcanKind::version:
      return "V0101\r";
    case SlcanKind::serial:
      return "NSBMS\r";
    case SlcanKind::status:
      return "F00\r";
    default:
      return "\r";
  }
}

std::string_view SlcanLineReader::push(char c) {
  if (c == '\r' || c == '\n') {
    const bool had = size_ > 0 && !overflow_;
    if (overflow_) ++dropped_;
    const std::size_t n = size_;
    size_ = 0;
    overflow_ = false;
    if (!had) return {};
    line_ = buf_;
    return std::string_view(line_.data(), n);
  }
  if (size_ >= kSlcanMaxLine) {
    overflow_ = true;
    return {};
  }
  buf_[size_++] = c;
  return {};
}

}  // namespace softbms::protocols::inverter
