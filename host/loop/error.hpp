// Errors of the Linux runtime as values: what failed (the part of the input or the system
// call), the errno when the system said no, and a sentence for the user. Host code may use
// strings; the code (Errc) is the same one the core uses so callers can branch on it.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "core/base/status.hpp"

namespace softbms::host {

struct Error {
  Errc code = Errc::bad_state;
  std::string part;     // which part was wrong: "baud", "port", "open /dev/ttyUSB0", ...
  std::string message;  // complete sentence for the user, already names the part
  int sys_errno = 0;    // 0 when the error is not from a system call
};

// An error built from errno after a failed system call: "open /dev/ttyUSB0: No such file...".
Error system_error(std::string what, int err);
Error make_error(Errc code, std::string part, std::string message);

// A value, or the Error that explains why there is none. Move-only values (transports, file
// descriptors) are fine, which core::Result does not allow.
template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Expected(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design
  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Success or an Error.
template <>
class [[nodiscard]] Expected<void> {
 public:
  Expected() = default;
  Expected(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design
  [[nodiscard]] bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Done = Expected<void>;

}  // namespace softbms::host
