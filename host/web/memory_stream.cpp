#include "host/web/memory_stream.hpp"

#include <algorithm>
#include <cstring>

namespace softbms::host::web {

MemoryStream::MemoryStream(std::string_view input, std::size_t request_bytes)
    : input_(input), request_bytes_(request_bytes) {}

ssize_t MemoryStream::read(char* ptr, size_t size) {
  if (fault_ != Fault::none) return -1;
  if (pos_ == input_.size()) {
    fault_ = Fault::closed;
    return -1;
  }
  if (consumed_ >= request_bytes_) {
    fault_ = Fault::too_large;
    return -1;
  }
  const std::size_t n = std::min({size, input_.size() - pos_, request_bytes_ - consumed_});
  std::memcpy(ptr, input_.data() + pos_, n);
  pos_ += n;
  consumed_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t MemoryStream::write(const char* ptr, size_t size) {
  if (fault_ == Fault::too_large) return -1;
  output_.append(ptr, size);
  return static_cast<ssize_t>(size);
}

bool MemoryStream::write_all(std::string_view bytes) {
  output_.append(bytes);
  return true;
}

void MemoryStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = "127.0.0.1";
  port = 40000;
}

void MemoryStream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip = "127.0.0.1";
  port = 8080;
}

}  // namespace softbms::host::web
