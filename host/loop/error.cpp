#include "host/loop/error.hpp"

#include <cstring>

namespace softbms::host {

namespace {
// errno values that say "the input named something wrong" rather than "the system failed".
Errc errc_from_errno(int err) {
  switch (err) {
    case ENOENT:
    case ENXIO:
    case ENODEV:
      return Errc::not_found;
    case EACCES:
    case EPERM:
      return Errc::not_authorized;
    case EBUSY:
    case EADDRINUSE:
      return Errc::locked;
    case EINVAL:
      return Errc::bad_value;
    default:
      return Errc::bad_state;
  }
}
}  // namespace

Error system_error(std::string what, int err) {
  Error e;
  e.code = errc_from_errno(err);
  e.message = what + ": " + std::strerror(err);
  e.part = std::move(what);
  e.sys_errno = err;
  return e;
}

Error make_error(Errc code, std::string part, std::string message) {
  return Error{code, std::move(part), std::move(message), 0};
}

}  // namespace softbms::host
