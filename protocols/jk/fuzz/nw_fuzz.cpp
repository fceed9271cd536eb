// The 4E57 request parser and reply decoder on arbitrary bytes; a decoded reply encodes again.
#include "protocols/jk/nw_frame.hpp"

using namespace softbms::protocols::jk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  std::array<uint8_t, kNwMaxFrame> out{};
  const auto req = parse_nw_request(in);
  if (req.ok()) {
    static_cast<void>(nw_write_command(req.value()));
    static_cast<void>(encode_nw_write_reply(req.value(), out));
  }
  const softbms::core::Settings defaults;
  const auto reply = decode_nw_reply(in, defaults);
  if (reply.ok()) {
    const BmsView view{reply.value().snapshot, reply.value().settings, reply.value().info};
    static_cast<void>(encode_nw_read_all(view, 0x06, out));
  }
  return 0;
}
