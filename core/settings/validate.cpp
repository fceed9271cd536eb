#include "core/settings/validate.hpp"

#include <algorithm>

#include "core/settings/change.hpp"

namespace softbms::core {
namespace {

// clang-format off
constexpr std::array<RuleInfo, static_cast<std::size_t>(Rule::count_)> kRules = {{
  {Rule::none, "none", ""},
  {Rule::range, "range", "is outside the allowed range"},
  {Rule::cell_count_for_model, "cell_count_for_model", "is outside the cell-count range of this model for this chemistry"},
  {Rule::chemistry_for_model, "chemistry_for_model", "this model does not support the chemistry"},
  {Rule::uvp_below_uvpr, "uvp_below_uvpr", "cell_uvp must be below cell_uvpr"},
  {Rule::uvpr_below_ovpr, "uvpr_below_ovpr", "cell_uvpr must be below cell_ovpr"},
  {Rule::ovpr_below_ovp, "ovpr_below_ovp", "cell_ovpr must be below cell_ovp"},
  {Rule::power_off_below_uvp, "power_off_below_uvp", "power_off_voltage must be below cell_uvp"},
  {Rule::soc0_below_soc100, "soc0_below_soc100", "soc_0_voltage must be below soc_100_voltage"},
  {Rule::pack_uvp_below_uvpr, "pack_uvp_below_uvpr", "pack_uvp must be below pack_uvpr"},
  {Rule::pack_uvpr_below_ovpr, "pack_uvpr_below_ovpr", "pack_uvpr must be below pack_ovpr"},
  {Rule::pack_ovpr_below_ovp, "pack_ovpr_below_ovp", "pack_ovpr must be below pack_ovp"},
  {Rule::charge_otpr_below_otp, "charge_otpr_below_otp", "charge_otpr must be below charge_otp"},
  {Rule::discharge_otpr_below_otp, "discharge_otpr_below_otp", "discharge_otpr must be below discharge_otp"},
  {Rule::mos_otpr_below_otp, "mos_otpr_below_otp", "mos_otpr must be below mos_otp"},
  {Rule::charge_utpr_above_utp, "charge_utpr_above_utp", "charge_utpr must be above charge_utp"},
  {Rule::discharge_utpr_above_utp, "discharge_utpr_above_utp", "discharge_utpr must be above discharge_utp"},
  {Rule::heating_stop_above_start, "heating_stop_above_start", "heating_stop_temp must be above heating_start_temp"},
  {Rule::balance_current_for_model, "balance_current_for_model", "max_balance_current exceeds this model's balancer"},
  {Rule::charge_current_for_model, "charge_current_for_model", "charge_ocp_current exceeds this model's charge current"},
  {Rule::discharge_current_for_model, "discharge_current_for_model", "discharge_ocp_current exceeds this model's discharge current"},
  {Rule::ocp_stages_ascending, "ocp_stages_ascending", "discharge_ocp_current < discharge_ocp2_current < discharge_ocp3_current must hold"},
  {Rule::float_below_charge, "float_below_charge", "request_float_voltage must not exceed request_charge_voltage"},
  {Rule::request_charge_below_ovp, "request_charge_below_ovp", "request_charge_voltage must be below cell_ovp"},
  {Rule::set_by_its_command, "set_by_its_command", "is not written directly: calibration sets it from a measured value, the DIP switches set the address"},
  {Rule::factory_fixed, "factory_fixed", "is a factory value of this board and cannot be changed"},
}};
// clang-format on

// A cross-field rule: lhs must be strictly below rhs (or at most rhs when or_equal).
struct OrderRule {
  Rule rule;
  Param lhs;
  Param rhs;
  bool or_equal;
  Param blamed;  // the field named when the rule fails
};

// clang-format off
constexpr std::array<OrderRule, 18> kOrderRules = {{
  {Rule::uvp_below_uvpr, Param::cell_uvp, Param::cell_uvpr, false, Param::cell_uvp},
  {Rule::uvpr_below_ovpr, Param::cell_uvpr, Param::cell_ovpr, false, Param::cell_uvpr},
  {Rule::ovpr_below_ovp, Param::cell_ovpr, Param::cell_ovp, false, Param::cell_ovpr},
  {Rule::power_off_below_uvp, Param::power_off_voltage, Param::cell_uvp, false, Param::power_off_voltage},
  {Rule::soc0_below_soc100, Param::soc_0_voltage, Param::soc_100_voltage, false, Param::soc_0_voltage},
  {Rule::pack_uvp_below_uvpr, Param::pack_uvp, Param::pack_uvpr, false, Param::pack_uvp},
  {Rule::pack_uvpr_below_ovpr, Param::pack_uvpr, Param::pack_ovpr, false, Param::pack_uvpr},
  {Rule::pack_ovpr_below_ovp, Param::pack_ovpr, Param::pack_ovp, false, Param::pack_ovpr},
  {Rule::charge_otpr_below_otp, Param::charge_otpr, Param::charge_otp, false, Param::charge_otpr},
  {Rule::discharge_otpr_below_otp, Param::discharge_otpr, Param::discharge_otp, false, Param::discharge_otpr},
  {Rule::mos_otpr_below_otp, Param::mos_otpr, Param::mos_otp, false, Param::mos_otpr},
  {Rule::charge_utpr_above_utp, Param::charge_utp, Param::charge_utpr, false, Param::charge_utpr},
  {Rule::discharge_utpr_above_utp, Param::discharge_utp, Param::discharge_utpr, false, Param::discharge_utpr},
  {Rule::heating_stop_above_start, Param::heating_start_temp, Param::heating_stop_temp, false, Param::heating_stop_temp},
  {Rule::ocp_stages_ascending, Param::discharge_ocp_current, Param::discharge_ocp2_current, false, Param::discharge_ocp2_current},
  {Rule::ocp_stages_ascending, Param::discharge_ocp2_current, Param::discharge_ocp3_current, false, Param::discharge_ocp3_current},
  {Rule::float_below_charge, Param::request_float_voltage, Param::request_charge_voltage, true, Param::request_float_voltage},
  {Rule::request_charge_below_ovp, Param::request_charge_voltage, Param::cell_ovp, false, Param::request_charge_voltage},
}};

// A current limited by the model.
struct ModelCurrentRule {
  Rule rule;
  Param field;
  Milliamps ModelProfile::*limit;
};
constexpr std::array<ModelCurrentRule, 3> kModelCurrentRules = {{
  {Rule::balance_current_for_model, Param::max_balance_current, &ModelProfile::max_balance_current},
  {Rule::charge_current_for_model, Param::charge_ocp_current, &ModelProfile::max_charge_current},
  {Rule::discharge_current_for_model, Param::discharge_ocp_current, &ModelProfile::max_discharge_current},
}};
// clang-format on

bool holds(const OrderRule& r, const Settings& s) {
  return r.or_equal ? s.raw(r.lhs) <= s.raw(r.rhs) : s.raw(r.lhs) < s.raw(r.rhs);
}

Status check_model(const Settings& s) {
  const ModelProfile& m = model(s.model_id());
  const CellRange cells = m.cells[static_cast<std::size_t>(s.chemistry())];
  if (!cells.supported()) return setting_error(Errc::rule_violation, Param::cell_count, Rule::chemistry_for_model);
  if (!cells.contains(s.cells())) {
    return setting_error(Errc::rule_violation, Param::cell_count, Rule::cell_count_for_model);
  }
  for (const auto& r : kModelCurrentRules) {
    if (s.raw(r.field) > (m.*r.limit).count()) return setting_error(Errc::rule_violation, r.field, r.rule);
  }
  return ok_status();
}

}  // namespace

const RuleInfo& rule_info(Rule r) { return kRules[static_cast<std::size_t>(r)]; }

Range allowed_range(Param p, const Settings& s) {
  const ParamInfo& row = info(p);
  const ModelProfile& m = model(s.model_id());
  Range r{row.min, row.max};
  const auto narrow = [&r](int32_t lo, int32_t hi) {
    r.min = std::max(r.min, lo);
    r.max = std::min(r.max, hi);
  };
  if ((row.flags & kCellVoltage) != 0)
    narrow(m.cell_threshold_min.count(), m.cell_threshold_max.count());
  if ((row.flags & kModelChargeCurrent) != 0)
    narrow(m.ocp_min.count(), m.max_charge_current.count());
  if ((row.flags & kModelDischargeCurrent) != 0)
    narrow(m.ocp_min.count(), m.max_discharge_current.count());
  if ((row.flags & kModelPeakCurrent) != 0)
    narrow(m.ocp_min.count(), m.peak_discharge_current.count());
  if ((row.flags & kModelBalanceCurrent) != 0) narrow(0, m.max_balance_current.count());
  if (p == Param::cell_count) {
    // The model's balance leads, and its cell range for the chemistry when it supports one.
    const CellRange cells = m.cells[static_cast<std::size_t>(s.chemistry())];
    narrow(r.min, m.max_cells);
    if (cells.supported()) narrow(cells.min, cells.max);
  }
  if ((row.flags & kFactoryFixed) != 0) {
    const int32_t v = factory_value(p, s.model_id());
    narrow(v, v);
  }
  return r;
}

int32_t factory_value(Param p, ModelId model_id) {
  return Settings::preset(Chemistry::lfp, model_id, model(model_id).cells[1].max).raw(p);
}

Status validate(const Settings& s) {
  if (Status st = check_model(s); !st.ok()) return st;
  for (const ParamInfo& row : kParams) {
    const Range r = allowed_range(row.id, s);
    const int32_t v = s.raw(row.id);
    if ((row.flags & kFactoryFixed) != 0 && v != r.min)
      return setting_error(Errc::rule_violation, row.id, Rule::factory_fixed);
    if (v < r.min || v > r.max) return setting_error(Errc::out_of_range, row.id, Rule::range);
  }
  for (const OrderRule& r : kOrderRules) {
    if (!holds(r, s)) return setting_error(Errc::rule_violation, r.blamed, r.rule);
  }
  return ok_status();
}

bool rule_involves(Rule r, Param p) {
  for (const OrderRule& o : kOrderRules) {
    if (o.rule == r && (o.lhs == p || o.rhs == p)) return true;
  }
  for (const ModelCurrentRule& m : kModelCurrentRules) {
    if (m.rule == r && m.field == p) return true;
  }
  return (r == Rule::cell_count_for_model || r == Rule::chemistry_for_model) && p == Param::cell_count;
}

Status apply_change(Settings& s, Param p, int32_t value) {
  ChangeList one;
  if (Status st = one.set(p, value); !st.ok()) return st;
  return apply_changes(s, one);
}

}  // namespace softbms::core
