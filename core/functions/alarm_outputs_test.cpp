#include "core/functions/alarm_outputs.hpp"

#include <gtest/gtest.h>

#include "core/functions/test_support.hpp"
#include "core/io/alarm.hpp"

namespace softbms::core {
namespace {

using namespace softbms::literals;
using test::lfp16;

Settings masks(uint32_t buzzer, uint32_t dry1, uint32_t dry2) {
  Settings s = lfp16();
  s.set_raw(Param::buzzer_alarm_mask, static_cast<int32_t>(buzzer));
  s.set_raw(Param::dry1_alarm_mask, static_cast<int32_t>(dry1));
  s.set_raw(Param::dry2_alarm_mask, static_cast<int32_t>(dry2));
  return s;
}

constexpr uint32_t kUvp = alarm_mask(AlarmBit::cell_uvp);
constexpr uint32_t kOvp = alarm_mask(AlarmBit::cell_ovp);
constexpr uint32_t kMosOtp = alarm_mask(AlarmBit::mos_otp);

TEST(AlarmOutputs, each_output_closes_only_for_the_alarms_in_its_mask) {
  const Settings s = masks(kMosOtp, kUvp, kOvp | kUvp);
  AlarmOutputs a;
  a.update(0_ms, 0, s);
  EXPECT_FALSE(a.buzzer() || a.dry1() || a.dry2());
  a.update(100_ms, kUvp, s);
  EXPECT_FALSE(a.buzzer());
  EXPECT_TRUE(a.dry1());
  EXPECT_TRUE(a.dry2());
  a.update(200_ms, kOvp, s);
  EXPECT_FALSE(a.buzzer());
  EXPECT_FALSE(a.dry1());
  EXPECT_TRUE(a.dry2());
  a.update(300_ms, kMosOtp, s);
  EXPECT_TRUE(a.buzzer());
  EXPECT_FALSE(a.dry1());
  EXPECT_FALSE(a.dry2());
}

TEST(AlarmOutputs, the_preset_masks_close_dry1_and_sound_the_buzzer_on_cell_uvp) {
  const Settings s = lfp16();  // buzzer 0x3F9F2, dry1 0x1800, dry2 0x43F9FF
  AlarmOutputs a;
  a.update(0_ms, kUvp, s);
  Outputs out;
  a.apply(out);
  EXPECT_TRUE(out.buzzer);
  EXPECT_TRUE(out.dry_contact1);
  EXPECT_TRUE(out.dry_contact2);
  a.update(100_ms, kOvp, s);  // bit 4: in buzzer and dry2, not in dry1
  a.apply(out);
  EXPECT_TRUE(out.buzzer);
  EXPECT_FALSE(out.dry_contact1);
  EXPECT_TRUE(out.dry_contact2);
}

TEST(AlarmOutputs, intermittent_dry_contacts_pulse_1s_on_1s_off_from_the_alarm_start) {
  Settings s = masks(kUvp, kUvp, kUvp);
  s.set_raw(Param::dry_contact_intermittent, 1);
  AlarmOutputs a;
  a.update(0_ms, 0, s);
  const struct {
    Milliseconds t;
    bool dry;
  } steps[] = {{5000_ms, true}, {5999_ms, true},  {6000_ms, false}, {6999_ms, false},
               {7000_ms, true}, {8500_ms, false}, {9000_ms, true}};
  for (const auto& step : steps) {
    a.update(step.t, kUvp, s);
    EXPECT_EQ(a.dry1(), step.dry) << step.t.count();
    EXPECT_EQ(a.dry2(), step.dry) << step.t.count();
    EXPECT_TRUE(a.buzzer()) << step.t.count();
  }
  a.update(9100_ms, 0, s);
  EXPECT_FALSE(a.dry1());
  EXPECT_FALSE(a.buzzer());
}

TEST(AlarmOutputs, without_intermittent_the_contacts_hold) {
  const Settings s = masks(kUvp, kUvp, kUvp);
  AlarmOutputs a;
  for (Milliseconds t = 0_ms; t <= 5000_ms; t += 100_ms) {
    a.update(t, kUvp, s);
    ASSERT_TRUE(a.dry1()) << t.count();
  }
}

}  // namespace
}  // namespace softbms::core
