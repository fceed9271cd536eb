#include "sim/power_path.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace softbms::sim {
namespace {

// What the world supplies at the terminals, written out from the Demand's description: the
// charger's CC/CV line, regeneration and a constant-current sink fading over the last volt, the
// conductances, and the board's sense divider.
double world_supplies_a(const PathParams& p, const Demand& d, double v) {
  double in = 0.0;
  if (d.charger) in += std::clamp((d.charger_v - v) / d.charger_ohm, 0.0, d.charger_a);
  in += d.source_a * std::clamp(d.compliance_v - v, 0.0, 1.0);
  in -= d.sink_a * std::clamp(v, 0.0, 1.0);
  return in - d.siemens * v - v / p.sense_ohm;
}

PathParams path(bool charge, bool discharge) {
  PathParams p;
  p.string_v = 52.8;
  p.string_ohm = 0.0035;
  p.shunt_ohm = 0.0001;
  p.fet_ohm = 0.0002;
  p.diode_v = 0.7;
  p.sense_ohm = 100e3;
  p.fets = {charge, discharge};
  return p;
}

TEST(PowerPath, operating_point_balances_path_and_world_for_every_fet_state_and_demand) {
  std::vector<Demand> demands;
  Demand charger;
  charger.charger = true;
  charger.charger_v = 55.2;
  charger.charger_a = 40.0;
  Demand cv = charger;
  cv.charger_v = 52.85;  // inside the CV slope: less than the CC limit flows
  Demand load;
  load.sink_a = 100.0;
  Demand regen;
  regen.source_a = 30.0;
  regen.compliance_v = 58.0;
  Demand short_circuit;
  short_circuit.siemens = 500.0;  // 2 mOhm
  Demand mixed = charger;
  mixed.sink_a = 25.0;
  mixed.siemens = 0.1;
  Demand nothing;
  demands = {charger, cv, load, regen, short_circuit, mixed, nothing};
  for (int f = 0; f < 4; ++f) {
    const PathParams p = path((f & 1) != 0, (f & 2) != 0);
    for (std::size_t i = 0; i < demands.size(); ++i) {
      const OperatingPoint op = solve_operating_point(p, demands[i]);
      const double supplied = world_supplies_a(p, demands[i], op.terminal_v);
      // Into the pack equals what the world supplies, to a microampere even at kiloamperes.
      EXPECT_NEAR(op.pack_a, supplied, 1e-6 + 1e-12 * std::abs(supplied)) << f << " " << i;
      EXPECT_EQ(op.pack_a, path_current(p, op.terminal_v));
      EXPECT_GE(op.terminal_v, 0.0);
    }
  }
}

TEST(PowerPath, charger_in_constant_current_pushes_its_limit_and_the_terminal_rises_by_i_r) {
  const PathParams p = path(true, true);
  Demand d;
  d.charger = true;
  d.charger_v = 58.0;
  d.charger_a = 40.0;
  const OperatingPoint op = solve_operating_point(p, d);
  const double loop_ohm = p.string_ohm + p.shunt_ohm + p.fet_ohm;
  EXPECT_NEAR(op.pack_a, 40.0 - op.terminal_v / p.sense_ohm, 1e-9);
  EXPECT_NEAR(op.terminal_v, p.string_v + op.pack_a * loop_ohm, 1e-9);
}

TEST(PowerPath, a_load_on_a_blocked_discharge_fet_flows_through_the_body_diode) {
  const PathParams p = path(false, true);  // charge FET off: its diode conducts discharge
  Demand d;
  d.sink_a = 50.0;
  const OperatingPoint op = solve_operating_point(p, d);
  const double loop_ohm = p.string_ohm + p.shunt_ohm + 0.5 * p.fet_ohm;
  EXPECT_NEAR(op.pack_a, -50.0 - op.terminal_v / p.sense_ohm, 1e-9);
  EXPECT_NEAR(op.terminal_v, p.string_v - p.diode_v + op.pack_a * loop_ohm, 1e-9);
}

// [M-BD4A] installation precautions, B- and P- reversed: balance lead 0 (50 mOhm) beside the
// shunt and FETs, which carry their share the wrong way round. Each FET state and direction:
// the pair blocks only when the FET whose body diode points the other way is open; an open FET
// whose diode points the right way passes current with the diode's drop.
TEST(PowerPath, b_and_p_reversed_the_lead_always_conducts_and_an_open_fet_by_its_body_diode) {
  struct Case {
    bool charge, discharge;
    double load_a;  // > 0 a load, < 0 a charger pushing that much
    bool fets_carry;
    bool diode;
  };
  const Case cases[] = {
      {true, true, 30, true, false},    // both channels: the FETs take nearly all
      {true, false, 30, true, true},    // a load crosses them in the charge direction: diode
      {false, true, 30, false, false},  // the charge FET blocks that direction
      {false, false, 30, false, false}, {true, true, -30, true, false},
      {false, true, -30, true, true},    // a charger: discharge channel, charge FET's diode
      {true, false, -30, false, false},  // the discharge FET blocks it
  };
  for (const Case& c : cases) {
    PathParams p = path(c.charge, c.discharge);
    p.bypass_ohm = 0.05;
    Demand d;
    d.sink_a = std::max(c.load_a, 0.0);
    d.source_a = std::max(-c.load_a, 0.0);
    d.compliance_v = 60.0;
    const OperatingPoint op = solve_operating_point(p, d);
    const double fets = fet_branch_a(p, op.pack_a);
    const double lead = op.pack_a - fets;
    const double u = lead * p.bypass_ohm;  // the same voltage across lead and FET branch
    SCOPED_TRACE(testing::Message() << c.charge << c.discharge << " " << c.load_a << " A: fets "
                                    << fets << " A, lead " << lead << " A");
    EXPECT_NEAR(op.pack_a, -c.load_a - op.terminal_v / p.sense_ohm, 1e-6) << "the load is served";
    EXPECT_NEAR(op.terminal_v, p.string_v + op.pack_a * p.string_ohm + u, 1e-6);
    if (!c.fets_carry) {
      EXPECT_EQ(fets, 0.0);
      EXPECT_NEAR(std::fabs(u), 1.5, 0.01) << "30 A x 50 mOhm across the lead alone";
    } else if (c.diode) {
      // The diode clamps the lead's drop a little above 0.7 V: it takes about half.
      EXPECT_GT(std::fabs(u), p.diode_v);
      EXPECT_LT(std::fabs(u), p.diode_v + 0.01);
      EXPECT_NEAR(std::fabs(lead), std::fabs(u) / p.bypass_ohm, 1e-6);
      EXPECT_GT(std::fabs(fets), 15.0);
      EXPECT_NEAR(fet_heat_w(p, op.pack_a),
                  std::fabs(fets) * (p.diode_v + 0.5 * p.fet_ohm * std::fabs(fets)), 1e-6);
    } else {
      EXPECT_NEAR(fets / op.pack_a, 0.05 / (0.05 + p.shunt_ohm + p.fet_ohm), 1e-6);
    }
    EXPECT_NEAR(path_current(p, op.terminal_v), op.pack_a, 1e-6);
  }
}

}  // namespace
}  // namespace softbms::sim
