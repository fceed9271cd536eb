#include "core/parallel/aggregate.hpp"

#include "core/charge/charge_control.hpp"

namespace softbms::core {
namespace {

// Index 1 and 2 of the aggregate's sensors: the hottest and the coldest battery sensor of any
// pack, so an inverter that reads T1..T5 extremes sees the bank's real extremes.
constexpr std::size_t kHottest = 1;
constexpr std::size_t kColdest = 2;

template <typename Q>
Q mean(Q sum, int32_t n) {
  return n > 0 ? Q(static_cast<typename Q::rep>(sum.count() / n)) : Q{};
}

struct Weighted {
  int64_t weight = 0;
  int64_t soc_permille = 0;
  int64_t soh = 0;
  int64_t soc_plain = 0;
  int32_t n = 0;
};

void add_energy(Snapshot& out, const Snapshot& s) {
  out.current += s.current;
  out.power += s.power;
  out.remaining += s.remaining;
  out.full_capacity += s.full_capacity;
  out.design_capacity += s.design_capacity;
  out.cycle_capacity += s.cycle_capacity;
  out.charged_energy += s.charged_energy;
  out.discharged_energy += s.discharged_energy;
  if (s.cycles > out.cycles) out.cycles = s.cycles;
  if (s.runtime > out.runtime) out.runtime = s.runtime;
  if (s.uptime > out.uptime) out.uptime = s.uptime;
  out.charge_fet = out.charge_fet || s.charge_fet;
  out.discharge_fet = out.discharge_fet || s.discharge_fet;
  out.charger_present = out.charger_present || s.charger_present;
  out.alarms |= s.alarms & ~kBoardOnlyAlarms;
}

void weigh(Weighted& w, const Snapshot& s) {
  const int64_t c = s.full_capacity.count();
  w.weight += c;
  w.soc_permille += int64_t{s.soc_permille} * c;
  w.soh += int64_t{s.soh_percent} * c;
  w.soc_plain += s.soc_permille;
  ++w.n;
}

void finish_soc(Snapshot& out, const Weighted& w) {
  if (w.n == 0) return;
  // Packs that report no capacity yet weigh the same, so the bank still shows a SOC.
  const int64_t permille =
      w.weight > 0 ? (w.soc_permille + w.weight / 2) / w.weight : (w.soc_plain + w.n / 2) / w.n;
  out.soc_permille = static_cast<int32_t>(permille);
  out.soc_percent = static_cast<uint8_t>((permille + 5) / 10);
  out.soh_percent = static_cast<uint8_t>(w.weight > 0 ? (w.soh + w.weight / 2) / w.weight : 100);
}

void add_temperatures(Snapshot& out, const Snapshot& s) {
  auto take = [&out](std::size_t slot, DeciCelsius t, bool higher) {
    const bool had = (out.temp_present_mask & (1U << slot)) != 0;
    if (!had || (higher ? t > out.temp[slot] : t < out.temp[slot])) out.temp[slot] = t;
    out.temp_present_mask = static_cast<uint8_t>(out.temp_present_mask | (1U << slot));
  };
  if ((s.temp_present_mask & 1U) != 0) take(kMosSensor, s.temp[kMosSensor], true);
  for (std::size_t i = 1; i < kMaxTempSensors; ++i) {
    if ((s.temp_present_mask & (1U << i)) == 0) continue;
    take(kHottest, s.temp[i], true);
    take(kColdest, s.temp[i], false);
  }
}

struct CellSums {
  std::array<int64_t, kMaxCells> sum{};
  int64_t avg_sum = 0;
  int64_t pack_sum = 0;
  int32_t n = 0;
};

void add_cells(Aggregate& a, CellSums& c, const PackReport& p) {
  const Snapshot& s = p.snapshot;
  Snapshot& out = a.snapshot;
  const bool first = c.n == 0;
  out.cell_count =
      first ? s.cell_count : (s.cell_count < out.cell_count ? s.cell_count : out.cell_count);
  out.cell_present_mask =
      first ? s.cell_present_mask : (out.cell_present_mask & s.cell_present_mask);
  for (std::size_t i = 0; i < kMaxCells; ++i) c.sum[i] += s.cell[i].count();
  c.avg_sum += s.cell_avg.count();
  c.pack_sum += s.pack_voltage.count();
  if (first || s.cell_min < out.cell_min) {
    out.cell_min = s.cell_min;
    out.cell_min_index = s.cell_min_index;
    a.min_cell_pack = p.address;
  }
  if (first || s.cell_max > out.cell_max) {
    out.cell_max = s.cell_max;
    out.cell_max_index = s.cell_max_index;
    a.max_cell_pack = p.address;
  }
  ++c.n;
}

void finish_cells(Snapshot& out, const CellSums& c) {
  if (c.n == 0) return;
  for (std::size_t i = 0; i < kMaxCells; ++i) {
    out.cell[i] = (out.cell_present_mask & (1U << i)) != 0
                      ? Millivolts(static_cast<int32_t>(c.sum[i] / c.n))
                      : Millivolts(0);
  }
  out.cell_avg = Millivolts(static_cast<int32_t>(c.avg_sum / c.n));
  out.pack_voltage = Millivolts(static_cast<int32_t>(c.pack_sum / c.n));
  out.cell_delta = out.cell_max - out.cell_min;
}

// Limits: CVL the lowest, DVL the highest, currents the sum unless any online pack blocks.
void add_limits(Aggregate& a, const PackAllowance& w, bool first, Milliamps& lowest_ccl,
                Milliamps& lowest_dcl) {
  ChargeLimits& t = a.target;
  if (first || w.limits.charge_voltage < t.charge_voltage)
    t.charge_voltage = w.limits.charge_voltage;
  if (first || w.limits.discharge_voltage > t.discharge_voltage) {
    t.discharge_voltage = w.limits.discharge_voltage;
  }
  t.charge_current += w.limits.charge_current;
  t.discharge_current += w.limits.discharge_current;
  a.charge_ceiling += w.charge_ceiling;
  a.discharge_ceiling += w.discharge_ceiling;
  if (w.blocks_charge) ++a.blocking_charge;
  if (w.blocks_discharge) ++a.blocking_discharge;
  // The pack that allows the least names the reason the bank is held back.
  if (first || w.limits.charge_current < lowest_ccl) {
    lowest_ccl = w.limits.charge_current;
    a.charge_limiter = w.charge_limiter;
  }
  if (first || w.limits.discharge_current < lowest_dcl) {
    lowest_dcl = w.limits.discharge_current;
    a.discharge_limiter = w.discharge_limiter;
  }
}

void finish_limits(Aggregate& a) {
  if (a.blocking_charge > 0 || a.online == 0) {
    a.target.charge_current = Milliamps(0);
    a.charge_limiter = Limiter::protection;
  }
  if (a.blocking_discharge > 0 || a.online == 0) {
    a.target.discharge_current = Milliamps(0);
    a.discharge_limiter = Limiter::protection;
  }
  Snapshot& s = a.snapshot;
  s.charge_voltage_limit = a.target.charge_voltage;
  s.charge_current_limit = a.target.charge_current;
  s.discharge_current_limit = a.target.discharge_current;
  s.discharge_voltage_limit = a.target.discharge_voltage;
  s.request_charge = a.target.charge_current.count() > 0;
  s.request_discharge = a.target.discharge_current.count() > 0;
}

}  // namespace

Aggregate aggregate(std::span<const PackReport> packs, const AggregateOptions& o) {
  Aggregate a;
  a.snapshot.soh_percent = 100;
  Weighted w;
  CellSums cells;
  Milliamps lowest_ccl{};
  Milliamps lowest_dcl{};
  ChargeStage stage = ChargeStage::bulk;
  for (const PackReport& p : packs) {
    ++a.packs;
    if (!p.online) {
      if (p.address < 32) a.missing_mask |= uint32_t{1} << p.address;
      continue;
    }
    const bool first = a.online == 0;
    add_energy(a.snapshot, p.snapshot);
    weigh(w, p.snapshot);
    add_temperatures(a.snapshot, p.snapshot);
    add_cells(a, cells, p);
    if (first || p.allowance.limits.charge_voltage < a.target.charge_voltage) {
      stage = p.snapshot.charge_stage;
    }
    add_limits(a, p.allowance, first, lowest_ccl, lowest_dcl);
    ++a.online;
  }
  finish_soc(a.snapshot, w);
  finish_cells(a.snapshot, cells);
  a.snapshot.charge_stage = stage;
  if (a.missing_mask != 0) a.snapshot.alarms |= alarm_mask(o.missing_alarm);
  finish_limits(a);
  return a;
}

const ChargeResult& ParallelController::step(Milliseconds now, Aggregate& a) {
  const Milliseconds dt = started_ && now > last_ ? now - last_ : Milliseconds(0);
  ChargeLimits target = a.target;
  if (a.online == 0 && started_) target.charge_voltage = result_.limits.charge_voltage;
  ChargeLimits out = started_ ? result_.limits : ChargeLimits{target.charge_voltage, {}, {}, {}};
  const int32_t cells = a.snapshot.cell_count > 0 ? a.snapshot.cell_count : 1;
  const int32_t rise_s = static_cast<int32_t>(kCurrentRiseTime.count());
  out.charge_voltage =
      slew_up(out.charge_voltage, target.charge_voltage, kCvlRisePerCellPerSecond * cells, dt);
  out.charge_current =
      slew_up(out.charge_current, target.charge_current, a.charge_ceiling / rise_s, dt);
  out.discharge_current =
      slew_up(out.discharge_current, target.discharge_current, a.discharge_ceiling / rise_s, dt);
  out.discharge_voltage = target.discharge_voltage;

  result_.limits = out;
  result_.target = target;
  result_.request =
      requests_.step(now, a.snapshot.soc_percent, target.charge_current, target.discharge_current);
  result_.stage = a.snapshot.charge_stage;
  result_.charge_limiter = a.charge_limiter;
  result_.discharge_limiter = a.discharge_limiter;
  last_ = now;
  started_ = true;

  Snapshot& s = a.snapshot;
  s.charge_voltage_limit = out.charge_voltage;
  s.charge_current_limit = out.charge_current;
  s.discharge_current_limit = out.discharge_current;
  s.discharge_voltage_limit = out.discharge_voltage;
  s.request_charge = result_.request.charge_enable;
  s.request_discharge = result_.request.discharge_enable;
  s.request_force_charge = result_.request.force_charge_1 || result_.request.force_charge_2;
  s.request_full_charge = result_.request.full_charge;
  return result_;
}

}  // namespace softbms::core
