#include "host/state/state_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/store/layout.hpp"

namespace softbms::host {
namespace {

Done make_dirs(const std::string& path) {
  for (std::size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    const std::string part = path.substr(0, pos);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
      return system_error("create " + part, errno);
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return system_error("state dir " + path, errno);
  if (!S_ISDIR(st.st_mode))
    return make_error(Errc::bad_value, "state dir", "state dir " + path + " is not a directory");
  return {};
}

// The holder's pid from DIR/lock, for the message: digits only. Anything else in the file (it is
// outside input, and the message goes to a terminal) gives no pid rather than its bytes.
std::string read_pid(int fd) {
  std::array<char, 16> buf{};
  const ssize_t n = ::pread(fd, buf.data(), buf.size() - 1, 0);
  if (n <= 0) return {};
  std::string s(buf.data(), static_cast<std::size_t>(n));
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  const bool digits = !s.empty() && s.size() <= 10 &&
                      std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  return digits ? s : std::string();
}

void write_pid(int fd) {
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] const ssize_t n = ::pwrite(fd, pid.data(), pid.size(), 0);
  }
}

Status io_status(int err) {
  return Status(Errc::bad_state, static_cast<uint16_t>(err));
}

}  // namespace

Expected<std::string> default_state_dir(std::string_view name) {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/softbms/" + std::string(name);
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/')
    return std::string(home) + "/.local/state/softbms/" + std::string(name);
  return make_error(Errc::not_found, "state dir",
                    "neither XDG_STATE_HOME nor HOME is set: give --state-dir DIR");
}

Expected<StateDir> StateDir::open(const std::string& path) {
  if (path.empty()) return make_error(Errc::bad_value, "state dir", "the state dir path is empty");
  if (Done d = make_dirs(path); !d) return d.error();
  // The lock is on the directory itself, not on a file in it: a file can be deleted and a new
  // one locked beside the old, a directory in use cannot be swapped under the same name
  // without removing the store in it. Held for the life of this object; the kernel drops it
  // when the process dies.
  UniqueFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return system_error("open " + path, errno);
  const std::string pid_path = path + "/lock";
  if (::flock(dir.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return system_error("lock " + path, errno);
    UniqueFd pid_file(::open(pid_path.c_str(), O_RDONLY | O_CLOEXEC));
    const std::string holder = pid_file.valid() ? read_pid(pid_file.get()) : std::string();
    return make_error(Errc::bad_state, "state dir",
                      "state dir " + path + " is in use by another softbms run" +
                          (holder.empty() ? std::string() : " (pid " + holder + ")") +
                          ": stop it or give another --state-dir");
  }
  // DIR/lock only says who holds the lock (for the message above); deleting it unlocks nothing.
  UniqueFd pid_file(::open(pid_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (pid_file.valid()) write_pid(pid_file.get());
  return StateDir(path, std::move(dir));
}

Done sync_directory(const std::string& path) {
  UniqueFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return system_error("open " + path, errno);
  if (::fsync(dir.get()) != 0) return system_error("fsync " + path, errno);
  return {};
}

Expected<std::unique_ptr<FileMedium>> FileMedium::open(const std::string& path) {
  const bool created = ::access(path.c_str(), F_OK) != 0;
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid()) return system_error("open " + path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return system_error("stat " + path, errno);
  const auto have = static_cast<std::size_t>(st.st_size);
  if (have > core::kStoreSize) {
    return make_error(Errc::corrupt, "store",
                      "store " + path + " has " + std::to_string(have) + " bytes, more than the " +
                          std::to_string(core::kStoreSize) + " a store holds: not a softbms store");
  }
  std::unique_ptr<FileMedium> m(new FileMedium(std::move(fd), core::kStoreSize));
  m->found_bytes_ = have;
  m->created_ = created;
  if (have < core::kStoreSize) {
    const std::vector<uint8_t> erased(core::kStoreSize - have, core::kErasedByte);
    if (Status s = m->put(have, erased); !s.ok()) {
      return system_error("initialise " + path, s.detail());
    }
  }
  // The file's name and size reach the disk before anything is saved in it: a write later
  // only changes its bytes (fdatasync each time), so the directory needs no sync after this.
  const std::size_t slash = path.rfind('/');
  if (Done d =
          sync_directory(slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash));
      !d)
    return d.error();
  return m;
}

Status FileMedium::read(std::size_t offset, std::span<uint8_t> out) {
  if (!in_range(offset, out.size())) return Errc::out_of_range;
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n =
        ::pread(fd_.get(), out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_status(errno);
    if (n == 0) return Errc::out_of_range;
    done += static_cast<std::size_t>(n);
  }
  return ok_status();
}

Status FileMedium::put(std::size_t offset, std::span<const uint8_t> data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::pwrite(fd_.get(), data.data() + done, data.size() - done,
                               static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ++failures_;
      return io_status(n < 0 ? errno : EIO);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fdatasync(fd_.get()) != 0) {
    ++failures_;
    return io_status(errno);
  }
  return ok_status();
}

Status FileMedium::write(std::size_t offset, std::span<const uint8_t> data) {
  if (!in_range(offset, data.size())) return Errc::out_of_range;
  return put(offset, data);
}

Status FileMedium::erase(std::size_t offset, std::size_t length) {
  if (!in_range(offset, length)) return Errc::out_of_range;
  if (offset % kEraseUnit != 0 || length % kEraseUnit != 0) return Errc::bad_value;
  const std::vector<uint8_t> erased(length, core::kErasedByte);
  return put(offset, erased);
}

Done fill_entropy(std::span<uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return system_error("getrandom", errno);
    done += static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace softbms::host
