// The state directory of one virtual device: the store file that holds its settings, counters
// and event log (the same two-slot format a microcontroller keeps in flash), and a lock so two
// processes never write the same store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/store/medium.hpp"
#include "host/loop/error.hpp"
#include "host/loop/unique_fd.hpp"

namespace softbms::host {

// $XDG_STATE_HOME/softbms/<name>, else $HOME/.local/state/softbms/<name>. Errc::not_found
// when neither variable is set (then the user must give --state-dir).
Expected<std::string> default_state_dir(std::string_view name);

// An owned, locked state directory. The lock is an flock on the directory itself, held while
// this object lives; the kernel drops it when the process dies, so a killed run never leaves it
// stale, and deleting DIR/lock (which only names the holder's pid) does not release it.
class StateDir {
 public:
  // Creates the directory (and its parents) when missing. A directory another process holds
  // is refused with Errc::bad_state, part "state dir", naming that process.
  static Expected<StateDir> open(const std::string& path);

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string file(std::string_view name) const {
    return path_ + "/" + std::string(name);
  }

 private:
  StateDir(std::string path, UniqueFd lock) : path_(std::move(path)), lock_(std::move(lock)) {}
  std::string path_;
  UniqueFd lock_;
};

// fsync of a directory: its entries (a new file's name) reach the disk.
Done sync_directory(const std::string& path);

// core::Medium over a file of core::kStoreSize bytes. A new file starts erased (0xFF), as new
// flash does; open() syncs the file and its directory. Every write and erase reaches the disk
// (fdatasync) before it returns, so the store's power-cut promise holds across a crash of the
// process or the machine, and a save that returned ok is durable.
class FileMedium final : public core::Medium {
 public:
  static constexpr std::size_t kEraseUnit = 4096;
  // A shorter file (a creation cut short) is padded with erased bytes; a longer one is refused.
  static Expected<std::unique_ptr<FileMedium>> open(const std::string& path);

  [[nodiscard]] std::size_t size() const override { return size_; }
  [[nodiscard]] std::size_t erase_unit() const override { return kEraseUnit; }
  Status read(std::size_t offset, std::span<uint8_t> out) override;
  Status write(std::size_t offset, std::span<const uint8_t> data) override;
  Status erase(std::size_t offset, std::size_t length) override;

  // Write failures seen (disk full, I/O error): the store reports them too, this is for status.
  [[nodiscard]] uint32_t failures() const { return failures_; }
  // The file's size when it was opened: kStoreSize normally, less when an existing file had been
  // cut short (its missing bytes now read erased, so what they held is lost).
  [[nodiscard]] std::size_t found_bytes() const { return found_bytes_; }
  [[nodiscard]] bool created() const { return created_; }

 private:
  FileMedium(UniqueFd fd, std::size_t size) : fd_(std::move(fd)), size_(size) {}
  [[nodiscard]] bool in_range(std::size_t offset, std::size_t length) const {
    return offset <= size_ && length <= size_ - offset;
  }
  Status put(std::size_t offset, std::span<const uint8_t> data);

  UniqueFd fd_;
  std::size_t size_;
  uint32_t failures_ = 0;
  std::size_t found_bytes_ = 0;
  bool created_ = false;
};

// Fills `out` from the kernel's random source (getrandom), for password salts.
Done fill_entropy(std::span<uint8_t> out);

}  // namespace softbms::host
