#include "core/settings/change.hpp"

#include "core/settings/validate.hpp"

namespace softbms::core {

Status ChangeList::set(Param p, int32_t value) {
  if (static_cast<std::size_t>(p) >= kParamCount) {
    return Status(Errc::unknown_field, static_cast<uint16_t>(p));
  }
  for (std::size_t i = 0; i < size_; ++i) {
    if (items_[i].param == p) {
      items_[i].value = value;
      return ok_status();
    }
  }
  items_[size_++] = Change{p, value};
  return ok_status();
}

bool ChangeList::contains(Param p) const {
  for (const Change& c : *this) {
    if (c.param == p) return true;
  }
  return false;
}

Status apply_changes(Settings& s, const ChangeList& changes) {
  Settings next = s;
  for (const Change& c : changes) next.set_raw(c.param, c.value);
  for (const Change& c : changes) {
    // A factory value (MOS OTP/OTPR, [M-B2A] 5.3 s) says why it cannot move, not just "range".
    if ((info(c.param).flags & kFactoryFixed) != 0 &&
        c.value != factory_value(c.param, next.model_id()))
      return setting_error(Errc::rule_violation, c.param, Rule::factory_fixed);
    const Range r = allowed_range(c.param, next);
    if (c.value < r.min || c.value > r.max)
      return setting_error(Errc::out_of_range, c.param, Rule::range);
  }
  const Status st = validate(next);
  if (!st.ok()) {
    // s was valid, so the rule fails because of a change: name one the rule involves.
    Param blamed = error_field(st);
    if (!changes.contains(blamed)) {
      for (const Change& c : changes) {
        if (rule_involves(error_rule(st), c.param)) {
          blamed = c.param;
          break;
        }
      }
    }
    return setting_error(st.code(), blamed, error_rule(st));
  }
  s = next;
  return ok_status();
}

}  // namespace softbms::core
