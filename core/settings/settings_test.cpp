#include <gtest/gtest.h>

#include "core/settings/validate.hpp"

namespace softbms::core {
namespace {

struct AppendixRow {
  Param param;
  int32_t li_ion, lfp, lto;
};

// JK-B2A8S20P manual ([M-B2A]), appendix "one-click Li-ion / LiFePO4 / LTO", in stored units;
// MOS OTPR is the 65 °C of [M-B2A] 5.3 s, where the appendix says 70 °C (docs/protections.md).
constexpr AppendixRow kAppendix[] = {
    {Param::cell_uvp, 2900, 2600, 1800},        {Param::cell_uvpr, 3200, 3000, 2000},
    {Param::cell_ovp, 4200, 3600, 2700},        {Param::cell_ovpr, 4100, 3400, 2400},
    {Param::balance_trigger_delta, 10, 10, 10}, {Param::power_off_voltage, 2800, 2500, 1700},
    {Param::charge_ocp_delay, 30, 30, 30},      {Param::charge_ocp_release, 60, 60, 60},
    {Param::discharge_ocp_delay, 30, 30, 30},   {Param::discharge_ocp_release, 60, 60, 60},
    {Param::scp_release, 60, 60, 60},           {Param::charge_otp, 600, 600, 600},
    {Param::charge_otpr, 550, 550, 550},        {Param::discharge_otp, 600, 600, 600},
    {Param::discharge_otpr, 550, 550, 550},     {Param::charge_utp, -200, -200, -200},
    {Param::charge_utpr, -100, -100, -100},     {Param::mos_otp, 750, 750, 750},
    {Param::mos_otpr, 650, 650, 650},
};

// The B2A8S20P takes no LTO ([M-B2A] table 1): its LTO column shows on the JK-PB.
TEST(Presets, equal_the_manual_appendix_for_every_chemistry) {
  for (const auto& row : kAppendix) {
    EXPECT_EQ(Settings::preset(Chemistry::li_ion, ModelId::jk_b2a8s20p, 8).raw(row.param),
              row.li_ion)
        << info(row.param).name;
    EXPECT_EQ(Settings::preset(Chemistry::lfp, ModelId::jk_b2a8s20p, 8).raw(row.param), row.lfp)
        << info(row.param).name;
    EXPECT_EQ(Settings::preset(Chemistry::lto, ModelId::jk_pb2a16s20p, 16).raw(row.param), row.lto)
        << info(row.param).name;
  }
}

// [M-BD4A] (BD4A24S-12P guide), "Default Protection Parameters": ternary UVP 2.82 V; for every
// chemistry discharge OCP delay 300 s, short-circuit delay 5 us, charge OTP 70 °C; the rest as
// the appendix (OVP 4.2/3.6/2.7 V, UVP 2.6/1.8 V, balance trigger 10 mV, charge OCP delay 30 s,
// charge UTP -20 °C).
TEST(Presets, of_the_bd4a24s_are_the_ones_its_guide_gives) {
  const Settings li = Settings::preset(Chemistry::li_ion, ModelId::jk_bd4a24s_12p, 16);
  const Settings fe = Settings::preset(Chemistry::lfp, ModelId::jk_bd4a24s_12p, 16);
  const Settings lto = Settings::preset(Chemistry::lto, ModelId::jk_bd4a24s_12p, 16);
  EXPECT_EQ(li.raw(Param::cell_uvp), 2820);
  EXPECT_EQ(fe.raw(Param::cell_uvp), 2600);
  EXPECT_EQ(lto.raw(Param::cell_uvp), 1800);
  EXPECT_EQ(li.raw(Param::cell_ovp), 4200);
  EXPECT_EQ(fe.raw(Param::cell_ovp), 3600);
  EXPECT_EQ(lto.raw(Param::cell_ovp), 2700);
  for (const Settings& s : {li, fe, lto}) {
    EXPECT_EQ(s.raw(Param::discharge_ocp_delay), 300);
    EXPECT_EQ(s.raw(Param::scp_delay), 5);
    EXPECT_EQ(s.raw(Param::charge_otp), 700);
    EXPECT_EQ(s.raw(Param::charge_utp), -200);
    EXPECT_EQ(s.raw(Param::charge_ocp_delay), 30);
    EXPECT_EQ(s.raw(Param::balance_trigger_delta), 10);
    EXPECT_TRUE(validate(s).ok());
  }
  // The other boards keep the appendix.
  EXPECT_EQ(Settings::preset(Chemistry::li_ion, ModelId::jk_pb2a16s20p, 16).raw(Param::cell_uvp),
            2900);
}

// [M-B2A] table 1: over-current protection adjustable 10-200 A; 350 A maximum discharge.
TEST(ModelLimits, b2a8s20p_over_current_is_10_to_200_a_and_stages_ii_iii_stop_at_350_a) {
  Settings s = Settings::preset(Chemistry::lfp, ModelId::jk_b2a8s20p, 8);
  for (const Param p : {Param::charge_ocp_current, Param::discharge_ocp_current}) {
    EXPECT_EQ(allowed_range(p, s).min, 10000) << info(p).name;
    EXPECT_EQ(allowed_range(p, s).max, 200000) << info(p).name;
    EXPECT_EQ(apply_change(s, p, 5000).code(), Errc::out_of_range)
        << "5 A is below the board's range";
    EXPECT_TRUE(apply_change(s, p, 10000).ok());
  }
  EXPECT_EQ(allowed_range(Param::discharge_ocp3_current, s).max, 350000);
  ASSERT_TRUE(apply_change(s, Param::discharge_ocp_current, 100000).ok());
  EXPECT_EQ(apply_change(s, Param::discharge_ocp3_current, 2000000).code(), Errc::out_of_range);
  EXPECT_TRUE(apply_change(s, Param::discharge_ocp3_current, 350000).ok());
}

// [M-B2A] table 1: 3-8 Li-ion, 4-8 LFP strings.
TEST(ModelLimits, cell_count_range_is_the_chemistrys_on_the_model) {
  const Settings li = Settings::preset(Chemistry::li_ion, ModelId::jk_b2a8s20p, 8);
  const Settings fe = Settings::preset(Chemistry::lfp, ModelId::jk_b2a8s20p, 8);
  EXPECT_EQ(allowed_range(Param::cell_count, li).min, 3);
  EXPECT_EQ(allowed_range(Param::cell_count, fe).min, 4);
  EXPECT_EQ(allowed_range(Param::cell_count, fe).max, 8);
}

// [M-B2A] 5.3 s: MOS OTP 75 °C and OTPR 65 °C "cannot be changed", whoever asks.
TEST(ModelLimits, mos_otp_and_otpr_are_factory_values_no_change_can_move) {
  for (const auto& m : kModels) {
    Settings s = Settings::preset(Chemistry::lfp, m.id, m.cells[1].max);
    const Settings before = s;
    for (const auto& [p, v] : {std::pair{Param::mos_otp, 800}, std::pair{Param::mos_otp, 700},
                               std::pair{Param::mos_otpr, 600}}) {
      const Status st = apply_change(s, p, v);
      EXPECT_EQ(error_rule(st), Rule::factory_fixed) << m.name << " " << info(p).name;
      EXPECT_EQ(s, before);
      Settings forged = s;
      forged.set_raw(p, v);
      EXPECT_EQ(error_rule(validate(forged)), Rule::factory_fixed) << "a whole-settings write too";
    }
    EXPECT_EQ(s.raw(Param::mos_otp), 750);
    EXPECT_EQ(s.raw(Param::mos_otpr), 650);
    EXPECT_TRUE(apply_change(s, Param::mos_otp, 750).ok()) << "writing the same value is no change";
  }
}

TEST(Presets, are_valid_on_every_model_that_supports_the_chemistry) {
  for (const auto& m : kModels) {
    for (std::size_t c = 0; c < kChemistryCount; ++c) {
      const CellRange r = m.cells[c];
      if (!r.supported()) continue;
      const Settings s = Settings::preset(static_cast<Chemistry>(c), m.id, r.max);
      const Status st = validate(s);
      EXPECT_TRUE(st.ok()) << m.name << " " << kChemistryNames[c] << ": "
                           << info(error_field(st)).name << " " << rule_info(error_rule(st)).name;
    }
  }
}

TEST(Presets, cap_the_balance_current_at_the_models_balancer) {
  EXPECT_EQ(Settings::preset(Chemistry::lfp, ModelId::jk_bd4a24s_12p, 16).raw(Param::max_balance_current), 400);
  EXPECT_EQ(Settings::preset(Chemistry::lfp, ModelId::jk_b2a8s20p, 8).raw(Param::max_balance_current), 2000);
}

TEST(Presets, scale_pack_thresholds_by_cell_count) {
  const Settings s = Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, 16);
  EXPECT_EQ(s.raw(Param::pack_ovp), 3650 * 16);
  EXPECT_EQ(s.raw(Param::pack_uvp), 2550 * 16);
}

TEST(Models, b2a8s20p_accepts_3_to_8_li_ion_and_4_to_8_lfp_and_no_lto) {
  Settings s = Settings::preset(Chemistry::li_ion, ModelId::jk_b2a8s20p, 8);
  EXPECT_TRUE(apply_change(s, Param::cell_count, 3).ok());
  EXPECT_EQ(error_rule(apply_change(s, Param::cell_count, 2)), Rule::range);
  EXPECT_EQ(error_rule(apply_change(s, Param::cell_count, 9)), Rule::range);
  s = Settings::preset(Chemistry::lfp, ModelId::jk_b2a8s20p, 8);
  EXPECT_TRUE(apply_change(s, Param::cell_count, 4).ok());
  EXPECT_EQ(error_rule(apply_change(s, Param::cell_count, 3)), Rule::range);
  Settings forged = s;
  forged.set_raw(Param::cell_count, 3);
  EXPECT_EQ(error_rule(validate(forged)), Rule::cell_count_for_model);
  const Settings lto = Settings::preset(Chemistry::lto, ModelId::jk_b2a8s20p, 8);
  EXPECT_EQ(error_rule(validate(lto)), Rule::chemistry_for_model);
}

TEST(Models, bd4a24s_accepts_7_8_14_to_24) {
  for (auto [chem, lo] : {std::pair{Chemistry::li_ion, 7}, {Chemistry::lfp, 8}, {Chemistry::lto, 14}}) {
    Settings s = Settings::preset(chem, ModelId::jk_bd4a24s_12p, 16);
    EXPECT_TRUE(apply_change(s, Param::cell_count, lo).ok());
    EXPECT_TRUE(apply_change(s, Param::cell_count, 24).ok());
    EXPECT_FALSE(apply_change(s, Param::cell_count, lo - 1).ok());
    EXPECT_FALSE(apply_change(s, Param::cell_count, 25).ok());
  }
}

TEST(Models, cell_count_range_is_the_models_range_for_the_chemistry) {
  // What forms and `GET /api/params` show as min and max: 1 would be refused.
  const Range lfp = allowed_range(Param::cell_count,
                                  Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, 16));
  EXPECT_EQ(lfp.min, 8);
  EXPECT_EQ(lfp.max, 16);
  const Range li = allowed_range(Param::cell_count,
                                 Settings::preset(Chemistry::li_ion, ModelId::jk_b2a8s20p, 8));
  EXPECT_EQ(li.min, 3);
  EXPECT_EQ(li.max, 8);
}

