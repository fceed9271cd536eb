#include "host/can/open_can.hpp"

#include "host/can/slcan_transport.hpp"
#include "host/can/socketcan_transport.hpp"
#include "host/transport/pty.hpp"
#include "host/transport/serial.hpp"

namespace softbms::host {
namespace {

template <typename T>
Expected<std::unique_ptr<CanTransport>> over(Expected<std::unique_ptr<T>> stream, SlcanOptions o) {
  if (!stream) return stream.error();
  auto t = SlcanTransport::open(std::move(stream).value(), o);
  if (!t) return t.error();
  return std::unique_ptr<CanTransport>(std::move(t).value());
}

}  // namespace

Expected<std::unique_ptr<CanTransport>> open_can_transport(const TransportSpec& spec,
                                                           uint32_t bitrate) {
  switch (spec.kind) {
    case TransportKind::slcan_pty:
      return over(PtyTransport::open(spec.path), {SlcanRole::adapter, bitrate});
    case TransportKind::slcan_serial: {
      SerialOptions so;
      if (spec.baud != 0) so.baud = spec.baud;
      return over(SerialTransport::open(spec.path, so), {SlcanRole::host, bitrate});
    }
    case TransportKind::socketcan: {
      auto t = SocketCanTransport::open(spec.interface);
      if (!t) return t.error();
      return std::unique_ptr<CanTransport>(std::move(t).value());
    }
    default:
      return make_error(Errc::bad_value, "transport",
                        std::string("CAN needs slcan:pty:, slcan:serial: or socketcan:, not ") +
                            std::string(transport_kind_name(spec.kind)));
  }
}

}  // namespace softbms::host
