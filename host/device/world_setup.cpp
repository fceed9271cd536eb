#include "host/device/world_setup.hpp"

namespace softbms::host {
namespace {

double charger_cv_v(const core::Settings& s) {
  return static_cast<double>(s.raw(core::Param::request_charge_voltage)) * s.cells() / 1000.0;
}

}  // namespace

sim::World make_world(const WorldOptions& o, const core::Settings& s) {
  sim::World w;
  w.set_ambient(o.ambient_c);
  if (o.load_a || o.charge_a) {
    if (o.charge_a)
      w.add_charger(sim::Charger{0.0, sim::kForever, charger_cv_v(s), *o.charge_a, {}});
    if (o.load_a) w.add_load(sim::Load{0.0, sim::kForever, sim::LoadKind::current, *o.load_a, {}});
    return w;
  }
  // Sized from the pack: PV peaks at 0.2 C, the house draws 2 % of the pack's energy per hour
  // as base load and 18 % at its peaks (a 14 kWh pack: 290 W base, 2.6 kW peak).
  const double capacity_ah = static_cast<double>(s.raw(core::Param::design_capacity)) / 1000.0;
  const double nominal_v =
      static_cast<double>(s.raw(core::Param::soc_0_voltage) + s.raw(core::Param::soc_100_voltage)) /
      2000.0 * s.cells();
  const double energy_wh = capacity_ah * nominal_v;
  // Starting the profiles before time 0 puts the simulated day at the wall clock's hour.
  w.add_solar_day(0.2 * capacity_ah, charger_cv_v(s), 0.02 * energy_wh, 0.18 * energy_wh,
                  -o.day_start_s);
  return w;
}

}  // namespace softbms::host
