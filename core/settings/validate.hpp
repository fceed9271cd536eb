// Validation of settings: each parameter's range (narrowed by the model) and the cross-field
// rules. A rejected change names the field and the rule, and changes nothing.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/base/status.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

enum class Rule : uint8_t {
  none,
  range,                  // value outside [min, max] for this model
  cell_count_for_model,   // cell count outside the model's range for the chemistry
  chemistry_for_model,    // the model does not support the chemistry
  uvp_below_uvpr,         // cell_uvp < cell_uvpr
  uvpr_below_ovpr,        // cell_uvpr < cell_ovpr
  ovpr_below_ovp,         // cell_ovpr < cell_ovp
  power_off_below_uvp,    // power_off_voltage < cell_uvp
  soc0_below_soc100,      // soc_0_voltage < soc_100_voltage
  pack_uvp_below_uvpr,    // pack_uvp < pack_uvpr
  pack_uvpr_below_ovpr,   // pack_uvpr < pack_ovpr
  pack_ovpr_below_ovp,    // pack_ovpr < pack_ovp
  charge_otpr_below_otp,  // charge_otpr < charge_otp
  discharge_otpr_below_otp,
  mos_otpr_below_otp,
  charge_utpr_above_utp,  // charge_utpr > charge_utp
  discharge_utpr_above_utp,
  heating_stop_above_start,
  balance_current_for_model,  // max_balance_current <= the model's balance current
  charge_current_for_model,
  discharge_current_for_model,
  ocp_stages_ascending,  // discharge_ocp < ocp2 < ocp3
  float_below_charge,    // request_float_voltage <= request_charge_voltage
  request_charge_below_ovp,
  set_by_its_command,  // a kSetByItsCommand parameter written directly
  factory_fixed,       // a factory value (MOS OTP/OTPR): no user may change it
  count_
};

struct RuleInfo {
  Rule rule;
  std::string_view name;
  std::string_view text;
};
const RuleInfo& rule_info(Rule r);

// Status detail = the Param, detail2 = the Rule.
inline Status setting_error(Errc code, Param field, Rule rule) {
  return Status(code, static_cast<uint16_t>(field), static_cast<uint16_t>(rule));
}
inline Param error_field(Status s) { return static_cast<Param>(s.detail()); }
inline Rule error_rule(Status s) { return static_cast<Rule>(s.detail2()); }

// Checks every range and every rule; the first failure is returned.
Status validate(const Settings& s);
// The allowed range of one parameter on this model (the table range narrowed by the model):
// cell thresholds by the board's threshold range, over-current by its adjustable range
// (ocp_min .. continuous current), stages II/III by its peak current, cell_count by the
// chemistry's range on the model, a factory value to that value.
struct Range {
  int32_t min;
  int32_t max;
};
Range allowed_range(Param p, const Settings& s);
// The value a kFactoryFixed parameter has on this model (the same for every chemistry).
int32_t factory_value(Param p, ModelId model);

// Whether a failure of rule r can be cured by changing p (p is one of the fields it compares).
bool rule_involves(Rule r, Param p);

// Applies one change if the result is valid; otherwise returns why and leaves s unchanged.
// The same as apply_changes (change.hpp) with a list of one.
Status apply_change(Settings& s, Param p, int32_t value);

}  // namespace softbms::core
