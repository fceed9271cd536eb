// Opens the CAN transport an endpoint names: slcan:pty:PATH (we play the adapter, for
// python-can, slcand and tests), slcan:serial:DEV[:BAUD] (we drive a real SLCAN adapter), or
// socketcan:IFACE.
#pragma once

#include <memory>

#include "host/can/can_transport.hpp"
#include "host/endpoint/endpoint_spec.hpp"

namespace softbms::host {

// bitrate: the CAN bitrate an SLCAN adapter is set to in the host role (500 k for every
// protocol softbms speaks). A stream transport (pty:, serial:, tcp:) is refused.
Expected<std::unique_ptr<CanTransport>> open_can_transport(const TransportSpec& spec,
                                                           uint32_t bitrate = 500'000);

}  // namespace softbms::host
