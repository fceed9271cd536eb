#include "sim/power_path.hpp"

#include <algorithm>
#include <cmath>

namespace softbms::sim {
namespace {

constexpr double kKneeV = 1.0;  // loads and regeneration fade out over the last volt
constexpr int kBisectionSteps = 100;

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

double world_current(const Demand& d, double v) {
  double in = 0.0;
  if (d.charger) in += std::clamp((d.charger_v - v) / d.charger_ohm, 0.0, d.charger_a);
  in += d.source_a * std::clamp((d.compliance_v - v) / kKneeV, 0.0, 1.0);
  in -= d.sink_a * std::clamp(v / kKneeV, 0.0, 1.0);
  in -= d.siemens * v;
  return in;
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
  const Knees k = knees(p);
  if (p.fets.charge && terminal_v > k.charge_v) return (terminal_v - k.charge_v) / k.charge_ohm;
  if (p.fets.discharge && terminal_v < k.discharge_v) {
    return (terminal_v - k.discharge_v) / k.discharge_ohm;
  }
  return 0.0;
}

OperatingPoint solve_operating_point(const PathParams& p, const Demand& d) {
  // balance(v) = into the pack through the path - what the world (minus the divider) supplies;
  // it never decreases with v, it is <= 0 at 0 V and >= 0 above every source's voltage.
  const auto balance = [&](double v) {
    return path_current(p, v) - (world_current(d, v) - v / p.sense_ohm);
  };
  double lo = 0.0;
  double hi =
      std::max({p.string_v + p.diode_v, d.charger ? d.charger_v : 0.0, d.compliance_v}) + kKneeV;
  for (int i = 0; i < kBisectionSteps && hi - lo > 1e-12; ++i) {
    const double mid = 0.5 * (lo + hi);
    (balance(mid) > 0.0 ? hi : lo) = mid;
  }
  const double v = 0.5 * (lo + hi);
  return {v, path_current(p, v)};
}

double fet_heat_w(const PathParams& p, double pack_a) {
  const double half = 0.5 * p.fet_ohm;
  const double i = std::fabs(pack_a);
  if (pack_a == 0.0) return 0.0;
  const bool other_on = pack_a > 0 ? p.fets.discharge : p.fets.charge;
  return half * i * i + (other_on ? half * i * i : p.diode_v * i);
}

}  // namespace softbms::sim
