// Two connected byte streams in one process (a socketpair): an RS485 line without hardware.
// Whatever one end writes the other reads, byte for byte, as on a serial cable.
#pragma once

#include <memory>
#include <utility>

#include "host/transport/transport.hpp"

namespace softbms::host {

struct StreamPair {
  std::unique_ptr<Transport> a;
  std::unique_ptr<Transport> b;
};
Expected<StreamPair> make_stream_pair(const std::string& name);

}  // namespace softbms::host
