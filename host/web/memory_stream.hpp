// A connection whose bytes come from memory and whose answers go to memory: the fuzzer and
// tests run the server's request loop through it without a socket. The same byte limit per
// request as ConnectionStream; no clock (the end of the input ends the connection).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "host/web/connection_stream.hpp"

namespace softbms::host::web {

class MemoryStream : public ServedStream {
 public:
  MemoryStream(std::string_view input, std::size_t request_bytes);

  [[nodiscard]] const std::string& output() const { return output_; }

  void begin_request() override { consumed_ = 0; }
  [[nodiscard]] Fault fault() const override { return fault_; }
  bool write_all(std::string_view bytes) override;

  bool is_readable() const override { return pos_ < input_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return -1; }

 private:
  std::string_view input_;
  std::size_t request_bytes_;
  std::size_t pos_ = 0;
  std::size_t consumed_ = 0;
  std::string output_;
  Fault fault_ = Fault::none;
};

}  // namespace softbms::host::web
