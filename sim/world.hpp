// The world around the pack: chargers, loads, the ambient temperature and faults at given times.
// The world says what is demanded; the pack and the FETs decide what flows (see plant.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
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
  // Wiring faults the manuals warn about ([M-B2A] 5.4, [M-BD4A] installation precautions):
  leads_swapped,   // balance leads index and value (0..n) change places (adjacent: a cell reversed)
  lead_moved,      // balance lead index sits on the node of lead value (a lead on the wrong cell)
  loose_terminal,  // value Ohm in the main current path at a terminal: it heats the board
  b_p_reversed,    // B- and P- swapped; value = Ohm of balance lead 0, which then carries the
                   // pack current past the FETs (default 0.05)
};

struct Fault {
  FaultKind kind = FaultKind::short_circuit;
  double start_s = 0.0;
  double end_s = kForever;
  int index = 0;
  double value = 0.0;
};

enum class Stuck : int8_t { no = -1, off = 0, on = 1 };

// A hybrid inverter on the pack's DC bus, between PV, the house and the grid. Each instant it
// sends the PV surplus into the battery and covers a deficit from it; the grid takes or gives
// the rest. Following a BMS (follow_limits), it charges as a CC/CV charger at min(CCL, surplus,
// its maximum) up to CVL and discharges at min(DCL, deficit, its maximum), and it stops either
// way when the BMS's enable flag is 0. Without a BMS it uses its own charge voltage and
// low-voltage cutoff, as an inverter in "lithium, no communication" mode does. A battery port
// that reads below kNoBatteryV (the discharge FET open) is charged from PV at the inverter's own
// CV, as a hybrid's battery wake-up does; it cannot discharge it. With wake_a set it also
// charges from the grid at up to wake_a (docs/simulator.md, "Waking a dead battery"): when the
// BMS asks for a force charge (Pylon 0x35C bits 5/4), and at a dead port while the BMS is silent
// (asleep), the charger voltage that wakes a JK board.
inline constexpr double kNoBatteryV = 5.0;
// Without a frame for this long (3 link periods at least) the inverter counts the BMS as gone.
inline constexpr double kBmsLostS = 3.0;
struct Inverter {
  double start_s = 0.0;
  double end_s = kForever;
  Profile pv_w;     // PV power available (W), profile time = t - start_s + clock_at_start_s
  Profile house_w;  // the house's consumption (W), same time
  double clock_at_start_s = 0.0;  // where the profiles are at start_s (43200: a day from noon)
  double max_charge_a = 100.0;
  double max_discharge_a = 100.0;
  bool follow_limits = true;
  double charge_voltage_v = 0.0;  // its own CV (used when not following the BMS)
  double cutoff_v = 0.0;          // its own low-voltage cutoff ...
  double restart_v = 0.0;         // ... and the voltage at which it discharges again
  // BMS frames arrive this often (Pylon CAN: 1 s); between frames the last limits hold.
  double link_period_s = 1.0;
  double wake_a = 0.0;  // grid wake-up / force-charge current (0: it never charges from the grid)
};

// The limits a BMS sends (Pylon CAN 0x351 and 0x35C), in the inverter's units. Currents are
// magnitudes.
struct InverterLimits {
  double cvl_v = 0.0;
  double ccl_a = 0.0;
  double dcl_a = 0.0;
  bool charge_enable = false;
  bool discharge_enable = false;
  bool force_charge = false;  // force charge I or II
  bool operator==(const InverterLimits&) const = default;
};

// What the inverter does at one instant (+ = into the battery). Grid = house - PV - battery
// power at the bus voltage: what the grid had to supply (+) or took (-).
struct InverterFlow {
  bool present = false;
  double pv_w = 0.0;
  double house_w = 0.0;
  double setpoint_a = 0.0;  // the current it asks of the battery (+ charge, - discharge)
  double cv_v = 0.0;        // its CV while charging
};

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
  // lead_node[j] = 1 + the node lead j touches (0 = its own node); remapped = any is set.
  std::array<uint8_t, kMaxSimCells + 1> lead_node{};
  bool leads_remapped = false;
  double terminal_ohm = 0.0;  // loose main terminals
  double bypass_ohm = 0.0;    // > 0: B- and P- reversed, balance lead 0 bypasses the FETs
  std::array<double, kMaxSimCells> leak_a{};
  std::array<uint8_t, 6> sensor_fault{};  // 0 none, 1 open, 2 shorted
  Stuck charge_fet = Stuck::no;
  Stuck discharge_fet = Stuck::no;
  bool current_sensor_failed = false;
  double current_sensor_a = 0.0;
  InverterFlow inverter;  // already folded into the charger and load fields above
  bool button = false;    // someone holds the board's button
};

class World {
 public:
  World() = default;

  void add_charger(const Charger& c) { chargers_.push_back(c); }
  void add_load(const Load& l) { loads_.push_back(l); }
  void add_fault(const Fault& f) { faults_.push_back(f); }
  // The board's button held down from start_s to end_s.
  void press_button(double start_s, double end_s) { presses_.push_back({start_s, end_s}); }
  void set_ambient(double celsius) { ambient_ = Profile{{0.0}, {celsius}, false, 0.0}; }
  void set_ambient(const Profile& p) { ambient_ = p; }
  // One inverter at most; a second call replaces the first and forgets its limits.
  void set_inverter(const Inverter& inv);
  // Once per control tick: the BMS's latest limits and the bus voltage the inverter measures.
  // The limits are taken only once per link period (a frame every link_period_s), so the
  // inverter acts on what it last received, as over CAN. Until the first frame it does nothing.
  void update_inverter(double t_s, const InverterLimits& bms, double bus_v);
  // A tick without a frame (the board asleep, its CAN off): the limits go stale and, after
  // kBmsLostS, the inverter counts the BMS as gone.
  void update_inverter_silent(double t_s, double bus_v);
  [[nodiscard]] bool has_inverter() const { return inverter_.has_value(); }
  // The limits the inverter holds now (all zero before the first frame).
  [[nodiscard]] InverterLimits inverter_limits() const { return held_; }
  // An ESS day: PV as a charger (CC follows the sun, CV at cv_v) and the house as a power load.
  void add_solar_day(double pv_peak_a, double cv_v, double base_load_w, double peak_load_w,
                     double start_s = 0.0, double end_s = kForever);

  [[nodiscard]] WorldState at(double t_s) const;
  // The first time after t_s at which a charger, a load or a fault starts or ends (kForever if
  // none): the plant ends a sub-step there so a fault starts exactly when scheduled.
  [[nodiscard]] double next_change_after(double t_s) const;

 private:
  [[nodiscard]] InverterFlow inverter_flow(double t_s) const;
  [[nodiscard]] double inverter_charge_ceiling_a() const;
  [[nodiscard]] double inverter_discharge_ceiling_a() const;
  [[nodiscard]] double inverter_cv_v() const;
  void track_cutoff(double bus_v);

  std::vector<Charger> chargers_;
  std::vector<Load> loads_;
  std::vector<Fault> faults_;
  struct Press {
    double start_s, end_s;
  };
  std::vector<Press> presses_;
  Profile ambient_{{0.0}, {25.0}, false, 0.0};
  std::optional<Inverter> inverter_;
  InverterLimits held_;
  double frame_at_s_ = -kForever;  // when the held limits were taken
  bool linked_ = false;            // a frame has arrived
  double bus_v_ = 0.0;
  bool below_cutoff_ = false;  // its own cutoff latched (until restart_v)
};

}  // namespace softbms::sim
