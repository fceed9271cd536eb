#include "host/endpoint/frame_assembler.hpp"

#include <algorithm>
#include <utility>

namespace softbms::host {

FrameAssembler::FrameAssembler(FrameRules rules, FrameHandler on_frame)
    : rules_(std::move(rules)), on_frame_(std::move(on_frame)) {}

void FrameAssembler::feed(std::span<const uint8_t> bytes, Milliseconds now) {
  if (bytes.empty()) return;
  on_time(now);
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
  last_byte_ = now;
  drain(false);
}

void FrameAssembler::on_time(Milliseconds now) {
  if (buf_.empty() || now - last_byte_ < rules_.inter_byte_timeout) return;
  drain(true);
  drop_front(buf_.size(), counters_.timed_out_bytes);
}

std::optional<Milliseconds> FrameAssembler::deadline() const {
  if (buf_.empty()) return std::nullopt;
  return last_byte_ + rules_.inter_byte_timeout;
}

size_t FrameAssembler::erase_front(size_t n) {
  n = std::min(n, buf_.size());
  buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

void FrameAssembler::drop_front(size_t n, uint64_t& counter) {
  counter += erase_front(n);
}

void FrameAssembler::drain(bool line_idle) {
  while (!buf_.empty()) {
    const FrameCheck c = rules_.sizer(buf_, line_idle);
    if (c.status == FrameStatus::complete && c.length > 0 && c.length <= buf_.size()) {
      ++counters_.frames;
      on_frame_(std::span<const uint8_t>(buf_.data(), c.length));
      erase_front(c.length);
      continue;
    }
    if (c.status == FrameStatus::garbage) {
      drop_front(std::max<size_t>(c.length, 1), counters_.garbage_bytes);
      continue;
    }
    if (c.status == FrameStatus::complete) {
      // A sizer that claims more (or fewer than 1) bytes than are here is wrong about this
      // start; skipping one byte is the only move that keeps the stream progressing.
      drop_front(1, counters_.garbage_bytes);
      continue;
    }
    if (buf_.size() > rules_.max_frame) {
      drop_front(1, counters_.overflow_bytes);
      continue;
    }
    return;
  }
}

Microseconds modbus_rtu_silence(int baud) {
  if (baud <= 0 || baud > 19200) return Microseconds(1750);
  // 3.5 characters * 11 bits * 1e6 us / baud, rounded up.
  return Microseconds((38'500'000 + baud - 1) / baud);
}

Milliseconds host_inter_byte_timeout(Microseconds protocol_silence, Milliseconds floor) {
  const Milliseconds ms((protocol_silence.count() + 999) / 1000);
  return std::max(ms, floor);
}

}  // namespace softbms::host
