// A pseudo-terminal that a client opens like a serial port, through a symlink the user names
// (/tmp/jkpb -> /dev/pts/7). Clients may open and close the other side as often as they like.
#pragma once

#include <memory>
#include <string>

#include "host/transport/transport.hpp"

namespace softbms::host {

class PtyTransport : public FdTransport {
 public:
  // Creates the pty in raw mode and, when `link_path` is not empty, a symlink to its device.
  // An existing symlink at that path is replaced (it is most often left over from a process
  // that was killed); any other file there is an error and is left alone.
  static Expected<std::unique_ptr<PtyTransport>> open(std::string link_path);
  ~PtyTransport() override;

  [[nodiscard]] std::string describe() const override;
  // Removes the symlink if it still points to this pty, then closes both sides.
  void close() override;
  // Drops reply bytes a client never read (it closed the port first), so the next client
  // does not receive them. Call before writing a reply to a new request.
  void discard_unread_output() override;

  [[nodiscard]] const std::string& device_path() const { return device_path_; }
  [[nodiscard]] const std::string& link_path() const { return link_path_; }

 private:
  PtyTransport(UniqueFd master, UniqueFd keeper, std::string device, std::string link);
  void remove_link();

  // Our own open of the device side. Without it the master reads EIO and polls POLLHUP
  // whenever no client has the port open, which would spin the loop between clients.
  UniqueFd keeper_;
  std::string device_path_;
  std::string link_path_;
};

}  // namespace softbms::host
