#include "core/functions/alarm_outputs.hpp"

namespace softbms::core {

void AlarmOutputs::update(Milliseconds now, uint32_t alarms, const Settings& s) {
  const bool intermittent = s.on(Param::dry_contact_intermittent);
  for (const AlarmOutputRow& row : kAlarmOutputRows) {
    const std::size_t i = index(row.output);
    const bool alarmed = (alarms & static_cast<uint32_t>(s.raw(row.mask))) != 0;
    // The pulse starts with "on" when the alarm appears, so a short alarm is never missed.
    if (alarmed && !alarmed_[i]) since_[i] = now;
    alarmed_[i] = alarmed;
    const bool pulsing = intermittent && row.intermittent_applies;
    const Milliseconds phase =
        Milliseconds((now - since_[i]).count() % (kPulseOn + kPulseOff).count());
    on_[i] = alarmed && (!pulsing || phase < kPulseOn);
  }
}

void AlarmOutputs::apply(Outputs& out) const {
  out.buzzer = buzzer();
  out.dry_contact1 = dry1();
  out.dry_contact2 = dry2();
}

}  // namespace softbms::core
