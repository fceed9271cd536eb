#include "host/transport/pty.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

namespace softbms::host {

namespace {

Expected<UniqueFd> open_master() {
  UniqueFd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master.valid()) return system_error("posix_openpt", errno);
  if (::grantpt(master.get()) != 0) return system_error("grantpt", errno);
  if (::unlockpt(master.get()) != 0) return system_error("unlockpt", errno);
  if (!make_nonblocking(master.get())) return system_error("fcntl O_NONBLOCK", errno);
  return master;
}

// Raw 8-bit bytes in both directions: no echo, no line editing, no CR/LF translation, so
// binary frames pass unchanged. Set on the device side, which is what a client inherits.
Done make_raw(int fd) {
  termios t{};
  if (::tcgetattr(fd, &t) != 0) return system_error("tcgetattr", errno);
  ::cfmakeraw(&t);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  ::cfsetispeed(&t, B115200);
  ::cfsetospeed(&t, B115200);
  if (::tcsetattr(fd, TCSANOW, &t) != 0) return system_error("tcsetattr", errno);
  return {};
}

std::string link_target(const std::string& link) {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// Atomic replace: a client never finds the path missing or half made.
Done make_link(const std::string& target, const std::string& link) {
  struct stat st {};
  if (::lstat(link.c_str(), &st) == 0 && !S_ISLNK(st.st_mode)) {
    return make_error(Errc::bad_state, "link",
                      "link " + link + ": a file that is not a symlink is there; not replacing it");
  }
  const std::string tmp = link + ".tmp" + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  if (::symlink(target.c_str(), tmp.c_str()) != 0) return system_error("link " + link, errno);
  if (::rename(tmp.c_str(), link.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return system_error("link " + link, err);
  }
  return {};
}

}  // namespace

Expected<std::unique_ptr<PtyTransport>> PtyTransport::open(std::string link_path) {
  auto master = open_master();
  if (!master) return master.error();
  char name[64];
  if (::ptsname_r(master->get(), name, sizeof name) != 0) return system_error("ptsname", errno);
  std::string device(name);
  UniqueFd keeper(::open(name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (!keeper.valid()) return system_error("open " + device, errno);
  if (Done d = make_raw(keeper.get()); !d) return d.error();
  if (!link_path.empty()) {
    if (Done d = make_link(device, link_path); !d) return d.error();
  }
  return std::unique_ptr<PtyTransport>(new PtyTransport(
      std::move(master).value(), std::move(keeper), std::move(device), std::move(link_path)));
}

PtyTransport::PtyTransport(UniqueFd master, UniqueFd keeper, std::string device, std::string link)
    : FdTransport(std::move(master), "pty " + (link.empty() ? device : link)),
      keeper_(std::move(keeper)),
      device_path_(std::move(device)),
      link_path_(std::move(link)) {}

PtyTransport::~PtyTransport() {
  remove_link();
}

std::string PtyTransport::describe() const {
  return link_path_.empty() ? "pty " + device_path_ : "pty " + link_path_ + " -> " + device_path_;
}

void PtyTransport::remove_link() {
  // Another process may have taken the path over since; its link is not ours to remove.
  if (!link_path_.empty() && link_target(link_path_) == device_path_) ::unlink(link_path_.c_str());
  link_path_.clear();
}

void PtyTransport::close() {
  remove_link();
  keeper_.reset();
  FdTransport::close();
}

void PtyTransport::discard_unread_output() {
  if (keeper_.valid()) ::tcflush(keeper_.get(), TCIFLUSH);
}

}  // namespace softbms::host
