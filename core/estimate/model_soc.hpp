// The model-based SOC in the tick: feeds the per-cell filter (soc_filter.hpp) from the
// measurements once per filter period, restarts it when the pack it models changes (chemistry,
// capacity, cell count), and publishes what it knows. The coulomb counter (estimator.hpp) runs
// beside it; the soc_method setting chooses which one the Snapshot's SOC shows.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <type_traits>

#include "core/base/units.hpp"
#include "core/estimate/soc_filter.hpp"
#include "core/io/snapshot.hpp"
#include "core/measure/measured.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

enum class SocMethod : uint8_t { coulomb = 0, model = 1 };

// How often the filter runs (docs/estimation.md, "How often the filter runs"). The charge in
// between is integrated every tick exactly (mA x ms) and handed to the next update as the
// interval's charge and mean current, so a slower rate loses no charge; only the voltage readings
// in between go unused.
// - At least every kFilterRestPeriod (a steady current on the flat of the OCV: readings a second
//   apart add little but their cost).
// - Every kFilterPeriod while something happens: the current moved by a
//   kFilterFastCurrentDivisor-th of the design capacity (0.05 C), or the highest or lowest cell
//   by kFilterFastVoltage, since the last update (a load changing, the knees of the OCV); and
//   for kFilterRuleWindow after a cell reaches the SOC-100 % voltage or comes within
//   kFilterRuleMargin of the SOC-0 % one, so that the rules' confirmation time is still seen
//   reading by reading.
// - A current step of the filter's step_min_c between two ticks is read as a pair, the tick
//   before the step and the tick of it, so that the step still measures R0.
inline constexpr Milliseconds kFilterPeriod{1000};
inline constexpr Milliseconds kFilterRestPeriod{10'000};
inline constexpr int64_t kFilterFastCurrentDivisor = 20;
inline constexpr Millivolts kFilterFastVoltage{10};
inline constexpr Millivolts kFilterRuleMargin{50};
inline constexpr Milliseconds kFilterRuleWindow{30'000};

// What the filter has learned about the pack, kept across restarts in the counters record
// (core/bms/persistence.cpp). It applies only to the pack it was learned on: the same chemistry,
// design capacity and cell count; cells == 0 means nothing was learned yet.
struct ModelMemory {
  uint8_t chemistry = 0;
  uint8_t cells = 0;
  uint16_t reserved = 0;
  int32_t design_mah = 0;
  std::array<LearnedCell, kMaxCells> cell{};
  // From counters record version 3 on: each cell's last SOC event and the charge since.
  std::array<LearnedEvent, kMaxCells> event{};
};
// The size of a version 2 record's model memory: ModelMemory without the events.
inline constexpr std::size_t kModelMemoryV2Size =
    sizeof(ModelMemory) - sizeof(std::array<LearnedEvent, kMaxCells>);
static_assert(std::is_trivially_copyable_v<ModelMemory>, "ModelMemory is stored as raw bytes");
static_assert(std::has_unique_object_representations_v<ModelMemory>,
              "ModelMemory must have no padding: the store's CRC covers every byte");

class ModelSoc {
 public:
  // start_permille = where to start when the filter (re)starts: the coulomb counter's SOC,
  // which survives restarts in the store.
  void update(Milliseconds now, const Measured& m, const Settings& s, bool charge_fet,
              int32_t start_permille);

  [[nodiscard]] bool running() const { return filter_.started(); }
  // The longest time between two filter updates (kFilterRestPeriod; kFilterPeriod = run at the
  // fastest rate all the time, the reference the slower rate is tested against).
  void set_rest_period(Milliseconds p) { rest_period_ = std::max(p, kFilterPeriod); }
  // How many times the filter has run (for tests and benchmarks).
  [[nodiscard]] uint64_t filter_updates() const { return updates_; }
  [[nodiscard]] int32_t soc_permille() const;
  [[nodiscard]] const SocFilter& filter() const { return filter_; }
  // Writes soc_model_permille and the learned values; when soc_method is model, also the SOC,
  // remaining charge and full capacity every interface shows.
  void publish(Snapshot& snap, const Settings& s) const;

  // What to store, and what was stored: the filter resumes from it (if the pack configured at
  // the next update is another, it starts again from the coulomb counter's SOC).
  [[nodiscard]] ModelMemory memory() const;
  void restore(const ModelMemory& stored);

 private:
  // One reading of the cells as the filter sees it: this tick's, or the one before a step.
  struct Reading {
    std::array<Millivolts, kMaxCells> cell{};
    uint32_t present_mask = 0;
    Milliamps current{};
  };
  bool restart_needed(const Settings& s, const Measured& m) const;
  [[nodiscard]] bool due(Milliseconds now, const Measured& m, const Settings& s);
  void run(const Reading& r, const Measured& m, const Settings& s, bool charge_fet);

  SocFilter filter_;
  Milliseconds last_{};
  Milliseconds since_{};
  MilliampMilliseconds charge_{};
  bool have_last_ = false;
  Milliseconds rest_period_ = kFilterRestPeriod;
  Milliamps updated_current_{};  // the current, highest and lowest cell at the last update
  Millivolts updated_max_{};
  Millivolts updated_min_{};
  bool at_rule_ = false;       // a cell is at a SOC rule's voltage ...
  Milliseconds rule_since_{};  // ... since then
  Reading previous_{};         // the last tick's reading
  uint64_t updates_ = 0;
  // What the filter knows, as of its last update (published every tick, computed once per update).
  FilterSummary summary_{};
  std::array<float, kMaxCells> volts_{};
};

}  // namespace softbms::core
