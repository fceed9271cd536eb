// Errors as values. A fallible call returns Status or Result<T>; nothing throws.
#pragma once

#include <cstdint>
#include <string_view>

namespace softbms {

enum class Errc : uint8_t {
  ok,
  out_of_range,     // a value outside its allowed range
  rule_violation,   // a cross-field rule (see settings Rule)
  unknown_field,    // no such parameter / register / command
  bad_value,        // malformed value (for example a non-alphanumeric device name)
  not_authorized,   // the caller's authority does not allow this
  wrong_password,
  locked,           // too many wrong passwords; try later
  corrupt,          // CRC or version mismatch in stored data
  not_found,        // nothing stored yet
  no_space,         // a buffer or a store is too small
  bad_state,        // not possible in the current state
};

constexpr std::string_view errc_name(Errc e) {
  constexpr std::string_view names[] = {
      "ok",         "out of range",   "rule violated", "unknown field",
      "bad value",  "not authorized", "wrong password", "locked",
      "corrupt",    "not found",      "no space",       "bad state"};
  return names[static_cast<uint8_t>(e)];
}

// A status: an error code and a detail (which field, which rule: meaning set by the caller).
class [[nodiscard]] Status {
 public:
  constexpr Status() = default;
  constexpr Status(Errc code, uint16_t detail = 0, uint16_t detail2 = 0)  // NOLINT: implicit by design
      : code_(code), detail_(detail), detail2_(detail2) {}
  [[nodiscard]] constexpr bool ok() const { return code_ == Errc::ok; }
  [[nodiscard]] constexpr Errc code() const { return code_; }
  [[nodiscard]] constexpr uint16_t detail() const { return detail_; }
  [[nodiscard]] constexpr uint16_t detail2() const { return detail2_; }
  constexpr bool operator==(const Status&) const = default;

 private:
  Errc code_ = Errc::ok;
  uint16_t detail_ = 0;
  uint16_t detail2_ = 0;
};

constexpr Status ok_status() { return Status(); }

// A value or the status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  constexpr Result(T value) : value_(value) {}            // NOLINT: implicit by design
  constexpr Result(Status status) : status_(status) {}    // NOLINT: implicit by design
  [[nodiscard]] constexpr bool ok() const { return status_.ok(); }
  [[nodiscard]] constexpr Status status() const { return status_; }
  [[nodiscard]] constexpr const T& value() const { return value_; }
  [[nodiscard]] constexpr T value_or(T fallback) const { return ok() ? value_ : fallback; }

 private:
  T value_{};
  Status status_{};
};

}  // namespace softbms
