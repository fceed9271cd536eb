// The power path between the cell string and the terminals: shunt, the back-to-back charge and
// discharge FETs with their body diodes, and the operating point that the string, the FETs and
// the outside world (chargers, loads, a short) settle at.
#pragma once

#include "core/io/outputs.hpp"
#include "sim/world.hpp"

namespace softbms::sim {

struct FetState {
  bool charge = false;  // channel conducts
  bool discharge = false;
};

// Which channels conduct: the command, unless the board is off, a FET is stuck, or the
// short-circuit latch holds the discharge FET off.
FetState conducting_fets(const core::Outputs& out, const WorldState& world, bool powered,
                         bool scp_latched);

struct PathParams {
  double string_v = 0.0;    // string voltage at zero pack current (aux draws included)
  double string_ohm = 0.0;  // string resistance (cells and links)
  double shunt_ohm = 0.0;
  double fet_ohm = 0.0;  // both channels together; each is half
  double diode_v = 0.0;
  double sense_ohm = 1e5;  // the board's P+/P- divider
  FetState fets;
  // The precharge path: a resistor from the string to P+/P- around the discharge FET, switched
  // by Outputs::precharge (0 = no path).
  double precharge_ohm = 0.0;
  // > 0: B- and P- reversed ([M-BD4A] installation precautions). Balance lead 0, of this
  // resistance, joins the battery's negative to the board's B- node beside the shunt and FETs,
  // which then carry their share the wrong way round: a load's current crosses them in their
  // charge direction (the charge channel must conduct; the discharge FET conducts by channel or
  // by its body diode), a charger's in their discharge direction (the other way about). So an
  // open FET still passes current through its body diode, and the pair blocks a direction only
  // when the FET whose diode does not conduct that way is open; the lead conducts always.
  double bypass_ohm = 0.0;
};

// What the outside world asks, reduced to a few monotonic elements.
struct Demand {
  bool charger = false;
  double charger_v = 0.0;
  double charger_a = 0.0;
  double charger_ohm = 0.005;  // CV regulation slope
  double sink_a = 0.0;         // constant current drawn (+), fading to 0 below 1 V
  double source_a = 0.0;       // regeneration pushed in (+), fading to 0 at compliance_v
  double compliance_v = 0.0;
  double siemens = 0.0;  // resistive loads and shorts
  // A capacitor across the terminals (an inverter's input capacitance) at cap_v, through its
  // series resistance: takes (v - cap_v) * cap_siemens (0 = none).
  double cap_siemens = 0.0;
  double cap_v = 0.0;
};

struct OperatingPoint {
  double terminal_v = 0.0;
  double pack_a = 0.0;  // + = into the pack (charge)
};

// Current into the pack when the terminals sit at terminal_v.
double path_current(const PathParams& p, double terminal_v);
// The terminal voltage where the path's current equals what the world supplies (bisection on a
// monotonic balance, so it always converges, also with the FETs off or a short).
OperatingPoint solve_operating_point(const PathParams& p, const Demand& d);
// Heat in the FETs at this current: channel I^2 R and body-diode drop.
double fet_heat_w(const PathParams& p, double pack_a);
// The part of pack_a that crosses the shunt and the FETs (all of it, unless B- and P- are
// reversed: then the rest runs along balance lead 0).
double fet_branch_a(const PathParams& p, double pack_a);

}  // namespace softbms::sim
