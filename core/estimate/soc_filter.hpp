// The model-based state-of-charge estimator: one extended Kalman filter per cell on an
// equivalent-circuit model (OCV with hysteresis, R0, two RC branches), which also learns what a
// real pack does not tell it: the series resistance, the polarisation, the current-sensor
// offset, an OCV offset and the capacity. Single precision, no heap, a fixed amount of work per
// cell. The pack's SOC follows from the cells' (pack_soc()). docs/estimation.md explains the
// model, the tuning and its limits.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "core/estimate/cell_model.hpp"
#include "core/io/measurements.hpp"
#include "core/settings/param.hpp"

namespace softbms::core {

// The filter's state, per cell. Resistances are learned as a factor on the model's value at
// 25 °C; current offset and capacity in C-rate units, so that one tuning fits 1 Ah and 1000 Ah.
enum FilterState : uint8_t {
  kSoc,          // state of charge, 0..1
  kHysteresis,   // hysteresis voltage, V (LFP)
  kOcvOffset,    // the cell's OCV minus the table's, V (a slow constant)
  kR0,           // R0 / the model's R0 (at 25 °C)
  kRp,           // polarisation (both RC branches) / the model's
  kBias,         // current-sensor offset (and the cell's own leak), in C: measured = true + bias
  kInvCapacity,  // nominal capacity / actual capacity
  kFilterStates
};

// The slow states: learned only from readings that can tell them apart from a model error.
inline constexpr uint32_t kSlowStates = (1U << kBias) | (1U << kInvCapacity);
// The capacity is learned only from the charge counted between a full and an empty event (or
// the other way round), never from an ordinary reading (docs/estimation.md, "Capacity").
inline constexpr uint32_t kEventOnlyStates = 1U << kInvCapacity;

// A SOC rule's event: the kind of well-known point the cell is at.
enum class SocEvent : int8_t { none = 0, empty = -1, full = 1 };

using StateVector = std::array<float, kFilterStates>;

// What a cell's filter has learned, in fixed point so that it can be stored as bytes (the
// counters record, core/bms/persistence.cpp) and read back on another build bit for bit.
struct LearnedCell {
  int16_t soc = 0;        // 1e-4 (0.01 %)
  int16_t r0 = 1000;      // factor on the model's R0, 1e-3
  int16_t rp = 1000;      // factor on the model's polarisation, 1e-3
  int16_t bias = 0;       // current offset, 1e-5 C
  int16_t inv_q = 10000;  // nominal / actual capacity, 1e-4
  int16_t offset = 0;     // OCV offset, 10 µV
};
// A cell's last SOC event and the charge counted since, stored beside LearnedCell so that a
// full-empty pair split by a restart still measures the capacity (fixed point, as LearnedCell).
struct LearnedEvent {
  int8_t kind = 0;  // SocEvent: 0 none, 1 full, -1 empty
  uint8_t reserved = 0;
  int16_t soc = 0;          // the SOC the event stands for, 1e-4
  int32_t counted = 0;      // charge since, 1e-6 of the design capacity (+ = charge)
  uint16_t centihours = 0;  // hours since, 0.01 h
  uint16_t reserved2 = 0;
};
using Covariance = std::array<std::array<float, kFilterStates>, kFilterStates>;

// One update's inputs. Currents + = charge, as JK reports them.
struct FilterStep {
  float dt_s = 0.0F;              // time since the previous update
  float charge_as = 0.0F;         // measured charge over dt (A·s); current_a * dt_s if unknown
  float charge_sigma_as = 0.0F;   // how unsure charge_as is (a gap in a log), A·s
  float current_a = 0.0F;         // the current at the moment the voltages were read
  float temp_c = 25.0F;           // battery temperature
  std::span<const float> cell_v;  // one voltage per cell (V)
  // The SOC-100 % / SOC-0 % rules as evidence (0 = rule off): a cell resting at or above
  // full_v with the charge current below the tail is full; a cell whose voltage with the
  // modelled drop taken out is at or below empty_v is empty.
  float full_v = 0.0F;
  float empty_v = 0.0F;
  bool charge_allowed = true;  // false = the charge FET is off: charging has ended
};

// Tuning (docs/estimation.md, "Tuning"). The defaults are what the benchmark runs.
struct FilterTuning {
  float voltage_sigma_v = 0.010F;    // cell ADC and model error at rest
  float voltage_sigma_per_c = 0.3F;  // added model error per C of current (V per C)
  // Model error that is correlated over time (an OCV curve that is not the table's, hysteresis
  // of another size): sigma and correlation time. Counted so that readings closer together than
  // the correlation time add up to one reading of this sigma, whatever the update rate.
  float correlated_sigma_v = 0.005F;
  float correlated_time_s = 300.0F;
  float soc_walk = 2e-4F;           // SOC random walk per sqrt(s)
  float hysteresis_walk_v = 1e-4F;  // per sqrt(s)
  float offset_walk_v = 2e-5F;      // per sqrt(s)
  float r_walk = 2e-4F;             // relative resistance random walk per sqrt(s)
  float bias_walk_c = 1e-6F;        // per sqrt(s)
  float capacity_walk = 1e-6F;      // per sqrt(s)
  float initial_soc_sigma = 0.3F;
  float initial_offset_sigma_v = 0.005F;
  float initial_r_sigma = 3.0F;
  float initial_bias_sigma_c = 0.005F;
  float initial_capacity_sigma = 0.07F;
  float learn_min_slope_v = 0.5F;  // OCV slope (V per unit SOC) for offset and capacity
  // ... and only while the modelled polarisation (both RC branches) is below this: right after a
  // load, the branches' model error reads as a drift.
  float learn_max_polarisation_v = 0.002F;
  float rule_sigma = 0.01F;     // how sure a SOC rule is
  float rule_confirm_s = 2.0F;  // how long a rule's condition must hold
  float step_min_c = 0.1F;      // a current step this large (C) measures R0
  float step_max_dt_s = 2.0F;   // between readings at most this far apart
  float step_sigma_v = 0.003F;  // noise of a voltage difference
  float tail_c = 0.05F;         // charge ends below this current (C)
  // Capacity from the charge counted between a full and an empty event: the two must be at
  // least this far apart in SOC and at most this long apart (an unknown current offset grows
  // with time), and the measurement is good to this much beyond the two rules' own doubt.
  float capacity_min_span = 0.5F;
  float capacity_max_span_h = 72.0F;
  float capacity_event_sigma = 0.01F;
  float empty_max_c = 1.0F;  // the empty rule is not trusted above this discharge (C)
  float gate_sigmas = 5.0F;  // innovations are clipped to this many sigmas
};

class CellFilter {
 public:
  void start(float soc, float soc_sigma, float inv_capacity, const FilterTuning& t,
             const CellModelParams& m);
  // Propagates over dt with the mean C-rate (measured) ic_mean; rc = the RC branches' states.
  void predict(float dt_s, float ic_mean, float hyst_decay, const CellModelParams& m,
               const FilterTuning& t);
  // One voltage reading; ic_now = measured C-rate at the reading, drop = the RC branches'
  // model drop per unit polarisation factor, arr = resistance factor for the temperature,
  // temp_c = the cells' temperature (the OCV's temperature coefficient).
  void correct(Chemistry c, float v, float ic_now, float rc_drop_v, float arr, float temp_c,
               float dt_s, const CellModelParams& m, const FilterTuning& t);
  // More doubt about the SOC (charge that passed unseen).
  void add_soc_variance(float v) { p_[kSoc][kSoc] += v; }
  // A direct observation of the SOC (a SOC rule).
  void observe_soc(float soc, float sigma);
  // A SOC rule fired at soc: after an event of the other kind, the charge counted in between
  // measures the capacity; either way the count starts again here.
  void observe_event(SocEvent kind, float soc, const FilterTuning& t);
  // Capacity measurements taken (events paired), for the summary and the tests.
  [[nodiscard]] uint16_t capacity_measurements() const { return capacity_measurements_; }
  // A current step between two readings close in time: the voltage step is R0 times the current
  // step (SOC, hysteresis and the slow branches hardly move in between), which pins R0 down
  // whatever the filter's other states believe. dv_v = the step less the RC branches' change.
  void observe_step(float dv_v, float dic, float arr, const CellModelParams& m,
                    const FilterTuning& t);
  // The model's OCV estimate from a measured voltage.
  [[nodiscard]] float ocv_from(float v, float ic_now, float rc_drop_v, float arr,
                               const CellModelParams& m) const;

