#include "core/estimate/model_soc.hpp"

#include <algorithm>
#include <cmath>

namespace softbms::core {
namespace {

// A restarted filter does not know how good the stored SOC is: it may have been stored hours
// ago, before a discharge the board slept through.
constexpr float kRestartSocSigma = 0.1F;
// A stored model SOC was right when it was stored (the counters are saved every few minutes and
// at every switch-off); what the board slept through is the doubt left.
constexpr float kResumeSocSigma = 0.05F;

float battery_temp_c(const Measured& m) {
  if (!m.battery_temp_valid) return 25.0F;
  return static_cast<float>(m.battery_max.count() + m.battery_min.count()) / 20.0F;
}

}  // namespace

bool ModelSoc::restart_needed(const Settings& s, const Measured& m) const {
  if (!filter_.started()) return true;
  const float design_ah = static_cast<float>(s.mah(Param::design_capacity).count()) / 1000.0F;
  return filter_.chemistry() != s.chemistry() || filter_.nominal_capacity_ah() != design_ah ||
         filter_.cells() != m.cells_expected;
}

void ModelSoc::update(Milliseconds now, const Measured& m, const Settings& s, bool charge_fet,
                      int32_t start_permille) {
  if (m.cells_expected == 0) return;
  if (restart_needed(s, m)) {
    const float design_ah = static_cast<float>(s.mah(Param::design_capacity).count()) / 1000.0F;
    filter_.start(s.chemistry(), design_ah, m.cells_expected,
                  static_cast<float>(start_permille) / 1000.0F, kRestartSocSigma);
    have_last_ = false;
  }
  Reading now_read;
  now_read.cell = m.cell;
  now_read.present_mask = m.present_mask;
  now_read.current = m.current;
  if (!have_last_) {
    last_ = now;
    since_ = Milliseconds(0);
    charge_ = MilliampMilliseconds(0);
    have_last_ = true;
    run(now_read, m, s, charge_fet);
    previous_ = now_read;
    return;
  }
  const Milliseconds dt = std::clamp(now - last_, Milliseconds(0), kFilterPeriod * 3600);
  last_ = now;
  // A current step since the last tick: the reading before it first (it closes the interval up
  // to that tick), then this one, so that the filter sees the step a tick wide.
  const int64_t design_mah = s.mah(Param::design_capacity).count();
  const auto step_ma =
      static_cast<int64_t>(static_cast<float>(design_mah) * FilterTuning{}.step_min_c);
  const int64_t jump = static_cast<int64_t>(m.current.count()) - previous_.current.count();
  const bool stepped = jump >= step_ma || -jump >= step_ma;
  const bool pair = stepped && since_ >= kFilterPeriod;
  if (pair) run(previous_, m, s, charge_fet);
  since_ += dt;
  charge_ += charge(m.current, dt);
  previous_ = now_read;
  const bool is_due = due(now, m, s);  // every tick: it follows the rules' zones
  if (!pair && (since_ < kFilterPeriod || !is_due)) return;
  run(now_read, m, s, charge_fet);
}

bool ModelSoc::due(Milliseconds now, const Measured& m, const Settings& s) {
  const bool at_rule = m.max >= s.mv(Param::soc_100_voltage) ||
                       m.min <= s.mv(Param::soc_0_voltage) + kFilterRuleMargin;
  if (at_rule && !at_rule_) rule_since_ = now;
  at_rule_ = at_rule;
  if (since_ >= rest_period_) return true;
  if (at_rule && now - rule_since_ <= kFilterRuleWindow) return true;
  const int64_t fast_ma = s.mah(Param::design_capacity).count() / kFilterFastCurrentDivisor;
  const int64_t moved = static_cast<int64_t>(m.current.count()) - updated_current_.count();
  if (moved >= fast_ma || -moved >= fast_ma) return true;
  const Millivolts dmax = m.max - updated_max_;
  const Millivolts dmin = m.min - updated_min_;
  return dmax >= kFilterFastVoltage || -dmax.count() >= kFilterFastVoltage.count() ||
         dmin >= kFilterFastVoltage || -dmin.count() >= kFilterFastVoltage.count();
}

void ModelSoc::run(const Reading& r, const Measured& m, const Settings& s, bool charge_fet) {
  for (std::size_t k = 0; k < kMaxCells; ++k) {
    const bool present = (r.present_mask >> k & 1U) != 0;
    volts_[k] = present ? static_cast<float>(r.cell[k].count()) / 1000.0F : 0.0F;
  }
  FilterStep step;
  step.dt_s = static_cast<float>(since_.count()) / 1000.0F;
  step.charge_as = static_cast<float>(charge_.count()) / 1e6F;
  step.current_a = static_cast<float>(r.current.count()) / 1000.0F;
  step.temp_c = battery_temp_c(m);
  step.cell_v = std::span<const float>(volts_.data(), m.cells_expected);
  step.full_v = static_cast<float>(s.mv(Param::soc_100_voltage).count()) / 1000.0F;
  step.empty_v = static_cast<float>(s.mv(Param::soc_0_voltage).count()) / 1000.0F;
  step.charge_allowed = charge_fet;
  filter_.update(step);
  summary_ = filter_.summary();
  since_ = Milliseconds(0);
  charge_ = MilliampMilliseconds(0);
  updated_current_ = r.current;
  updated_max_ = m.max;
  updated_min_ = m.min;
  updates_ += 1;
}

ModelMemory ModelSoc::memory() const {
  ModelMemory mem;
  if (!filter_.started()) return mem;
  mem.chemistry = static_cast<uint8_t>(filter_.chemistry());
  mem.cells = filter_.cells();
  mem.design_mah = static_cast<int32_t>(std::lround(filter_.nominal_capacity_ah() * 1000.0F));
  for (std::size_t k = 0; k < filter_.cells(); ++k) {
    mem.cell[k] = filter_.cell(k).learned();
    mem.event[k] = filter_.cell(k).learned_event();
  }
  return mem;
}

void ModelSoc::restore(const ModelMemory& stored) {
  // The filter resumes on the pack the memory was learned on; the next update starts it again
  // from the coulomb counter's SOC if the pack configured is another (restart_needed()).
  const auto chem = static_cast<Chemistry>(stored.chemistry);
  const bool usable = stored.cells > 0 && stored.cells <= kMaxCells && stored.design_mah > 0 &&
                      stored.chemistry < kChemistryCount;
  if (!usable) {
    filter_.stop();
    summary_ = FilterSummary{};
    return;
  }
  filter_.start(chem, static_cast<float>(stored.design_mah) / 1000.0F, stored.cells, 0.5F,
                kRestartSocSigma);
  filter_.resume(std::span<const LearnedCell>(stored.cell.data(), stored.cells), kResumeSocSigma,
                 std::span<const LearnedEvent>(stored.event.data(), stored.cells));
  summary_ = filter_.summary();
  have_last_ = false;
}

int32_t ModelSoc::soc_permille() const {
  return static_cast<int32_t>(std::lround(std::clamp(summary_.soc, 0.0F, 1.0F) * 1000.0F));
}

void ModelSoc::publish(Snapshot& snap, const Settings& s) const {
  snap.soc_coulomb_permille = snap.soc_permille;
  snap.soc_method = static_cast<uint8_t>(s.raw(Param::soc_method));
  if (!filter_.started()) {
    snap.soc_model_permille = snap.soc_permille;
    return;
  }
  const FilterSummary& f = summary_;
  snap.soc_model_permille = soc_permille();
  snap.soc_model_sigma_permille =
      static_cast<uint16_t>(std::lround(std::clamp(f.soc_sigma, 0.0F, 1.0F) * 1000.0F));
  snap.model_r0 = Microohms(static_cast<int32_t>(std::lround(f.r0_ohm * 1e6F)));
  snap.model_current_offset = Milliamps(static_cast<int32_t>(std::lround(f.bias_a * 1000.0F)));
  snap.model_capacity = MilliampHours(static_cast<int64_t>(std::lround(f.capacity_ah * 1000.0F)));
  snap.model_soh_permille =
      static_cast<uint16_t>(std::lround(std::clamp(f.soh, 0.0F, 10.0F) * 1000.0F));
  if (static_cast<SocMethod>(snap.soc_method) != SocMethod::model) return;
  snap.soc_permille = snap.soc_model_permille;
  snap.soc_percent = static_cast<uint8_t>(snap.soc_model_permille / 10);
  snap.full_capacity = snap.model_capacity;
  snap.remaining = MilliampHours(snap.model_capacity.count() * snap.soc_model_permille / 1000);
}

}  // namespace softbms::core
