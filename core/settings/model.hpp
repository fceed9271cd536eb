// Model profiles of the JK boards softbms knows: what each one accepts and can do.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/base/units.hpp"
#include "core/settings/param.hpp"

namespace softbms::core {

enum class ModelId : uint8_t { jk_b2a8s20p, jk_bd4a24s_12p, jk_pb2a16s20p };

struct CellRange {
  uint8_t min = 0;  // 0/0 = chemistry not supported
  uint8_t max = 0;
  [[nodiscard]] constexpr bool supported() const { return max != 0; }
  [[nodiscard]] constexpr bool contains(int32_t n) const { return n >= min && n <= max; }
};

// What the board's button does (issue 11): on the B2A8S20P and BD4A24S-12P it wakes a sleeping
// or shut-down board ([M-BD4A]: the button activates the board); on the JK-PB it is the ON/OFF
// switch ([M-PB]: its button is the power switch).
enum class ButtonRole : uint8_t { wake, on_off };

struct ModelProfile {
  ModelId id;
  std::string_view name;          // as JK prints it
  std::string_view jk_model;      // vendor/model id in the device-info frame
  std::string_view hw_version;
  std::string_view sw_version;
  std::array<CellRange, kChemistryCount> cells;  // li-ion, lfp, lto
  Millivolts cell_threshold_min;  // voltage thresholds accepted by the board
  Millivolts cell_threshold_max;
  Milliamps ocp_min;              // adjustable over-current range
  Milliamps max_charge_current;   // continuous
  Milliamps max_discharge_current;  // continuous
  Milliamps peak_discharge_current;
  Milliamps max_balance_current;
  Milliamps scp_current;          // hardware short-circuit comparator threshold
  uint8_t temp_sensors;           // battery sensors (T1..Tn), MOS sensor not counted
  uint8_t max_cells;              // balance-lead inputs
  ButtonRole button;
};

// clang-format off
inline constexpr std::array<ModelProfile, 3> kModels = {{
  // [M-B2A] (B2A8S20P manual) table 1: 3-8 Li-ion, 4-8 LFP, no LTO; 1.2-4.35 V thresholds;
  // OCP 10-200 A; 200 A continuous, 350 A peak; 2 A balancing; 3 temperature ports (MOS + 2 battery).
  {ModelId::jk_b2a8s20p, "JK-B2A8S20P", "JK-B2A8S20P", "11.XW", "11.26", {{{3, 8}, {4, 8}, {0, 0}}},
   Millivolts(1200), Millivolts(4350), Milliamps(10000), Milliamps(200000), Milliamps(200000),
   Milliamps(350000), Milliamps(2000), Milliamps(700000), 2, 8, ButtonRole::wake},
  // [M-BD4A] (BD4A24S-12P guide): 7-24 ternary, 8-24 LFP, 14-24 LTO; 120 A charge and discharge,
  // 240 A peak; 0.4 A balancing; 1 built-in + 2 external sensors. Threshold range = sampling range 1-5 V.
  {ModelId::jk_bd4a24s_12p, "JK-BD4A24S-12P", "JK-BD4A24S12P", "10.XW", "10.07", {{{7, 24}, {8, 24}, {14, 24}}},
   Millivolts(1000), Millivolts(5000), Milliamps(1000), Milliamps(120000), Milliamps(120000),
   Milliamps(240000), Milliamps(400), Milliamps(480000), 2, 24, ButtonRole::wake},
  // [M-PB] (JK-PB inverter BMS): 16S, 200 A, 2 A balancing, up to 6 NTC inputs (4 battery used on the wire + MOS).
  {ModelId::jk_pb2a16s20p, "JK-PB2A16S20P", "JK_PB2A16S20P", "19A", "19.27", {{{7, 16}, {8, 16}, {14, 16}}},
   Millivolts(1000), Millivolts(5000), Milliamps(1000), Milliamps(200000), Milliamps(200000),
   Milliamps(400000), Milliamps(2000), Milliamps(800000), 4, 16, ButtonRole::on_off},
}};
// clang-format on

constexpr const ModelProfile& model(ModelId id) { return kModels[static_cast<std::size_t>(id)]; }
std::optional<ModelId> model_from_name(std::string_view name);

}  // namespace softbms::core
