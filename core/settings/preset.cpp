#include <algorithm>
#include <array>
#include <climits>

#include "core/settings/settings.hpp"

namespace softbms::core {
namespace {

// The model caps a default that it cannot carry (a 0.4 A balancer gets 0.4 A, not 2 A).
int32_t model_cap(const ParamInfo& row, const ModelProfile& m, int32_t v) {
  if ((row.flags & kModelBalanceCurrent) != 0) return std::min(v, m.max_balance_current.count());
  if ((row.flags & kModelChargeCurrent) != 0) return std::min(v, m.max_charge_current.count());
  if ((row.flags & kModelDischargeCurrent) != 0) return std::min(v, m.max_discharge_current.count());
  if ((row.flags & kModelPeakCurrent) != 0) return std::min(v, m.peak_discharge_current.count());
  return v;
}

// Where a model's own document gives other one-click values than the B2A8S20P appendix that
// kParams carries. [M-BD4A] (its default protection parameters): ternary UVP
// 2.82 V; for every chemistry ("the same ... timing and temperature thresholds as ternary")
// discharge OCP delay 300 s, short-circuit delay 5 us, charge OTP 70 °C. Its OVP, LFP/LTO UVP,
// balance trigger, charge OCP delay and charge UTP equal the appendix already.
struct PresetOverride {
  ModelId model;
  Param param;
  std::array<int32_t, kChemistryCount> value;  // li-ion, lfp, lto; kKeep = the table's default
};
constexpr int32_t kKeep = INT32_MIN;
// clang-format off
constexpr std::array<PresetOverride, 4> kPresetOverrides = {{
  {ModelId::jk_bd4a24s_12p, Param::cell_uvp, {2820, kKeep, kKeep}},
  {ModelId::jk_bd4a24s_12p, Param::discharge_ocp_delay, {300, 300, 300}},
  {ModelId::jk_bd4a24s_12p, Param::scp_delay, {5, 5, 5}},
  {ModelId::jk_bd4a24s_12p, Param::charge_otp, {700, 700, 700}},
}};
// clang-format on

}  // namespace

Settings Settings::preset(Chemistry chemistry, ModelId model_id, int32_t cell_count) {
  Settings s;
  s.set_chemistry(chemistry);
  s.set_model(model_id);
  const ModelProfile& m = model(model_id);
  const auto c = static_cast<std::size_t>(chemistry);
  for (const ParamInfo& row : kParams) {
    int32_t v = row.defaults[c];
    if ((row.flags & kPerCell) != 0) v *= cell_count;
    s.set_raw(row.id, model_cap(row, m, v));
  }
  for (const PresetOverride& o : kPresetOverrides) {
    if (o.model == model_id && o.value[c] != kKeep) s.set_raw(o.param, o.value[c]);
  }
  s.set_raw(Param::cell_count, cell_count);
  return s;
}

}  // namespace softbms::core
