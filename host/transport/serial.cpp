#include "host/transport/serial.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <iterator>

namespace softbms::host {

namespace {

struct BaudRow {
  int baud;
  speed_t code;
};
constexpr BaudRow kBauds[] = {
    {9600, B9600},     {19200, B19200},   {38400, B38400},   {57600, B57600},   {115200, B115200},
    {230400, B230400}, {460800, B460800}, {500000, B500000}, {576000, B576000}, {921600, B921600}};
constexpr auto kBaudValues = [] {
  std::array<int, std::size(kBauds)> values{};
  for (size_t i = 0; i < values.size(); ++i) values[i] = kBauds[i].baud;
  return values;
}();

constexpr tcflag_t kDataBits[] = {CS5, CS6, CS7, CS8};

speed_t baud_code(int baud) {
  for (const auto& row : kBauds) {
    if (row.baud == baud) return row.code;
  }
  return B0;
}

Done check_options(const SerialOptions& o) {
  if (!is_supported_baud(o.baud)) {
    return make_error(
        Errc::out_of_range, "baud",
        "baud " + std::to_string(o.baud) + " is not one of " + supported_bauds_text());
  }
  if (o.data_bits < 5 || o.data_bits > 8) {
    return make_error(Errc::out_of_range, "data bits", "data bits must be 5..8");
  }
  if (o.stop_bits != 1 && o.stop_bits != 2) {
    return make_error(Errc::out_of_range, "stop bits", "stop bits must be 1 or 2");
  }
  return {};
}

Done set_line(int fd, const std::string& path, const SerialOptions& o) {
  termios t{};
  if (::tcgetattr(fd, &t) != 0) return system_error("tcgetattr " + path, errno);
  apply_line_settings(o, t);
  if (::tcsetattr(fd, TCSANOW, &t) != 0) return system_error("tcsetattr " + path, errno);
  return {};
}

}  // namespace

void apply_line_settings(const SerialOptions& o, termios& t) {
  ::cfmakeraw(&t);
  t.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
  t.c_cflag |= kDataBits[o.data_bits - 5] | CLOCAL | CREAD;
  if (o.parity != Parity::none) t.c_cflag |= PARENB;
  if (o.parity == Parity::odd) t.c_cflag |= PARODD;
  if (o.stop_bits == 2) t.c_cflag |= CSTOPB;
  t.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  // Non-blocking reads come from O_NONBLOCK; timeouts are the caller's (poll), not VTIME.
  t.c_cc[VMIN] = 0;
  t.c_cc[VTIME] = 0;
  ::cfsetispeed(&t, baud_code(o.baud));
  ::cfsetospeed(&t, baud_code(o.baud));
}

std::span<const int> supported_bauds() {
  return kBaudValues;
}

bool is_supported_baud(int baud) {
  return baud_code(baud) != B0;
}

std::string supported_bauds_text() {
  std::string s;
  for (int b : kBaudValues) s += (s.empty() ? "" : ", ") + std::to_string(b);
  return s;
}

Expected<std::unique_ptr<SerialTransport>> SerialTransport::open(const std::string& path,
                                                                 SerialOptions options) {
  if (Done d = check_options(options); !d) return d.error();
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return system_error("open " + path, errno);
  if (!::isatty(fd.get())) {
    return make_error(Errc::bad_value, "device", path + " is not a serial device");
  }
  if (options.exclusive && ::ioctl(fd.get(), TIOCEXCL) != 0) {
    return system_error("TIOCEXCL " + path, errno);
  }
  if (Done d = set_line(fd.get(), path, options); !d) return d.error();
  ::tcflush(fd.get(), TCIOFLUSH);
  return std::unique_ptr<SerialTransport>(new SerialTransport(std::move(fd), path, options));
}

std::string SerialTransport::describe() const {
  constexpr char kParity[] = {'N', 'E', 'O'};
  return "serial " + path_ + " " + std::to_string(options_.baud) + " " +
         std::to_string(options_.data_bits) + kParity[static_cast<int>(options_.parity)] +
         std::to_string(options_.stop_bits);
}

}  // namespace softbms::host
