#include "sim/world.hpp"

#include <algorithm>

namespace softbms::sim {
namespace {

constexpr double kDefaultShortOhm = 0.001;
constexpr double kDefaultBypassOhm = 0.05;  // a thin balance lead and its connector
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

// Charging, the inverter is a CC/CV source (the power path tapers the current at CV); discharging,
// a constant-current sink.
void apply_inverter(const InverterFlow& f, WorldState& s) {
  if (f.setpoint_a > 0.0) {
    s.charger_present = true;
    s.charger_v = std::max(s.charger_v, f.cv_v);
    s.charger_a += f.setpoint_a;
  } else if (f.setpoint_a < 0.0) {
    s.load_a -= f.setpoint_a;
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
    case FaultKind::leads_swapped:
    case FaultKind::lead_moved: {
      const auto to = static_cast<std::size_t>(std::max(f.value, 0.0));
      if (idx >= s.lead_node.size() || to >= s.lead_node.size()) break;
      s.lead_node[idx] = static_cast<uint8_t>(to + 1);
      if (f.kind == FaultKind::leads_swapped) s.lead_node[to] = static_cast<uint8_t>(idx + 1);
      s.leads_remapped = true;
      break;
    }
    case FaultKind::loose_terminal:
      s.terminal_ohm += std::max(f.value, 0.0);
      break;
    case FaultKind::b_p_reversed:
      s.bypass_ohm = f.value > 0.0 ? f.value : kDefaultBypassOhm;
      break;
  }
}

// Frames are taken on the link's schedule; a tick that lands a hair early still counts.
constexpr double kFrameSlackS = 1e-6;

}  // namespace

void World::set_inverter(const Inverter& inv) {
  inverter_ = inv;
  held_ = {};
  frame_at_s_ = -kForever;
  linked_ = false;
  bus_v_ = 0.0;
  below_cutoff_ = false;
}

void World::update_inverter(double t_s, const InverterLimits& bms, double bus_v) {
  if (!inverter_) return;
  const Inverter& inv = *inverter_;
  bus_v_ = bus_v;
  if (!linked_ || t_s - frame_at_s_ >= inv.link_period_s - kFrameSlackS) {
    held_ = bms;
    frame_at_s_ = t_s;
    linked_ = true;
  }
  track_cutoff(bus_v);
}

void World::update_inverter_silent(double t_s, double bus_v) {
  if (!inverter_) return;
  bus_v_ = bus_v;
  if (t_s - frame_at_s_ >= std::max(kBmsLostS, 3.0 * inverter_->link_period_s)) linked_ = false;
  track_cutoff(bus_v);
}

// Its own cutoff latches until the bus recovers to restart_v: the battery rebounds when the load
// stops, and without the latch the inverter would switch on and off every tick.
void World::track_cutoff(double bus_v) {
  const Inverter& inv = *inverter_;
  if (inv.cutoff_v <= 0.0) return;
  if (bus_v <= inv.cutoff_v) below_cutoff_ = true;
  if (bus_v >= std::max(inv.restart_v, inv.cutoff_v)) below_cutoff_ = false;
}

double World::inverter_charge_ceiling_a() const {
  const Inverter& inv = *inverter_;
  if (!inv.follow_limits) return inv.charge_voltage_v > 0.0 ? inv.max_charge_a : 0.0;
  if (!linked_ || !held_.charge_enable) return 0.0;
  return std::clamp(held_.ccl_a, 0.0, inv.max_charge_a);
}

double World::inverter_discharge_ceiling_a() const {
  const Inverter& inv = *inverter_;
  if (below_cutoff_) return 0.0;
  if (!inv.follow_limits) return inv.max_discharge_a;
  if (!linked_ || !held_.discharge_enable) return 0.0;
  return std::clamp(held_.dcl_a, 0.0, inv.max_discharge_a);
}

double World::inverter_cv_v() const {
  const Inverter& inv = *inverter_;
  if (!inv.follow_limits) return inv.charge_voltage_v;
  // The BMS gone (asleep): its own setting, or the last CVL it had.
  if (!linked_) return inv.charge_voltage_v > 0.0 ? inv.charge_voltage_v : held_.cvl_v;
  // Its own setting stays a backstop: it never charges above it, whatever the BMS asks.
  return inv.charge_voltage_v > 0.0 ? std::min(held_.cvl_v, inv.charge_voltage_v) : held_.cvl_v;
}

InverterFlow World::inverter_flow(double t_s) const {
  const Inverter& inv = *inverter_;
  const double wake_a = inv.follow_limits ? inv.wake_a : 0.0;
  InverterFlow f;
  f.present = true;
  const double clock = t_s - inv.start_s + inv.clock_at_start_s;
  f.pv_w = std::max(0.0, inv.pv_w.at(clock));
  f.house_w = std::max(0.0, inv.house_w.at(clock));
  f.cv_v = inverter_cv_v();
  if (bus_v_ < kNoBatteryV) {
    // Its battery port reads (next to) nothing: the discharge FET is open (after an under-voltage
    // trip) and only the charge direction conducts, through the charge FET and the discharge
    // FET's body diode; or no bus voltage has been read yet. Running on PV, a hybrid then starts
    // the battery charge from its own charge voltage (a "battery wake-up" / PV charge start):
    // it sizes the current at its CV, and once current flows the port reads the pack again.
    // No current can come out of the pack. With wake_a it adds the grid: while the BMS is
    // silent (asleep) its wake-up current, the charger voltage that wakes a JK board; while the
    // BMS asks for a force charge, that current within the CCL.
    if (f.cv_v <= 0.0) return f;
    const double pv_a = std::max(0.0, (f.pv_w - f.house_w) / f.cv_v);
    if (!linked_ && inv.follow_limits) {
      f.setpoint_a = std::min(wake_a, inv.max_charge_a);
      return f;
    }
    const double grid_a = held_.force_charge ? wake_a : 0.0;
    f.setpoint_a = std::min(std::max(pv_a, grid_a), inverter_charge_ceiling_a());
    return f;
  }
  const double surplus_a = (f.pv_w - f.house_w) / bus_v_;
  f.setpoint_a = surplus_a >= 0.0 ? std::min(surplus_a, inverter_charge_ceiling_a())
                                  : -std::min(-surplus_a, inverter_discharge_ceiling_a());
  // A force charge (Pylon's convention): charge from the grid if need be, never discharge.
  if (linked_ && held_.force_charge && wake_a > 0.0)
    f.setpoint_a = std::max(f.setpoint_a, std::min(wake_a, inverter_charge_ceiling_a()));
  if (f.setpoint_a > 0.0 && f.cv_v <= 0.0) f.setpoint_a = 0.0;
  return f;
}

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
  for (const auto& p : presses_) s.button = s.button || active(p.start_s, p.end_s, t_s);
  if (inverter_ && active(inverter_->start_s, inverter_->end_s, t_s)) {
    s.inverter = inverter_flow(t_s);
    apply_inverter(s.inverter, s);
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
  for (const auto& p : presses_) consider(p.start_s, p.end_s);
  if (inverter_) consider(inverter_->start_s, inverter_->end_s);
  return next;
}

}  // namespace softbms::sim