  [[nodiscard]] float soc() const { return x_[kSoc]; }
  [[nodiscard]] float soc_sigma() const;
  // False when a state or a variance is no longer a number (then the cell starts again).
  [[nodiscard]] bool healthy() const;
  [[nodiscard]] const StateVector& state() const { return x_; }
  [[nodiscard]] LearnedCell learned() const;
  // Starts again from what was learned: the SOC with soc_sigma, the learned values with the
  // doubt that is left after a restart (docs/estimation.md, "Across restarts").
  void resume(const LearnedCell& l, float soc_sigma, const FilterTuning& t,
              const CellModelParams& m);
  [[nodiscard]] LearnedEvent learned_event() const;
  // Takes up the stored event and its count again (after resume(), which forgets them). An event
  // that is not one, or older than a pair may span, is dropped.
  void resume_event(const LearnedEvent& e, const FilterTuning& t);
  [[nodiscard]] const Covariance& covariance() const { return p_; }
  float full_held_s = 0.0F;  // how long the SOC-100 rule's condition has held
  float empty_held_s = 0.0F;

 private:
  // frozen: a bit per state that this reading must not move.
  void update(const StateVector& h, float innovation, float r, float gate, uint32_t frozen);
  void clamp(const CellModelParams& m);

  StateVector x_{};
  Covariance p_{};
  float carry_ = 0.0F;  // the part of the SOC integration float could not add yet (Kahan)
  // Since the last SOC event: which it was, at what SOC, the charge counted since (in units of
  // the nominal capacity, the learned offset taken out, Kahan-summed) and the hours.
  SocEvent anchor_ = SocEvent::none;
  float anchor_soc_ = 0.0F;
  float counted_ = 0.0F;
  float counted_carry_ = 0.0F;
  float anchor_h_ = 0.0F;
  uint16_t capacity_measurements_ = 0;
};

struct FilterSummary {
  float soc = 0.0F;          // pack, 0..1
  float capacity_ah = 0.0F;  // pack usable capacity (learned)
  float r0_ohm = 0.0F;       // mean learned series resistance per cell at 25 °C
  float bias_a = 0.0F;       // mean learned current offset (measured - true)
  float soh = 1.0F;          // learned / nominal capacity of the weakest cell
  float soc_sigma = 0.0F;    // the filter's doubt (1 sigma) about the pack's SOC
};

class SocFilter {
 public:
  // (Re)starts every cell at soc with the given uncertainty. Cells beyond `cells` are idle.
  void start(Chemistry c, float capacity_ah, uint8_t cells, float soc, float soc_sigma,
             const FilterTuning& t = {});
  [[nodiscard]] bool started() const { return cells_ > 0; }
  void stop() { cells_ = 0; }  // the next start() begins afresh
  [[nodiscard]] Chemistry chemistry() const { return chem_; }
  [[nodiscard]] float nominal_capacity_ah() const { return capacity_ah_; }
  [[nodiscard]] uint8_t cells() const { return cells_; }

