// A fixed-capacity string without heap: device names, versions, passwords on their way in.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace softbms {

template <std::size_t N>
class FixedString {
 public:
  constexpr FixedString() = default;
  constexpr FixedString(std::string_view s) { assign(s); }  // NOLINT: implicit by design
  // Copies at most N characters; returns false when s did not fit (nothing is copied then).
  constexpr bool assign(std::string_view s) {
    if (s.size() > N) return false;
    size_ = s.size();
    for (std::size_t i = 0; i < N; ++i) data_[i] = i < size_ ? s[i] : '\0';
    return true;
  }
  [[nodiscard]] constexpr std::string_view view() const { return {data_.data(), size_}; }
  [[nodiscard]] constexpr std::size_t size() const { return size_; }
  [[nodiscard]] static constexpr std::size_t capacity() { return N; }
  [[nodiscard]] constexpr bool empty() const { return size_ == 0; }
  constexpr bool operator==(const FixedString& o) const { return view() == o.view(); }

 private:
  std::array<char, N> data_{};
  std::size_t size_ = 0;
};

}  // namespace softbms