TEST(Validation, b2a8s_voltage_thresholds_are_limited_to_1200_to_4350_mV) {
  Settings s = Settings::preset(Chemistry::li_ion, ModelId::jk_b2a8s20p, 8);
  EXPECT_TRUE(apply_change(s, Param::cell_ovp, 4350).ok());
  const Status st = apply_change(s, Param::cell_ovp, 4351);
  EXPECT_EQ(st.code(), Errc::out_of_range);
  EXPECT_EQ(error_field(st), Param::cell_ovp);
  EXPECT_EQ(s.raw(Param::cell_ovp), 4350);
}

struct RuleCase {
  Param param;
  int32_t value;
  Rule rule;
};

TEST(Validation, each_cross_field_rule_rejects_with_its_own_error_and_changes_nothing) {
  const RuleCase cases[] = {
      {Param::cell_uvp, 3000, Rule::uvp_below_uvpr},
      {Param::cell_ovpr, 2900, Rule::uvpr_below_ovpr},
      {Param::cell_ovpr, 3600, Rule::ovpr_below_ovp},
      {Param::power_off_voltage, 2600, Rule::power_off_below_uvp},
      {Param::soc_0_voltage, 3500, Rule::soc0_below_soc100},
      {Param::pack_uvp, 48000, Rule::pack_uvp_below_uvpr},
      {Param::pack_ovpr, 59000, Rule::pack_ovpr_below_ovp},
      {Param::charge_otpr, 700, Rule::charge_otpr_below_otp},
      {Param::discharge_otpr, 650, Rule::discharge_otpr_below_otp},
      {Param::mos_otpr, 800, Rule::factory_fixed},
      {Param::charge_utpr, -250, Rule::charge_utpr_above_utp},
      {Param::discharge_utpr, -200, Rule::discharge_utpr_above_utp},
      {Param::heating_stop_temp, -10, Rule::heating_stop_above_start},
      {Param::discharge_ocp2_current, 90000, Rule::ocp_stages_ascending},
      {Param::request_float_voltage, 3500, Rule::float_below_charge},
      {Param::request_charge_voltage, 3600, Rule::request_charge_below_ovp},
  };
  for (const auto& c : cases) {
    Settings s = Settings::preset(Chemistry::lfp, ModelId::jk_bd4a24s_12p, 16);
    const Settings before = s;
    const Status st = apply_change(s, c.param, c.value);
    EXPECT_EQ(st.code(), Errc::rule_violation) << info(c.param).name;
    EXPECT_EQ(error_rule(st), c.rule) << info(c.param).name << " got " << rule_info(error_rule(st)).name;
    EXPECT_EQ(error_field(st), c.param);
    EXPECT_EQ(s, before);
  }
}

TEST(Validation, a_current_beyond_the_model_is_out_of_its_range) {
  Settings s = Settings::preset(Chemistry::lfp, ModelId::jk_bd4a24s_12p, 16);
  EXPECT_EQ(apply_change(s, Param::max_balance_current, 2000).code(), Errc::out_of_range);
  EXPECT_EQ(allowed_range(Param::max_balance_current, s).max, 400);
  Settings forged = s;
  forged.set_raw(Param::max_balance_current, 2000);
  EXPECT_EQ(error_rule(validate(forged)), Rule::balance_current_for_model);
}

TEST(Params, names_are_unique_snake_case_and_found_by_name) {
  for (const auto& row : kParams) {
    EXPECT_EQ(param_from_name(row.name), row.id);
    for (char ch : row.name) EXPECT_TRUE((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_');
    for (std::size_t c = 0; c < kChemistryCount; ++c) {
      if ((row.flags & kPerCell) != 0) continue;
      EXPECT_GE(row.defaults[c], row.min) << row.name;
      EXPECT_LE(row.defaults[c], row.max) << row.name;
    }
  }
  EXPECT_FALSE(param_from_name("no_such_thing").has_value());
}

}  // namespace
}  // namespace softbms::core
