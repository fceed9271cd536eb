#include "protocols/jk/jk04.hpp"

#include <bit>
#include <cmath>

namespace softbms::protocols::jk {
namespace {

float get_f32(Bytes b, std::size_t off) {
  return std::bit_cast<float>(get_le(b, off, 4));
}

// Volts or amps as float -> integer milli-units; NaN, infinities and absurd values read as 0.
int32_t milli(float x) {
  if (!std::isfinite(x) || std::fabs(x) > 1.0e6f) return 0;
  return static_cast<int32_t>(std::lround(x * 1000.0f));
}

constexpr uint16_t kCells = 6;
constexpr uint16_t kResistance = 102;
constexpr uint16_t kAverage = 202;
constexpr uint16_t kDelta = 206;
constexpr uint16_t kBalancing = 220;
constexpr uint16_t kBalanceCurrent = 222;
constexpr uint16_t kRuntime = 286;

struct FloatSetting {
  uint16_t offset;
  core::Param param;
};
constexpr std::array<FloatSetting, 4> kFloatSettings = {{
    {38, core::Param::power_off_voltage},
    {98, core::Param::start_balance_voltage},
    {106, core::Param::balance_trigger_delta},
    {110, core::Param::max_balance_current},
}};
constexpr uint16_t kCellCount = 34;
constexpr uint16_t kBalancerSwitch = 114;

void find_extremes(core::Snapshot& s) {
  bool first = true;
  for (std::size_t i = 0; i < kJk04Cells; ++i) {
    if ((s.cell_present_mask >> i & 1) == 0) continue;
    if (first || s.cell[i] > s.cell_max) s.cell_max_index = static_cast<uint8_t>(i);
    if (first || s.cell[i] < s.cell_min) s.cell_min_index = static_cast<uint8_t>(i);
    s.cell_max = s.cell[s.cell_max_index];
    s.cell_min = s.cell[s.cell_min_index];
    first = false;
  }
}

}  // namespace

Result<core::Snapshot> decode_jk04_cell_info(Bytes frame) {
  const Status st = check_frame(frame, FrameType::cell_info);
  if (!st.ok()) return st;
  core::Snapshot s;
  int32_t pack = 0;
  for (std::size_t i = 0; i < kJk04Cells; ++i) {
    const int32_t mv = milli(get_f32(frame, kCells + 4 * i));
    s.cell[i] = Millivolts(mv);
    s.wire_resistance[i] = Milliohms(milli(get_f32(frame, kResistance + 4 * i)));
    if (mv > 0) {
      s.cell_present_mask |= uint32_t{1} << i;
      ++s.cell_count;
      pack += mv;
    }
  }
  s.pack_voltage = Millivolts(pack);
  s.cell_avg = Millivolts(milli(get_f32(frame, kAverage)));
  s.cell_delta = Millivolts(milli(get_f32(frame, kDelta)));
  s.balance_state = frame[kBalancing] <= 2 ? static_cast<core::BalanceState>(frame[kBalancing])
                                           : core::BalanceState::off;
  s.balance_current = Milliamps(milli(get_f32(frame, kBalanceCurrent)));
  s.runtime = Seconds(get_le(frame, kRuntime, 4));
  find_extremes(s);
  return s;
}

Result<core::Settings> decode_jk04_settings(Bytes frame, const core::Settings& defaults) {
  const Status st = check_frame(frame, FrameType::settings);
  if (!st.ok()) return st;
  core::Settings s = defaults;
  s.set_raw(core::Param::cell_count, frame[kCellCount]);
  for (const FloatSetting& f : kFloatSettings) s.set_raw(f.param, milli(get_f32(frame, f.offset)));
  s.set_raw(core::Param::balance_enabled, frame[kBalancerSwitch] != 0 ? 1 : 0);
  return s;
}

}  // namespace softbms::protocols::jk
