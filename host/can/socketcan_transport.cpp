#include "host/can/socketcan_transport.hpp"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace softbms::host {

struct can_frame to_linux(const CanFrame& f) {
  struct can_frame k {};
  k.can_id = f.extended ? ((f.id & CAN_EFF_MASK) | CAN_EFF_FLAG) : (f.id & CAN_SFF_MASK);
  k.can_dlc = f.dlc > 8 ? 8 : f.dlc;
  std::memcpy(k.data, f.data.data(), k.can_dlc);
  return k;
}

Result<CanFrame> from_linux(const struct can_frame& k) {
  if ((k.can_id & (CAN_RTR_FLAG | CAN_ERR_FLAG)) != 0 || k.can_dlc > 8) {
    return Status(Errc::bad_value, k.can_dlc);
  }
  CanFrame f;
  f.extended = (k.can_id & CAN_EFF_FLAG) != 0;
  f.id = k.can_id & (f.extended ? CAN_EFF_MASK : CAN_SFF_MASK);
  f.dlc = k.can_dlc;
  std::memcpy(f.data.data(), k.data, f.dlc);
  return f;
}

Expected<std::unique_ptr<SocketCanTransport>> SocketCanTransport::open(
    const std::string& interface) {
  if (interface.empty() || interface.size() >= IFNAMSIZ) {
    return make_error(Errc::bad_value, "interface",
                      "socketcan: interface name '" + interface + "' must have 1 to 15 characters");
  }
  UniqueFd fd(::socket(PF_CAN, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, CAN_RAW));
  if (!fd.valid()) return system_error("socket(PF_CAN)", errno);
  struct ifreq ifr {};
  std::memcpy(ifr.ifr_name, interface.c_str(), interface.size());
  if (::ioctl(fd.get(), SIOCGIFINDEX, &ifr) < 0) {
    if (errno == ENODEV) {
      return make_error(Errc::not_found, "interface",
                        "socketcan: no CAN interface '" + interface +
                            "' (to try without hardware: modprobe vcan; ip link add dev " +
                            interface + " type vcan; ip link set up " + interface + ")");
    }
    return system_error("socketcan " + interface, errno);
  }
  struct sockaddr_can addr {};
  addr.can_family = AF_CAN;
  addr.can_ifindex = ifr.ifr_ifindex;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
    return system_error("bind socketcan " + interface, errno);
  }
  return std::unique_ptr<SocketCanTransport>(new SocketCanTransport(std::move(fd), interface));
}

Expected<bool> SocketCanTransport::send(const CanFrame& f) {
  const struct can_frame k = to_linux(f);
  for (;;) {
    const ssize_t n = ::write(fd_.get(), &k, sizeof k);
    if (n == static_cast<ssize_t>(sizeof k)) {
      ++counters_.sent;
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    ++counters_.dropped;
    // ENOBUFS: the interface queue is full (no one acknowledges on the bus); drop, keep going.
    if (n < 0 && (errno == EAGAIN || errno == ENOBUFS)) return false;
    return system_error("write " + describe(), n < 0 ? errno : EIO);
  }
}

Expected<size_t> SocketCanTransport::receive(const FrameSink& sink) {
  size_t frames = 0;
  for (;;) {
    struct can_frame k {};
    const ssize_t n = ::read(fd_.get(), &k, sizeof k);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return frames;
    if (n < 0) return system_error("read " + describe(), errno);
    if (n != static_cast<ssize_t>(sizeof k)) {
      ++counters_.bad_input;
      continue;
    }
    const auto f = from_linux(k);
    if (!f.ok()) {
      ++counters_.bad_input;
      continue;
    }
    ++frames;
    ++counters_.received;
    sink(f.value());
  }
}

}  // namespace softbms::host
