#include "core/measure/measure.hpp"

#include <array>
#include <optional>

#include "core/measure/calibration.hpp"
#include "core/measure/ntc.hpp"

namespace softbms::core {
namespace {

struct ChargerMargin {
  ModelId model;
  Millivolts margin;
};
constexpr std::array<ChargerMargin, 3> kChargerMargins = {{
    {ModelId::jk_b2a8s20p, Millivolts(5000)},
    {ModelId::jk_bd4a24s_12p, Millivolts(2000)},
    {ModelId::jk_pb2a16s20p, Millivolts(2000)},
}};

constexpr bool every_model_has_a_margin() {
  for (const ModelProfile& p : kModels) {
    bool found = false;
    for (const ChargerMargin& row : kChargerMargins) found = found || row.model == p.id;
    if (!found) return false;
  }
  return kChargerMargins.size() == kModels.size();
}
static_assert(every_model_has_a_margin(), "kChargerMargins needs one row per model");

constexpr uint32_t bit(std::size_t i) {
  return uint32_t{1} << i;
}

// Calibrates the running sum and takes each cell as the step between two calibrated sums, so
// that every cell is within 1 mV of its exact value and the cells add up to exactly the
// calibrated pack (rounding each cell alone would let 32 half-millivolts pile up). The highest
// and lowest cell are found in the same pass; on a tie the lower index wins.
Millivolts measure_cells(const Measurements& raw, int32_t ppm, Measured& m) {
  Millivolts raw_sum{};
  Millivolts calibrated_before{};
  for (std::size_t i = 0; i < kMaxCells; ++i) {
    if (raw.cell_raw[i] < kCellConnectedMin) continue;
    raw_sum += raw.cell_raw[i];
    const Millivolts calibrated_sum = calibrate(raw_sum, ppm);
    const Millivolts cell = calibrated_sum - calibrated_before;
    m.cell[i] = cell;
    calibrated_before = calibrated_sum;
    m.present_mask |= bit(i);
    const bool first = m.cells_present++ == 0;
    const auto index = static_cast<uint8_t>(i);
    if (first || cell > m.max) {
      m.max = cell;
      m.max_index = index;
    }
    if (first || cell < m.min) {
      m.min = cell;
      m.min_index = index;
    }
  }
  m.pack = calibrated_before;
  if (m.cells_present != 0) {
    m.delta = m.max - m.min;
    m.avg = Millivolts((m.pack.count() + m.cells_present / 2) / m.cells_present);
  }
  return raw_sum;
}

// Wires of present cells and of the cells the cell_count setting says should be wired: an
// unused input beyond both reads nothing meaningful.
void measure_wires(const Measurements& raw, const Settings& s, Measured& m) {
  const Milliohms limit = s.mohm(Param::wire_resistance_alarm);
  for (std::size_t i = 0; i < kMaxCells; ++i) {
    m.wire[i] = raw.wire_resistance[i];
    const bool wired = (m.present_mask & bit(i)) != 0 || static_cast<int32_t>(i) < s.cells();
    if (wired && m.wire[i] > limit) m.wire_alarm_mask |= bit(i);
  }
}

void battery_extremes(Measured& m) {
  for (std::size_t i = kMosSensor + 1; i < kMaxTempSensors; ++i) {
    if ((m.temp_present_mask & bit(i)) == 0) continue;
    if (!m.battery_temp_valid || m.temp[i] > m.battery_max) m.battery_max = m.temp[i];
    if (!m.battery_temp_valid || m.temp[i] < m.battery_min) m.battery_min = m.temp[i];
    m.battery_temp_valid = true;
  }
  m.mos_temp_valid = (m.temp_present_mask & bit(kMosSensor)) != 0;
  m.mos = m.temp[kMosSensor];
}

bool charger_connected(const Measured& m, const Settings& s) {
  const bool raised = m.terminal - m.pack >= charger_margin(s.model_id());
  return raised || m.current >= kChargerCurrentMin;
}

void pass_through(const Measurements& raw, Measured& m) {
  m.short_circuit = raw.short_circuit;
  m.balance_current = raw.balance_current;
  m.heater_current = raw.heater_current;
  m.terminal = raw.terminal_voltage;
  m.button = raw.button;
  m.charge_fet_readback = raw.charge_fet_readback;
  m.discharge_fet_readback = raw.discharge_fet_readback;
}

}  // namespace

Millivolts charger_margin(ModelId model) {
  for (const ChargerMargin& row : kChargerMargins) {
    if (row.model == model) return row.margin;
  }
  return kChargerMargins[0].margin;  // unreachable: the static_assert covers every model
}

Measured Measure::update(const Measurements& raw, const Settings& s) {
  Measured m;
  m.cells_expected = static_cast<uint8_t>(s.cells());
  raw_pack_ = measure_cells(raw, s.raw(Param::voltage_calibration), m);
  raw_current_ = raw.current_raw;
  m.current = calibrate(raw.current_raw, s.raw(Param::current_calibration));
  measure_temperatures(raw, s, m);
  measure_wires(raw, s, m);
  pass_through(raw, m);
  m.charger_present = charger_connected(m, s);
  return m;
}

// A sensor that reads is present; one that has read before and now does not is faulty; one
// never seen is absent. disable_temp_sensors hides T1..T5 without forgetting them, so a probe
// that was pulled while they were hidden shows as faulty when they come back.
void Measure::measure_temperatures(const Measurements& raw, const Settings& s, Measured& m) {
  const bool battery_disabled = s.on(Param::disable_temp_sensors);
  for (std::size_t i = 0; i < kMaxTempSensors; ++i) {
    if (battery_disabled && i != kMosSensor) continue;
    const auto mask = static_cast<uint8_t>(bit(i));
    const std::optional<DeciCelsius> t = temperature(i, raw.ntc[i]);
    if (t) {
      m.temp[i] = *t;
      m.temp_present_mask |= mask;
      seen_sensors_ |= mask;
    } else if ((seen_sensors_ & mask) != 0) {
      m.temp_fault_mask |= mask;
    }
  }
  battery_extremes(m);
}

// ntc_temperature() of the reading, converted again only when it changed: the same value for
// the same input, whatever came before.
std::optional<DeciCelsius> Measure::temperature(std::size_t sensor, Ohms r) {
  if (r != ntc_ohms_[sensor]) {
    ntc_ohms_[sensor] = r;
    ntc_temp_[sensor] = ntc_temperature(r);
  }
  return ntc_temp_[sensor];
}

}  // namespace softbms::core
