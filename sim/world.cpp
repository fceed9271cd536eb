#include "sim/world.hpp"

#include <algorithm>

namespace softbms::sim {
namespace {

constexpr double kDefaultShortOhm = 0.001;
constexpr double kMinResistanceOhm = 1e-6;

bool active(double start_s, double end_s, double t) {
  return t >= start_s && t < end_s;
}

void apply_charger(const Charger& c, double t, WorldState& s) {
  const double amps = c.current_profile.empty() ? c.current_a : c.current_profile.at(t - c.start_s);
  if (amps <= 0.0) return;  // a PV string at night is not a charger
  s.charger_present = true;
  s.charger_v = std::max(s.charger_v, c.voltage_v);
  s.charger_a += amps;
}

void apply_load(const Load& l, double t, WorldState& s) {
  const double v = l.profile.empty() ? l.value : l.profile.at(t - l.start_s);
  switch (l.kind) {
    case LoadKind::current:
      s.load_a += v;
      break;
    case LoadKind::power:
      s.load_w += v;
      break;
    case LoadKind::resistance:
      s.load_siemens += 1.0 / std::max(v, kMinResistanceOhm);
      break;
  }
}

void apply_fault(const Fault& f, WorldState& s) {
  const auto idx = static_cast<std::size_t>(std::max(f.index, 0));
  switch (f.kind) {
    case FaultKind::short_circuit:
      s.short_active = true;
      s.short_siemens +=
          1.0 / std::max(f.value > 0 ? f.value : kDefaultShortOhm, kMinResistanceOhm);
      break;
    case FaultKind::open_balance_wire:
      if (idx <= static_cast<std::size_t>(kMaxSimCells)) s.open_leads |= uint64_t{1} << idx;
      break;
    case FaultKind::cell_leak:
      if (idx < s.leak_a.size()) s.leak_a[idx] += f.value;
      break;
    case FaultKind::sensor_open:
      if (idx < s.sensor_fault.size()) s.sensor_fault[idx] = 1;
      break;
    case FaultKind::sensor_short:
      if (idx < s.sensor_fault.size()) s.sensor_fault[idx] = 2;
      break;
    case FaultKind::fet_stuck:
      (idx == 0 ? s.charge_fet : s.discharge_fet) = f.value != 0.0 ? Stuck::on : Stuck::off;
      break;
    case FaultKind::current_sensor:
      s.current_sensor_failed = true;
      s.current_sensor_a = f.value;
      break;
  }
}

}  // namespace

void World::add_solar_day(double pv_peak_a, double cv_v, double base_load_w, double peak_load_w,
                          double start_s, double end_s) {
  add_charger(Charger{start_s, end_s, cv_v, 0.0, solar_current_day(pv_peak_a)});
  add_load(Load{start_s, end_s, LoadKind::power, 0.0, house_load_day(base_load_w, peak_load_w)});
}

WorldState World::at(double t_s) const {
  WorldState s;
  s.ambient_c = ambient_.at(t_s);
  for (const auto& c : chargers_) {
    if (active(c.start_s, c.end_s, t_s)) apply_charger(c, t_s, s);
  }
  for (const auto& l : loads_) {
    if (active(l.start_s, l.end_s, t_s)) apply_load(l, t_s, s);
  }
  for (const auto& f : faults_) {
    if (active(f.start_s, f.end_s, t_s)) apply_fault(f, s);
  }
  return s;
}

double World::next_change_after(double t_s) const {
  double next = kForever;
  const auto consider = [&](double start, double end) {
    if (start > t_s) next = std::min(next, start);
    if (end > t_s) next = std::min(next, end);
  };
  for (const auto& c : chargers_) consider(c.start_s, c.end_s);
  for (const auto& l : loads_) consider(l.start_s, l.end_s);
  for (const auto& f : faults_) consider(f.start_s, f.end_s);
  return next;
}

}  // namespace softbms::sim
