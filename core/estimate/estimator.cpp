#include "core/estimate/estimator.hpp"

#include "core/estimate/ocv_table.hpp"

#include <algorithm>

namespace softbms::core {
namespace {

// q x num / den without overflowing 64 bits for any charge a pack can hold.
MilliampMilliseconds scale(MilliampMilliseconds q, int64_t num, int64_t den) {
  if (den <= 0) return MilliampMilliseconds(0);
  const int64_t whole = q.count() / den;
  const int64_t part = q.count() % den;
  return MilliampMilliseconds(whole * num + part * num / den);
}

MilliampMilliseconds clamp_charge(MilliampMilliseconds q, MilliampMilliseconds hi) {
  return std::clamp(q, MilliampMilliseconds(0), std::max(hi, MilliampMilliseconds(0)));
}

bool plausible_capacity(MilliampHours learned, MilliampHours design) {
  return learned.count() * 100 >= design.count() * kLearnMinPercent &&
         learned.count() * 100 <= design.count() * kLearnMaxPercent;
}

}  // namespace

EstimateNotes Estimator::update(Milliseconds now, const Measured& m, const Settings& s,
                                FetState fets) {
  const Milliseconds dt = step(now);
  follow_design_capacity(s);
  seed(m, s);
  integrate(m, dt);

  EstimateNotes notes;
  const bool cells = m.cells_present > 0;
  const bool empty_cond = cells && m.min <= s.mv(Param::soc_0_voltage);
  const Milliamps tail(static_cast<int32_t>(c_.design_capacity.count() / kTailCurrentDivisor));
  const bool charge_ended = m.current < tail || !fets.charge;
  // An empty cell outranks a full one: with both (a badly unbalanced pack) SOC reads 0 %.
  const bool full_cond =
      cells && !empty_cond && m.max >= s.mv(Param::soc_100_voltage) && charge_ended;

  const bool was_empty = empty_.fired;
  if (confirm(empty_, empty_cond, now)) apply_empty(notes, !was_empty);
  const bool was_full = full_.fired;
  if (confirm(full_, full_cond, now)) apply_full(notes, !was_full);
  return notes;
}

Milliseconds Estimator::step(Milliseconds now) {
  const Milliseconds dt = started_ ? now - last_ : Milliseconds(0);
  started_ = true;
  last_ = now;
  return std::clamp(dt, Milliseconds(0), kMaxUpdateGap);
}

void Estimator::follow_design_capacity(const Settings& s) {
  const MilliampHours design = s.mah(Param::design_capacity);
  if (design == c_.design_capacity || design.count() <= 0) return;
  // Keep the SOC the user sees; what was learned for another pack no longer applies.
  if (c_.design_capacity.count() > 0 && c_.full_capacity.count() > 0) {
    c_.remaining = scale(c_.remaining, design.count(), c_.full_capacity.count());
  }
  c_.design_capacity = design;
  c_.full_capacity = design;
  c_.remaining = clamp_charge(c_.remaining, full_charge());
  c_.learning = 0;
  c_.learn_charge = MilliampMilliseconds(0);
}

// A first start has no counted charge: begin from the average cell read against the chemistry's
// open-circuit-voltage table (ocv_table.hpp). On LFP's flat plateau that is worth only about
// +-10 %; the first full or empty rule then makes it exact.
void Estimator::seed(const Measured& m, const Settings& s) {
  if (c_.seeded != 0 || m.cells_present == 0) return;
  const int64_t permille = soc_permille_at_rest(s.chemistry(), m.avg);
  c_.remaining = scale(full_charge(), permille, 1000);
  c_.seeded = 1;
}

void Estimator::integrate(const Measured& m, Milliseconds dt) {
  const MilliampMilliseconds q = charge(m.current, dt);
  c_.remaining = clamp_charge(c_.remaining + q, full_charge());
  if (c_.learning != 0) {
    c_.learn_charge = std::max(c_.learn_charge + q, MilliampMilliseconds(0));
  }
  if (q.count() < 0) count_discharge(-q);
  if (m.current.count() > 0) add_energy(c_.charged, energy(m.pack, m.current, dt));
  if (m.current.count() < 0) add_energy(c_.discharged_energy, energy(m.pack, -m.current, dt));
  c_.runtime += dt;
}

void Estimator::count_discharge(MilliampMilliseconds q) {
  c_.discharged += q;
  c_.cycle_progress += q;
  const MilliampMilliseconds per_cycle = full_charge();
  if (per_cycle.count() <= 0) return;
  const int64_t n = c_.cycle_progress.count() / per_cycle.count();
  c_.cycles += static_cast<uint32_t>(n);
  c_.cycle_progress -= per_cycle * n;
}

bool Estimator::confirm(RuleTimer& r, bool condition, Milliseconds now) {
  if (!condition) {
    r = RuleTimer{};
    return false;
  }
  if (!r.holding) {
    r.holding = true;
    r.since = now;
  }
  r.fired = now - r.since >= kSocRuleConfirm;
  return r.fired;
}

void Estimator::apply_empty(EstimateNotes& notes, bool edge) {
  notes.soc_empty = edge;
  c_.remaining = MilliampMilliseconds(0);
  c_.learning = 1;
  c_.learn_charge = MilliampMilliseconds(0);
  c_.seeded = 1;
}

void Estimator::apply_full(EstimateNotes& notes, bool edge) {
  notes.soc_full = edge;
  if (edge && c_.learning != 0) {
    const MilliampHours learned = to_mah(c_.learn_charge);
    const bool ok = plausible_capacity(learned, c_.design_capacity);
    if (ok) c_.full_capacity = learned;
    notes.capacity_learned = ok;
    notes.capacity_rejected = !ok;
    c_.learning = 0;
    c_.learn_charge = MilliampMilliseconds(0);
  }
  c_.remaining = full_charge();
  c_.seeded = 1;
}

Status Estimator::restore(const Counters& stored) {
  if (stored.version != kCountersVersion) return Status(Errc::corrupt, stored.version);
  Counters c = stored;
  const MilliampMilliseconds zero(0);
  if (c.full_capacity.count() <= 0) c.full_capacity = c.design_capacity;
  c.remaining = clamp_charge(c.remaining, to_charge(c.full_capacity));
  c.learn_charge = std::max(c.learn_charge, zero);
  c.discharged = std::max(c.discharged, zero);
  c.cycle_progress = std::max(c.cycle_progress, zero);
  c.runtime = std::max(c.runtime, Milliseconds(0));
  c.learning = c.learning != 0 ? 1 : 0;
  c.seeded = c.seeded != 0 ? 1 : 0;
  c_ = c;
  empty_ = RuleTimer{};
  full_ = RuleTimer{};
  return ok_status();
}

void Estimator::reset_counters() {
  if (c_.full_capacity.count() > 0) {
    c_.remaining = scale(c_.remaining, c_.design_capacity.count(), c_.full_capacity.count());
  }
  c_.full_capacity = c_.design_capacity;
  c_.learning = 0;
  c_.learn_charge = MilliampMilliseconds(0);
  c_.cycles = 0;
  c_.cycle_progress = MilliampMilliseconds(0);
  c_.discharged = MilliampMilliseconds(0);
  c_.charged = EnergyCounter{};
  c_.discharged_energy = EnergyCounter{};
}

int32_t Estimator::soc_permille() const {
  const MilliampMilliseconds full = full_charge();
  if (full.count() <= 0) return 0;
  return static_cast<int32_t>(scale(c_.remaining, 1000, full.count()).count());
}

uint8_t Estimator::soh_percent() const {
  if (c_.design_capacity.count() <= 0) return 100;
  const int64_t p = c_.full_capacity.count() * 100 / c_.design_capacity.count();
  return static_cast<uint8_t>(std::clamp<int64_t>(p, 0, 100));
}

void Estimator::publish(Snapshot& snap) const {
  snap.soc_percent = soc_percent();
  snap.soc_permille = soc_permille();
  snap.remaining = remaining();
  snap.full_capacity = full_capacity();
  snap.design_capacity = design_capacity();
  snap.cycles = cycles();
  snap.cycle_capacity = cycle_capacity();
  snap.soh_percent = soh_percent();
  snap.runtime = runtime();
  snap.power_on_count = power_on_count();
  snap.charged_energy = charged_energy();
  snap.discharged_energy = discharged_energy();
  snap.capacity_learning = learning();
}

}  // namespace softbms::core
