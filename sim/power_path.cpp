#include "sim/power_path.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace softbms::sim {
namespace {

constexpr double kKneeV = 1.0;  // loads and regeneration fade out over the last volt
constexpr int kMaxKinks = 8;    // path: 2 (reversed: 3), charger: 2, regeneration: 2, sink: 1

bool conducts(bool commanded, Stuck stuck) {
  if (stuck == Stuck::on) return true;
  if (stuck == Stuck::off) return false;
  return commanded;
}

// Open-circuit voltages at which charging / discharging starts, and the loop resistances.
struct Knees {
  double charge_v, charge_ohm, discharge_v, discharge_ohm;
};

Knees knees(const PathParams& p) {
  const double half = 0.5 * p.fet_ohm;
  const double base = p.string_ohm + p.shunt_ohm;
  // Charging needs the charge channel; the discharge FET conducts by channel or by its diode.
  const double c_v = p.string_v + (p.fets.discharge ? 0.0 : p.diode_v);
  const double c_ohm = base + half + (p.fets.discharge ? half : 0.0);
  const double d_v = p.string_v - (p.fets.charge ? 0.0 : p.diode_v);
  const double d_ohm = base + half + (p.fets.charge ? half : 0.0);
  return {c_v, c_ohm, d_v, d_ohm};
}

// B-/P- reversed (PathParams::bypass_ohm): the current (+ = into the pack) the shunt and FETs
// carry with u volts across them. Charging the pack crosses them in their discharge direction,
// a load in their charge direction.
double reversed_fet_a(const PathParams& p, double u) {
  const double half = 0.5 * p.fet_ohm;
  const bool charging = u > 0.0;
  const bool needed = charging ? p.fets.discharge : p.fets.charge;  // blocks: its diode does not
  const bool other = charging ? p.fets.charge : p.fets.discharge;   // channel, or body diode
  if (!needed) return 0.0;
  const double ohm = p.shunt_ohm + half + (other ? half : 0.0);
  const double drop = other ? 0.0 : p.diode_v;
  return charging ? std::max(0.0, u - drop) / ohm : std::min(0.0, u + drop) / ohm;
}

// Lead and FETs together.
double reversed_a(const PathParams& p, double u) {
  return u / p.bypass_ohm + reversed_fet_a(p, u);
}

// The u where f(u) = target, for an f that increases and is linear apart from kinks at
// -diode_v, 0 and +diode_v (as reversed_a is, and u + string_ohm * reversed_a).
template <typename F>
double solve_reversed(const PathParams& p, F f, double target) {
  const double d = std::max(p.diode_v, 1e-3);
  const std::array<double, 5> u = {-d - 1.0, -d, 0.0, d, d + 1.0};
  std::array<double, 5> y{};
  for (std::size_t i = 0; i < u.size(); ++i) y[i] = f(u[i]);
  std::size_t i = 0;  // the segment [u[i], u[i + 1]] holding target (the outer ones extended)
  while (i + 2 < u.size() && target > y[i + 1]) ++i;
  if (y[i + 1] == y[i]) return u[i];
  return u[i] + (target - y[i]) * (u[i + 1] - u[i]) / (y[i + 1] - y[i]);
}

// The voltage across lead and FETs when the terminals sit at terminal_v.
double reversed_u(const PathParams& p, double terminal_v) {
  return solve_reversed(
      p, [&p](double u) { return u + p.string_ohm * reversed_a(p, u); }, terminal_v - p.string_v);
}

double world_current(const Demand& d, double v) {
  double in = 0.0;
  if (d.charger) in += std::clamp((d.charger_v - v) / d.charger_ohm, 0.0, d.charger_a);
  in += d.source_a * std::clamp((d.compliance_v - v) / kKneeV, 0.0, 1.0);
  in -= d.sink_a * std::clamp(v / kKneeV, 0.0, 1.0);
  in -= d.siemens * v;
  in -= d.cap_siemens * (v - d.cap_v);
  return in;
}

// The voltages where balance() below changes slope, sorted, those inside (lo, hi) only.
struct Kinks {
  std::array<double, kMaxKinks> v{};
  int count = 0;

  void add(double x, double lo, double hi) {
    if (!(x > lo && x < hi) || count == kMaxKinks) return;
    int i = count++;
    for (; i > 0 && v[i - 1] > x; --i) v[i] = v[i - 1];  // insertion: at most 7 entries
    v[i] = x;
  }
};

// A piece of the balance that is linear, with its values at both ends (b_lo <= 0 at lo).
struct Segment {
  double lo, b_lo, hi, b_hi;

