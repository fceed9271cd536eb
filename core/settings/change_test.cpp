#include "core/settings/change.hpp"

#include <gtest/gtest.h>

#include "core/settings/validate.hpp"

namespace softbms::core {
namespace {

Settings lfp16() {
  return Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, 16);
}

ChangeList changes(std::initializer_list<Change> list) {
  ChangeList l;
  for (const Change& c : list) EXPECT_TRUE(l.set(c.param, c.value).ok());
  return l;
}

// Issue 11: LFP preset uvp 2600 / uvpr 3000. Raising both to 3050 / 3100 is valid as a whole,
// but uvp 3050 alone is above uvpr 3000: a field-by-field apply refuses it in this order.
TEST(ChangeList, raising_uvp_above_the_old_uvpr_together_with_uvpr_succeeds_in_either_order) {
  for (bool uvp_first : {true, false}) {
    Settings s = lfp16();
    const ChangeList l = uvp_first ? changes({{Param::cell_uvp, 3050}, {Param::cell_uvpr, 3100}})
                                   : changes({{Param::cell_uvpr, 3100}, {Param::cell_uvp, 3050}});
    ASSERT_TRUE(apply_changes(s, l).ok());
    EXPECT_EQ(s.raw(Param::cell_uvp), 3050);
    EXPECT_EQ(s.raw(Param::cell_uvpr), 3100);
  }
  Settings alone = lfp16();
  const Status st = apply_change(alone, Param::cell_uvp, 3050);
  EXPECT_EQ(st.code(), Errc::rule_violation);
  EXPECT_EQ(error_rule(st), Rule::uvp_below_uvpr);
  EXPECT_EQ(alone, lfp16());
}

TEST(ChangeList, a_set_whose_kth_change_is_invalid_changes_nothing_and_names_that_field) {
  for (std::size_t k = 0; k < 4; ++k) {
    ChangeList l;
    const Change good[] = {{Param::cell_ovp, 3650},
                           {Param::charge_otp, 650},
                           {Param::balance_trigger_delta, 20},
                           {Param::rebulk_soc, 80}};
    for (std::size_t i = 0; i < 4; ++i) {
      ASSERT_TRUE(
          (i == k ? l.set(Param::charge_ocp_delay, 301) : l.set(good[i].param, good[i].value))
              .ok());
    }
    Settings s = lfp16();
    const Status st = apply_changes(s, l);
    EXPECT_EQ(st.code(), Errc::out_of_range) << k;
    EXPECT_EQ(error_field(st), Param::charge_ocp_delay) << k;
    EXPECT_EQ(error_rule(st), Rule::range) << k;
    EXPECT_EQ(s, lfp16()) << "the first " << k << " changes must not stay";
  }
}

TEST(ChangeList, a_broken_rule_names_a_changed_field_it_involves) {
  Settings s = lfp16();
  // cell_uvpr 2500 is below cell_uvp 2600: the rule blames cell_uvp, which was not changed.
  const Status st = apply_changes(s, changes({{Param::charge_otp, 650}, {Param::cell_uvpr, 2500}}));
  EXPECT_EQ(st.code(), Errc::rule_violation);
  EXPECT_EQ(error_rule(st), Rule::uvp_below_uvpr);
  EXPECT_EQ(error_field(st), Param::cell_uvpr);
  EXPECT_EQ(s, lfp16());
}

TEST(ChangeList, holds_one_entry_per_parameter_the_last_value_wins_and_never_overflows) {
  ChangeList l;
  for (int round = 0; round < 3; ++round) {
    for (const ParamInfo& row : kParams) ASSERT_TRUE(l.set(row.id, row.min + round).ok());
  }
  EXPECT_EQ(l.size(), kParamCount);
  EXPECT_EQ(l[0].value, kParams[0].min + 2);
  EXPECT_EQ(l.set(Param::count_, 1).code(), Errc::unknown_field);
  EXPECT_EQ(l.size(), kParamCount);
}

TEST(ChangeList, an_empty_set_is_a_valid_no_op) {
  Settings s = lfp16();
  EXPECT_TRUE(apply_changes(s, ChangeList{}).ok());
  EXPECT_EQ(s, lfp16());
}

}  // namespace
}  // namespace softbms::core
