// Units as types. Protection paths use the integer units JK uses on the wire (mV, mA, 0.1 °C,
// s, µs), so a threshold read over the wire is exactly the threshold that trips.
#pragma once

#include <compare>
#include <cstdint>

namespace softbms {

// A value of one unit. Only the same unit adds, subtracts and compares; scaling by a plain
// number keeps the unit; conversion between units is an explicit function.
template <typename Tag, typename Rep>
class Quantity {
 public:
  using rep = Rep;
  constexpr Quantity() = default;
  constexpr explicit Quantity(Rep value) : value_(value) {}
  [[nodiscard]] constexpr Rep count() const { return value_; }

  constexpr auto operator<=>(const Quantity&) const = default;  // NOLINT(modernize-use-nullptr): clang-tidy 14 misreads <=>
  constexpr Quantity operator+(Quantity o) const { return Quantity(static_cast<Rep>(value_ + o.value_)); }
  constexpr Quantity operator-(Quantity o) const { return Quantity(static_cast<Rep>(value_ - o.value_)); }
  constexpr Quantity operator-() const { return Quantity(static_cast<Rep>(-value_)); }
  constexpr Quantity& operator+=(Quantity o) { value_ = static_cast<Rep>(value_ + o.value_); return *this; }
  constexpr Quantity& operator-=(Quantity o) { value_ = static_cast<Rep>(value_ - o.value_); return *this; }
  constexpr Quantity operator*(Rep k) const { return Quantity(static_cast<Rep>(value_ * k)); }
  constexpr Quantity operator/(Rep k) const { return Quantity(static_cast<Rep>(value_ / k)); }

 private:
  Rep value_{};
};

using Millivolts = Quantity<struct MillivoltTag, int32_t>;
using Milliamps = Quantity<struct MilliampTag, int32_t>;
using Milliwatts = Quantity<struct MilliwattTag, int64_t>;
using DeciCelsius = Quantity<struct DeciCelsiusTag, int32_t>;  // 0.1 °C
using Microseconds = Quantity<struct MicrosecondTag, int64_t>;
using Milliseconds = Quantity<struct MillisecondTag, int64_t>;
using Seconds = Quantity<struct SecondTag, int64_t>;
using MilliampHours = Quantity<struct MilliampHourTag, int64_t>;
using MilliwattHours = Quantity<struct MilliwattHourTag, int64_t>;
using Milliohms = Quantity<struct MilliohmTag, int32_t>;
using Ohms = Quantity<struct OhmTag, int32_t>;
using Microohms = Quantity<struct MicroohmTag, int32_t>;
// Charge in mA·ms (microcoulombs): what a coulomb counter integrates without rounding loss.
using MilliampMilliseconds = Quantity<struct ChargeTag, int64_t>;

constexpr Milliseconds to_ms(Seconds s) { return Milliseconds(s.count() * 1000); }
constexpr Milliseconds to_ms(Microseconds us) { return Milliseconds(us.count() / 1000); }
constexpr Microseconds to_us(Milliseconds ms) { return Microseconds(ms.count() * 1000); }
constexpr Seconds to_s(Milliseconds ms) { return Seconds(ms.count() / 1000); }
constexpr MilliampHours to_mah(MilliampMilliseconds q) { return MilliampHours(q.count() / 3'600'000); }
constexpr MilliampMilliseconds to_charge(MilliampHours q) {
  return MilliampMilliseconds(q.count() * 3'600'000);
}
constexpr MilliampMilliseconds charge(Milliamps i, Milliseconds dt) {
  return MilliampMilliseconds(static_cast<int64_t>(i.count()) * dt.count());
}
constexpr Milliwatts power(Millivolts v, Milliamps i) {
  return Milliwatts(static_cast<int64_t>(v.count()) * i.count() / 1000);
}
constexpr Millivolts abs(Millivolts v) { return v.count() < 0 ? -v : v; }
constexpr Milliamps abs(Milliamps i) { return i.count() < 0 ? -i : i; }

namespace literals {
constexpr Millivolts operator""_mV(unsigned long long v) { return Millivolts(static_cast<int32_t>(v)); }
constexpr Milliamps operator""_mA(unsigned long long v) { return Milliamps(static_cast<int32_t>(v)); }
constexpr Milliamps operator""_A(unsigned long long v) { return Milliamps(static_cast<int32_t>(v * 1000)); }
constexpr DeciCelsius operator""_dC(unsigned long long v) { return DeciCelsius(static_cast<int32_t>(v)); }
constexpr Milliseconds operator""_ms(unsigned long long v) { return Milliseconds(static_cast<int64_t>(v)); }
constexpr Seconds operator""_s(unsigned long long v) { return Seconds(static_cast<int64_t>(v)); }
constexpr Microseconds operator""_us(unsigned long long v) { return Microseconds(static_cast<int64_t>(v)); }
constexpr MilliampHours operator""_mAh(unsigned long long v) { return MilliampHours(static_cast<int64_t>(v)); }
constexpr Milliohms operator""_mOhm(unsigned long long v) { return Milliohms(static_cast<int32_t>(v)); }
}  // namespace literals

}  // namespace softbms
