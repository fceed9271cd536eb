// The model-based SOC in the tick: feeds the per-cell filter (soc_filter.hpp) from the
// measurements once per filter period, restarts it when the pack it models changes (chemistry,
// capacity, cell count), and publishes what it knows. The coulomb counter (estimator.hpp) runs
// beside it; the soc_method setting chooses which one the Snapshot's SOC shows.
#pragma once

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

// The filter runs at most this often; the current in between is integrated exactly (mA x ms), so
// its cost per tick is bounded and small at the 100 ms control period.
inline constexpr Milliseconds kFilterPeriod{1000};

// What the filter has learned about the pack, kept across restarts in the counters record
// (core/bms/persistence.cpp). It applies only to the pack it was learned on: the same chemistry,
// design capacity and cell count; cells == 0 means nothing was learned yet.
struct ModelMemory {
  uint8_t chemistry = 0;
  uint8_t cells = 0;
  uint16_t reserved = 0;
  int32_t design_mah = 0;
  std::array<LearnedCell, kMaxCells> cell{};
};
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
  bool restart_needed(const Settings& s, const Measured& m) const;

  SocFilter filter_;
  Milliseconds last_{};
  Milliseconds since_{};
  MilliampMilliseconds charge_{};
  bool have_last_ = false;
  std::array<float, kMaxCells> volts_{};
};

}  // namespace softbms::core
