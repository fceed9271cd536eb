#include <algorithm>

#include "core/settings/settings.hpp"

namespace softbms::core {
namespace {

// The model caps a default that it cannot carry (a 0.4 A balancer gets 0.4 A, not 2 A).
int32_t model_cap(const ParamInfo& row, const ModelProfile& m, int32_t v) {
  if ((row.flags & kModelBalanceCurrent) != 0) return std::min(v, m.max_balance_current.count());
  if ((row.flags & kModelChargeCurrent) != 0) return std::min(v, m.max_charge_current.count());
  if ((row.flags & kModelDischargeCurrent) != 0) return std::min(v, m.max_discharge_current.count());
  return v;
}

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
  s.set_raw(Param::cell_count, cell_count);
  return s;
}

}  // namespace softbms::core