  [[nodiscard]] double root() const {
    if (b_lo >= 0.0) return lo;  // the balance is zero at lo already
    if (b_hi <= 0.0) return hi;  // zero at the top of the range (or nothing pushes it higher)
    return std::clamp(lo - b_lo * (hi - lo) / (b_hi - b_lo), lo, hi);
  }
};

Kinks kinks(const PathParams& p, const Demand& d, double lo, double hi) {
  Kinks k;
  const Knees n = knees(p);
  if (p.bypass_ohm > 0.0) {
    for (const double u : {-p.diode_v, 0.0, p.diode_v})
      k.add(p.string_v + u + p.string_ohm * reversed_a(p, u), lo, hi);
  } else {
    if (p.fets.charge) k.add(n.charge_v, lo, hi);
    if (p.fets.discharge || p.precharge_ohm > 0.0) k.add(n.discharge_v, lo, hi);
  }
  if (d.charger) {
    k.add(d.charger_v, lo, hi);
    k.add(d.charger_v - d.charger_a * d.charger_ohm, lo, hi);
  }
  if (d.source_a != 0.0) {
    k.add(d.compliance_v - kKneeV, lo, hi);
    k.add(d.compliance_v, lo, hi);
  }
  if (d.sink_a != 0.0) k.add(kKneeV, lo, hi);
  return k;
}

}  // namespace

FetState conducting_fets(const core::Outputs& out, const WorldState& world, bool powered,
                         bool scp_latched) {
  FetState f;
  f.charge = conducts(powered && out.charge_fet, world.charge_fet);
  f.discharge = conducts(powered && out.discharge_fet && !scp_latched, world.discharge_fet);
  return f;
}

double path_current(const PathParams& p, double terminal_v) {
  if (p.bypass_ohm > 0.0) return reversed_a(p, reversed_u(p, terminal_v));
  const Knees k = knees(p);
  // The precharge resistor bypasses the discharge FET (the charge FET's channel or diode is in
  // series, as for discharging); it matters only while the discharge channel is open.
  const double pre = p.precharge_ohm > 0.0 && !p.fets.discharge && terminal_v < k.discharge_v
                         ? (terminal_v - k.discharge_v) / (k.discharge_ohm + p.precharge_ohm)
                         : 0.0;
  if (p.fets.charge && terminal_v > k.charge_v) return (terminal_v - k.charge_v) / k.charge_ohm;
  if (p.fets.discharge && terminal_v < k.discharge_v) {
    return (terminal_v - k.discharge_v) / k.discharge_ohm;
  }
  return pre;
}

OperatingPoint solve_operating_point(const PathParams& p, const Demand& d) {
  // balance(v) = into the pack through the path - what the world (minus the divider) supplies;
  // it never decreases with v, it is <= 0 at 0 V and >= 0 above every source's voltage. Every
  // element is linear between its kinks (the FET knees, the charger's CC/CV corner, the load
  // and regeneration fades), so the root is found exactly: walk the kinks to the segment where
  // the balance turns positive and interpolate inside it. At most nine evaluations, where a
  // bisection to 1 pV took fifty.
  const auto balance = [&](double v) {
    return path_current(p, v) - (world_current(d, v) - v / p.sense_ohm);
  };
  const double top =
      std::max({p.string_v + p.diode_v, d.charger ? d.charger_v : 0.0, d.compliance_v}) + kKneeV;
  const Kinks k = kinks(p, d, 0.0, top);
  Segment seg{0.0, balance(0.0), top, 0.0};
  int i = 0;
  for (; i < k.count; ++i) {
    const double b = balance(k.v[i]);
    if (b > 0.0) {
      seg.hi = k.v[i];
      seg.b_hi = b;
      break;
    }
    seg.lo = k.v[i];
    seg.b_lo = b;
  }
  if (i == k.count) seg.b_hi = balance(top);
  const double v = seg.root();
  return {v, path_current(p, v)};
}

double fet_branch_a(const PathParams& p, double pack_a) {
  if (p.bypass_ohm <= 0.0) return pack_a;
  const double u = solve_reversed(
      p, [&p](double x) { return reversed_a(p, x); }, pack_a);
  return reversed_fet_a(p, u);
}

double fet_heat_w(const PathParams& p, double pack_a) {
  const double half = 0.5 * p.fet_ohm;
  const double through = fet_branch_a(p, pack_a);
  const double i = std::fabs(through);
  if (through == 0.0) return 0.0;
  // The FET that may conduct by its diode: the discharge FET when charging, the charge FET when
  // discharging; reversed wiring swaps them.
  const bool reversed = p.bypass_ohm > 0.0;
  const bool other_on = (through > 0) != reversed ? p.fets.discharge : p.fets.charge;
  return half * i * i + (other_on ? half * i * i : p.diode_v * i);
}

}  // namespace softbms::sim