  void update(const FilterStep& in);
  // Every cell starts again from what it had learned (start() must have set the pack up).
  void resume(std::span<const LearnedCell> cells, float soc_sigma,
              std::span<const LearnedEvent> events = {});

  [[nodiscard]] const CellFilter& cell(std::size_t i) const { return cell_[i]; }
  [[nodiscard]] float cell_soc(std::size_t i) const { return cell_[i].soc(); }
  [[nodiscard]] float cell_capacity_ah(std::size_t i) const;
  [[nodiscard]] float cell_r0_ohm(std::size_t i) const;  // at 25 °C
  [[nodiscard]] float cell_bias_a(std::size_t i) const;
  // Pack SOC from the cells: the charge the weakest cell can still give (D) against the room
  // the fullest cell still has (C): SOC = D / (D + C). It reads 0 % exactly when the first
  // cell is empty and 100 % exactly when the first cell is full.
  [[nodiscard]] float pack_soc() const;
  [[nodiscard]] FilterSummary summary() const;

 private:
  void apply_rules(CellFilter& f, float v, float ic, float rc_drop, float arr,
                   const FilterStep& in);

  std::array<CellFilter, kMaxCells> cell_{};
  Chemistry chem_ = Chemistry::lfp;
  float capacity_ah_ = 0.0F;
  uint8_t cells_ = 0;
  FilterTuning tuning_{};
  // The RC branches' filtered currents (C-rate), shared: one current flows through every cell.
  float i1_ = 0.0F;
  float i2_ = 0.0F;
  // The previous reading, for current steps.
  std::array<float, kMaxCells> last_v_{};
  float last_ic_ = 0.0F;
  float full_soc_ = 1.0F;  // the SOC the rules observe
  float empty_soc_ = 0.0F;
  float last_rc_drop_ = 0.0F;
  float ocv_bottom_ = 0.0F;  // the OCV table's ends
  float ocv_top_ = 0.0F;
};

// SOC (0..1) of a cell resting at v volts, from the chemistry's OCV table.
float soc_at_rest_v(Chemistry c, float v);
// Arrhenius factor of a resistance at temp_c against 25 °C.
float arrhenius(float activation_j_per_mol, float temp_c);

}  // namespace softbms::core
