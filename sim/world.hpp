// The world around the pack: chargers, loads, the ambient temperature and faults at given times.
// The world says what is demanded; the pack and the FETs decide what flows (see plant.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "sim/pack_config.hpp"
#include "sim/profile.hpp"

namespace softbms::sim {

inline constexpr double kForever = std::numeric_limits<double>::infinity();

// A CC/CV charger. Connected between start_s and end_s; with a current profile (time from
// start_s) the CC limit follows it, e.g. PV current over a day. Its open-circuit voltage is
// voltage_v: that is what the BMS sees on the terminals when the charge FET is off.
struct Charger {
  double start_s = 0.0;
  double end_s = kForever;
  double voltage_v = 0.0;
  double current_a = 0.0;
  Profile current_profile;
};

enum class LoadKind : uint8_t { current, power, resistance };

// A load between start_s and end_s. value: A, W or Ohm; + = discharge. Negative current or
// power is regeneration (into the pack). With a profile (time from start_s) the profile gives
// the value instead.
struct Load {
  double start_s = 0.0;
  double end_s = kForever;
  LoadKind kind = LoadKind::current;
  double value = 0.0;
  Profile profile;
};

enum class FaultKind : uint8_t {
  short_circuit,      // value = resistance across P+/P- in Ohm (default 1 mOhm)
  open_balance_wire,  // index = lead 0..n (lead k is the negative lead of cell k; lead n the top)
  cell_leak,          // index = cell, value = leak current in A
  sensor_open,        // index = temperature input (0 = MOS, 1..5 = T1..T5): reads 0 Ohm (open)
  sensor_short,       // index = temperature input: reads a few Ohm (shorted)
  fet_stuck,          // index 0 = charge FET, 1 = discharge FET; value 1 = stuck on, 0 = stuck off
  current_sensor,     // the shunt amplifier fails: the reading is value (A, + = charge)
};

struct Fault {
  FaultKind kind = FaultKind::short_circuit;
  double start_s = 0.0;
  double end_s = kForever;
  int index = 0;
  double value = 0.0;
};

enum class Stuck : int8_t { no = -1, off = 0, on = 1 };

// Everything the world imposes at one instant.
struct WorldState {
  double ambient_c = 25.0;
  // Chargers in parallel: the highest voltage regulates; currents add.
  bool charger_present = false;
  double charger_v = 0.0;
  double charger_a = 0.0;
  // Loads: constant current (A), constant power (W), conductance (S); + = discharge.
  double load_a = 0.0;
  double load_w = 0.0;
  double load_siemens = 0.0;
  bool short_active = false;
  double short_siemens = 0.0;
  uint64_t open_leads = 0;  // bit j = lead j open
  std::array<double, kMaxSimCells> leak_a{};
  std::array<uint8_t, 6> sensor_fault{};  // 0 none, 1 open, 2 shorted
  Stuck charge_fet = Stuck::no;
  Stuck discharge_fet = Stuck::no;
  bool current_sensor_failed = false;
  double current_sensor_a = 0.0;
};

class World {
 public:
  World() = default;

  void add_charger(const Charger& c) { chargers_.push_back(c); }
  void add_load(const Load& l) { loads_.push_back(l); }
  void add_fault(const Fault& f) { faults_.push_back(f); }
  void set_ambient(double celsius) { ambient_ = Profile{{0.0}, {celsius}, false, 0.0}; }
  void set_ambient(const Profile& p) { ambient_ = p; }
  // An ESS day: PV as a charger (CC follows the sun, CV at cv_v) and the house as a power load.
  void add_solar_day(double pv_peak_a, double cv_v, double base_load_w, double peak_load_w,
                     double start_s = 0.0, double end_s = kForever);

  [[nodiscard]] WorldState at(double t_s) const;
  // The first time after t_s at which a charger, a load or a fault starts or ends (kForever if
  // none): the plant ends a sub-step there so a fault starts exactly when scheduled.
  [[nodiscard]] double next_change_after(double t_s) const;

 private:
  std::vector<Charger> chargers_;
  std::vector<Load> loads_;
  std::vector<Fault> faults_;
  Profile ambient_{{0.0}, {25.0}, false, 0.0};
};

}  // namespace softbms::sim
