#include "sim/plant.hpp"

#include <algorithm>
#include <cmath>

namespace softbms::sim {
namespace {

constexpr double kChargerRegulationOhm = 0.005;
constexpr double kMinSinkVoltageV = 0.1;        // a balancer cannot charge a cell that is not there
constexpr double kPowerLoadToleranceV = 0.001;  // 0.002 % of a 48 V pack's current
constexpr int kPowerLoadRounds = 4;

// Rounds half away from zero like std::llround, without the library call (several per step).
int64_t round_half_away(double x) {
  return static_cast<int64_t>(x < 0.0 ? x - 0.5 : x + 0.5);
}

// B- and P- reversed ([M-BD4A] installation precautions: check that B- and P- are not
// reversed). The battery's negative reaches the board's B- node twice: through the shunt and
// FETs (the wrong way round, body diodes included) and through balance lead 0, which joins B- on
// the board (PathParams::bypass_ohm). The precharge resistor then has no path of its own.
void reverse_b_p(PathParams& p, double bypass_ohm) {
  p.bypass_ohm = bypass_ohm;
  p.precharge_ohm = 0.0;
}

int64_t to_us(double s) {
  constexpr double kMaxUs = 9.0e18;  // inside int64_t: a far-off event stays far off
  return round_half_away(std::clamp(s * 1e6, -kMaxUs, kMaxUs));
}

int32_t milli(double x) {
  return static_cast<int32_t>(round_half_away(x * 1000.0));
}

bool leads_connected(uint64_t open_leads, int cell) {
  return ((open_leads >> cell) & 3U) == 0;  // leads cell and cell + 1
}

}  // namespace

Plant::Plant(const PackConfig& config, World world)
    : config_(config),
      pack_(config),
      world_(std::move(world)),
      sensors_(config, pack_.cells()),
      board_c_(config.initial_temp_c) {
  const double v_nom = pack_.nominal_voltage_v();
  heater_ohm_ = config.heater_power_w > 0 ? v_nom * v_nom / config.heater_power_w : 0.0;
  terminal_v_ = pack_.thevenin().e_v;
}

core::Measurements Plant::step(const core::Outputs& out, double dt_s) {
  const int64_t end_us = now_us_ + std::max<int64_t>(0, to_us(dt_s));
  // The hardware latch holds the discharge FET off until the core has switched it off too.
  if (scp_latched_ && !out.discharge_fet) scp_latched_ = false;
  const double threshold_a =
      out.scp_current.count() > 0 ? out.scp_current.count() / 1000.0 : config_.scp_current_a;
  const int64_t delay_us = std::max<int64_t>(0, out.scp_delay.count());
  const int64_t fast_us = std::max<int64_t>(1, to_us(config_.fast_substep_us * 1e-6));
  const int64_t max_us = std::max<int64_t>(1, to_us(config_.max_substep_s));

  Sub s;  // the last sub-step's inputs: the world the measurement sees
  bool stepped = false;
  while (now_us_ < end_us) {
    prepare(out, time_s(), s);
    stepped = true;
    int64_t limit = std::min(end_us, now_us_ + max_us);
    const double next = world_.next_change_after(time_s());
    if (next < kForever && to_us(next) > now_us_) limit = std::min(limit, to_us(next));

    const bool over = !scp_latched_ && std::fabs(s.op.pack_a) > threshold_a;
    if (!over) comparator_us_ = 0;
    if (over && comparator_us_ >= delay_us) {  // scp_delay 0: trips before current flows
      scp_latched_ = true;
      ++totals_.scp_trips;
      continue;
    }
    if (over) limit = std::min({limit, now_us_ + fast_us, now_us_ + (delay_us - comparator_us_)});
    const int64_t dt_us = limit - now_us_;
    advance(s, dt_us);
    now_us_ = limit;
    if (over) comparator_us_ += dt_us;
    if (over && comparator_us_ >= delay_us) {
      scp_latched_ = true;
      ++totals_.scp_trips;
    }
  }
  if (!stepped) s.world = world_.at(time_s());
  fets_ = conducting_fets(out, s.world, !out.shutdown, scp_latched_);  // what the readback sees now
  return measure(s.world);
}

void Plant::prepare(const core::Outputs& out, double t_s, Sub& s) {
  s.world = world_.at(t_s);
  pack_.set_leaks(s.world.leak_a);
  const bool powered = !out.shutdown;
  awake_ = powered && !out.sleep;
  fets_ = conducting_fets(out, s.world, powered, scp_latched_);
  apply_balancer(out, s.world, awake_);

  const Thevenin th = pack_.thevenin();
  // The heating film takes its power from the charger when one is present ([M-BD4A] heating
  // film, [M-PB] P10): it then hangs on the terminals, the charger feeds it and the cells do
  // not. Without a charger it runs from the cells, past the shunt.
  const bool heat = awake_ && out.heater && heater_ohm_ > 0;
  const bool from_charger = heat && s.world.charger_present;
  heater_a_ = heat && !from_charger ? th.e_v / heater_ohm_ : 0.0;
  const double board_a =
      powered ? (awake_ ? config_.board_awake_ma : config_.board_sleep_ma) / 1000.0 : 0.0;
  s.aux_a = heater_a_ + board_a;
  s.board_w = board_a * th.e_v;
  s.bal_loss_w = bal_v_src_ * bal_src_a_ - bal_v_sink_ * bal_sink_a_;
  s.path.string_v = th.e_v - th.r_ohm * s.aux_a;
  s.path.string_ohm = th.r_ohm;
  s.path.shunt_ohm = config_.shunt_resistance_mohm * 1e-3 + s.world.terminal_ohm;
  s.path.fet_ohm = config_.fet_on_resistance_mohm * 1e-3;
  s.path.diode_v = config_.body_diode_drop_v;
  s.path.sense_ohm = config_.terminal_sense_ohm;
  s.path.fets = fets_;
  s.path.precharge_ohm = awake_ && out.precharge ? config_.precharge_ohm : 0.0;
  if (s.world.bypass_ohm > 0.0) reverse_b_p(s.path, s.world.bypass_ohm);
  s.demand = demand(s.world, th.e_v, terminal_v_);
  if (from_charger) s.demand.siemens += 1.0 / heater_ohm_;
  s.op = solve_operating_point(s.path, s.demand);
  // A constant-power load drew P / V at the last sub-step's voltage; where that moved, it is
  // corrected at the voltage just solved until the two agree (a power step of the DST cycle moves
  // it by volts: the current would be percents off for a whole 1 s sub-step). Each round shrinks
  // the error by R I / V, a few percent: two rounds nearly always do.
  double v_used = terminal_v_;
  for (int round = 0; round < kPowerLoadRounds && s.world.load_w != 0.0 &&
                      std::fabs(s.op.terminal_v - v_used) > kPowerLoadToleranceV;
       ++round) {
    const double siemens = s.demand.siemens;
    v_used = s.op.terminal_v;
    s.demand = demand(s.world, th.e_v, v_used);
    s.demand.siemens = siemens;
    s.op = solve_operating_point(s.path, s.demand);
  }
  if (from_charger) heater_a_ = s.op.terminal_v / heater_ohm_;
  s.board_a = board_a;
}

// The balancer takes I from the source cell and delivers efficiency * P_source into the sink
// cell; the rest heats the board.
void Plant::apply_balancer(const core::Outputs& out, const WorldState& world, bool awake) {
  pack_.clear_extra_currents();
  bal_src_a_ = bal_sink_a_ = bal_v_src_ = bal_v_sink_ = 0.0;
  const auto& b = out.balancer;
  const int n = pack_.cells();
  const int src = b.source_cell;
  const int sink = b.sink_cell;
  const double requested_a = b.current.count() / 1000.0;
  if (!awake || !b.active || src >= n || sink >= n || src == sink || requested_a <= 0) return;
  if (!leads_connected(world.open_leads, src) || !leads_connected(world.open_leads, sink)) return;
  const double v_src = pack_.voltage_without_extra_v(src, series_a_);
  const double v_sink = pack_.voltage_without_extra_v(sink, series_a_);
  if (v_src <= kMinSinkVoltageV || v_sink <= kMinSinkVoltageV) return;
  const double i_src =
      std::min(requested_a, config_.balancer_max_a) * config_.balancer_effective_ratio;
  const double i_sink = config_.balancer_efficiency * v_src * i_src / v_sink;
  pack_.set_cell_extra_current(src, -i_src);
  pack_.set_cell_extra_current(sink, i_sink);
  bal_src_a_ = i_src;
  bal_sink_a_ = i_sink;
  bal_v_src_ = v_src;
  bal_v_sink_ = v_sink;
}

// Constant-power loads draw P / V at a given terminal voltage, the last sub-step's (a voltage
// given, not solved for, keeps the balance monotonic and solvable); prepare() corrects it once.
Demand Plant::demand(const WorldState& world, double string_v, double terminal_v) const {
  Demand d;
  d.charger = world.charger_present;
  d.charger_v = world.charger_v;
  d.charger_a = world.charger_a;
  d.charger_ohm = kChargerRegulationOhm;
  const double v_for_power = std::max(terminal_v, 0.5 * string_v);
  const double amps = world.load_a + (v_for_power > 0 ? world.load_w / v_for_power : 0.0);
  d.sink_a = std::max(amps, 0.0);
  d.source_a = std::max(-amps, 0.0);
  d.compliance_v = pack_.cells() * pack_.model().ocv_above_v;
  d.siemens = world.load_siemens + world.short_siemens;
  if (config_.load_capacitance_mf > 0.0) {
    d.cap_siemens = 1.0 / std::max(config_.load_capacitor_mohm * 1e-3, 1e-6);
    d.cap_v = cap_v_;
  }
  return d;
}

void Plant::advance(const Sub& s, int64_t dt_us) {
  const double dt = static_cast<double>(dt_us) / 1e6;
  const double dt_h = dt / 3600.0;
  pack_a_ = s.op.pack_a;
  terminal_v_ = s.op.terminal_v;
  path_ = s.path;
  series_a_ = pack_a_ - s.aux_a;
  const double heater_w = heater_a_ * heater_a_ * heater_ohm_;
  pack_.advance({series_a_, s.world.ambient_c, heater_w / pack_.cells()}, dt);
  pack_.refresh_voltages();  // read twice before the next advance: the sensors, the next solve
  charge_capacitor(s, dt);

  // A loose main terminal heats the busbar the board's MOS sensor sits on.
  const double fet_w = fet_heat_w(s.path, pack_a_) + pack_a_ * pack_a_ * s.world.terminal_ohm;
  const double board_w = fet_w + s.bal_loss_w + s.board_w;
  const double g = config_.board_to_ambient_w_per_k;
  const double target = s.world.ambient_c + board_w / g;
  if (dt != board_dt_s_) {  // the step is the control period nearly always: exp() once
    board_dt_s_ = dt;
    board_decay_ = std::exp(-dt * g / config_.board_heat_capacity_j_per_k);
  }
  board_c_ = target + (board_c_ - target) * board_decay_;
  sensors_.track(pack_, board_c_, dt);

  auto& t = totals_;
  if (pack_a_ > 0) {
    t.charge_in_ah += pack_a_ * dt_h;
    t.energy_in_wh += terminal_v_ * pack_a_ * dt_h;
  } else {
    t.charge_out_ah -= pack_a_ * dt_h;
    t.energy_out_wh -= terminal_v_ * pack_a_ * dt_h;
  }
  t.balancer_out_ah += bal_src_a_ * dt_h;
  t.balancer_in_ah += bal_sink_a_ * dt_h;
  t.balancer_out_wh += bal_v_src_ * bal_src_a_ * dt_h;
  t.balancer_in_wh += bal_v_sink_ * bal_sink_a_ * dt_h;
  t.balancer_loss_wh += s.bal_loss_w * dt_h;
  t.heater_wh += heater_w * dt_h;
  t.fet_heat_wh += fet_w * dt_h;
  t.board_ah += s.board_a * dt_h;
}

// The capacitors see the rest of the circuit as a source that is linear around the operating
// point: the current into them at cap_v and 1 mV above (close enough that no FET knee or diode
// lies between, far enough above rounding) gives its voltage and conductance,
// and the capacitor voltage moves exactly (exponentially) towards it. The time constant of an
// inrush is tens of microseconds, so an explicit step would ring.
void Plant::charge_capacitor(const Sub& s, double dt_s) {
  if (s.demand.cap_siemens <= 0.0) return;
  const double farad = config_.load_capacitance_mf * 1e-3;
  const double i1 = (s.op.terminal_v - s.demand.cap_v) * s.demand.cap_siemens;
  Demand up = s.demand;
  constexpr double kProbeV = 1e-3;
  up.cap_v += kProbeV;
  const double i2 = (solve_operating_point(s.path, up).terminal_v - up.cap_v) * up.cap_siemens;
  const double g = (i1 - i2) / kProbeV;  // A per V: > 0, the source sags as the capacitors fill
  if (g <= 1e-12) {
    cap_v_ += i1 * dt_s / farad;
    return;
  }
  const double target = s.demand.cap_v + i1 / g;
  cap_v_ = target + (s.demand.cap_v - target) * std::exp(-dt_s * g / farad);
}

core::Measurements Plant::measure(const WorldState& world) {
  core::Measurements m;
  SensedTruth truth{series_a_, pack_a_, board_c_, terminal_v_};
  if (path_.bypass_ohm > 0.0) {
    // B-/P- reversed: the FETs' share of the current crosses the shunt backwards; the rest runs
    // along balance lead 0, whose drop shifts the board's ground under cell 1.
    const double through_fets = fet_branch_a(path_, pack_a_);
    truth.pack_a = -through_fets;
    truth.lead0_v = (pack_a_ - through_fets) * path_.bypass_ohm;
  }
  sensors_.read(pack_, truth, world, m);
  m.balance_current = Milliamps(milli(-bal_src_a_));
  m.terminal_voltage = Millivolts(milli(terminal_v_));
  m.short_circuit = scp_latched_;
  m.heater_current = Milliamps(milli(heater_a_));
  m.charge_fet_readback = fets_.charge;
  m.discharge_fet_readback = fets_.discharge;
  m.button = world.button;
  return m;
}

}  // namespace softbms::sim
