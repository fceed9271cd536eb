#include "host/parallel/stream_pair.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace softbms::host {
namespace {

class SocketEnd : public FdTransport {
 public:
  SocketEnd(UniqueFd fd, std::string name) : FdTransport(std::move(fd), std::move(name)) {}
  [[nodiscard]] std::string describe() const override { return name(); }
};

}  // namespace

Expected<StreamPair> make_stream_pair(const std::string& name) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
    return system_error("socketpair for " + name, errno);
  }
  return StreamPair{std::make_unique<SocketEnd>(UniqueFd(fds[0]), name + " (master end)"),
                    std::make_unique<SocketEnd>(UniqueFd(fds[1]), name + " (slave end)")};
}

}  // namespace softbms::host
