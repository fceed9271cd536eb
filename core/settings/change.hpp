// A set of settings changes applied as one step: every value checked against its range, then
// the final state against every rule, once. All or nothing: a refused set changes nothing, so
// moving two fields that constrain each other (cell_uvp and cell_uvpr) works in any order.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/base/status.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

struct Change {
  Param param = Param::cell_ovp;
  int32_t value = 0;
};

// At most one entry per parameter, in the order they were first set. Fixed capacity, no heap.
class ChangeList {
 public:
  static constexpr std::size_t kCapacity = kParamCount;

  // Adds p = value; a second value for the same parameter replaces the first (the last one
  // wins), so the list can never overflow.
  // @returns ok, or Errc::unknown_field (detail = p) for a Param outside the table.
  Status set(Param p, int32_t value);

  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] const Change* begin() const { return items_.data(); }
  [[nodiscard]] const Change* end() const { return items_.data() + size_; }
  [[nodiscard]] const Change& operator[](std::size_t i) const { return items_[i]; }
  [[nodiscard]] bool contains(Param p) const;

 private:
  std::array<Change, kCapacity> items_{};
  std::size_t size_ = 0;
};

// Applies every change to s if the result is valid; otherwise leaves s as it was.
// @returns ok;
//   Errc::unknown_field (detail = the Param) for a parameter outside the table;
//   Errc::out_of_range (detail = the Param, detail2 = Rule::range) for a value outside the
//     parameter's range on this model (checked on the final state: cell_count narrows others);
//   Errc::rule_violation or Errc::out_of_range (detail = a changed Param the rule involves,
//     detail2 = the Rule) when the final state breaks a rule.
Status apply_changes(Settings& s, const ChangeList& changes);

}  // namespace softbms::core
