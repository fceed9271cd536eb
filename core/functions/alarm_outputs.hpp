// Buzzer and dry contacts: each closes while an alarm in its mask is active. With
// dry_contact_intermittent the dry contacts pulse 1 s on / 1 s off instead of holding.
#pragma once

#include <array>
#include <cstdint>

#include "core/base/units.hpp"
#include "core/io/outputs.hpp"
#include "core/settings/settings.hpp"

namespace softbms::core {

enum class AlarmOutput : uint8_t { buzzer, dry1, dry2 };
inline constexpr std::size_t kAlarmOutputs = 3;

struct AlarmOutputRow {
  AlarmOutput output;
  Param mask;
  bool intermittent_applies;  // follows dry_contact_intermittent
};
// The flag is named for the dry contacts (JK's "dry contact alarm intermittent"), so it pulses
// them only; the buzzer holds and the buzzer module makes its own sound pattern.
inline constexpr std::array<AlarmOutputRow, kAlarmOutputs> kAlarmOutputRows = {{
    {AlarmOutput::buzzer, Param::buzzer_alarm_mask, false},
    {AlarmOutput::dry1, Param::dry1_alarm_mask, true},
    {AlarmOutput::dry2, Param::dry2_alarm_mask, true},
}};

inline constexpr Milliseconds kPulseOn{1000};
inline constexpr Milliseconds kPulseOff{1000};

class AlarmOutputs {
 public:
  void update(Milliseconds now, uint32_t alarms, const Settings& s);

  [[nodiscard]] bool on(AlarmOutput o) const { return on_[index(o)]; }
  [[nodiscard]] bool buzzer() const { return on(AlarmOutput::buzzer); }
  [[nodiscard]] bool dry1() const { return on(AlarmOutput::dry1); }
  [[nodiscard]] bool dry2() const { return on(AlarmOutput::dry2); }
  void apply(Outputs& out) const;

 private:
  static constexpr std::size_t index(AlarmOutput o) { return static_cast<std::size_t>(o); }

  std::array<bool, kAlarmOutputs> alarmed_{};
  std::array<Milliseconds, kAlarmOutputs> since_{};
  std::array<bool, kAlarmOutputs> on_{};
};

}  // namespace softbms::core
