#include "core/log/event_text.hpp"

#include <gtest/gtest.h>

#include "core/io/alarm.hpp"
#include "core/io/command.hpp"
#include "core/settings/param.hpp"

namespace softbms::core {
namespace {

Event ev(EventType t, uint8_t arg = 0, Origin o = Origin::internal, int32_t value = 0) {
  return {0, t, arg, static_cast<uint8_t>(o), value};
}
Event sw(Param p, Origin o, int32_t on) {
  return ev(EventType::switch_changed, uint8_t(p), o, on);
}
Event trip(AlarmBit b) {
  return ev(EventType::protection_trip, static_cast<uint8_t>(b));
}
Event release(AlarmBit b) {
  return ev(EventType::protection_release, static_cast<uint8_t>(b));
}

TEST(JkLogbook, boot_is_code_0x01) {
  EXPECT_EQ(jk_logbook_code(ev(EventType::boot)), 0x01);
}

TEST(JkLogbook, app_switches_close_and_open_charge_and_discharge) {
  EXPECT_EQ(jk_logbook_code(sw(Param::charge_enabled, Origin::app, 0)), 0x03);
  EXPECT_EQ(jk_logbook_code(sw(Param::charge_enabled, Origin::app, 1)), 0x04);
  EXPECT_EQ(jk_logbook_code(sw(Param::discharge_enabled, Origin::app, 0)), 0x05);
  EXPECT_EQ(jk_logbook_code(sw(Param::discharge_enabled, Origin::app, 1)), 0x06);
}

TEST(JkLogbook, switch_codes_follow_who_made_the_change) {
  EXPECT_EQ(jk_logbook_code(sw(Param::charge_enabled, Origin::web, 0)), 0x07);
  EXPECT_EQ(jk_logbook_code(sw(Param::discharge_enabled, Origin::mqtt, 1)), 0x0A);
  EXPECT_EQ(jk_logbook_code(sw(Param::charge_enabled, Origin::can, 1)), 0x31);
  EXPECT_EQ(jk_logbook_code(sw(Param::discharge_enabled, Origin::can, 0)), 0x32);
  EXPECT_EQ(jk_logbook_code(sw(Param::charge_enabled, Origin::rs485, 0)), 0x34);
  EXPECT_EQ(jk_logbook_code(sw(Param::discharge_enabled, Origin::rs485, 1)), 0x37);
  EXPECT_EQ(jk_logbook_code(sw(Param::heating_enabled, Origin::button, 1)), 0x3F);
  EXPECT_EQ(jk_logbook_code(sw(Param::balance_enabled, Origin::app, 1)), std::nullopt);
  EXPECT_EQ(jk_logbook_code(sw(Param::charge_enabled, Origin::internal, 0)), std::nullopt);
}

TEST(JkLogbook, protection_trip_and_release_codes) {
  EXPECT_EQ(jk_logbook_code(trip(AlarmBit::cell_ovp)), 0x11);
  EXPECT_EQ(jk_logbook_code(release(AlarmBit::cell_ovp)), 0x12);
  EXPECT_EQ(jk_logbook_code(trip(AlarmBit::charge_utp)), 0x1B);
  EXPECT_EQ(jk_logbook_code(release(AlarmBit::charge_utp)), 0x1C);
  EXPECT_EQ(jk_logbook_code(trip(AlarmBit::cell_uvp)), 0x1D);
  EXPECT_EQ(jk_logbook_code(trip(AlarmBit::discharge_ocp)), 0x21);
  EXPECT_EQ(jk_logbook_code(release(AlarmBit::discharge_scp)), 0x24);
  EXPECT_EQ(jk_logbook_code(trip(AlarmBit::mos_otp)), 0x0B);
  EXPECT_EQ(jk_logbook_code(trip(AlarmBit::discharge_ocp2)), 0x40);
  EXPECT_EQ(jk_logbook_code(trip(AlarmBit::discharge_utp)), 0x48);
  EXPECT_EQ(jk_logbook_code(release(AlarmBit::discharge_utp)), 0x49);
  EXPECT_EQ(jk_logbook_code(release(AlarmBit::charge_mos_fault)), std::nullopt);
  EXPECT_EQ(jk_logbook_code(trip(AlarmBit::gps_lock)), std::nullopt);
}

TEST(JkLogbook, factory_settings_per_chemistry) {
  EXPECT_EQ(jk_logbook_code(ev(EventType::factory_reset, uint8_t(Chemistry::li_ion))), 0x43);
  EXPECT_EQ(jk_logbook_code(ev(EventType::factory_reset, uint8_t(Chemistry::lfp))), 0x44);
  EXPECT_EQ(jk_logbook_code(ev(EventType::preset_loaded, uint8_t(Chemistry::lto))), 0x45);
}

TEST(JkLogbook, emergency_codes_by_origin_and_timer_end) {
  EXPECT_EQ(jk_logbook_code(ev(EventType::emergency_started, 0, Origin::button)), 0x3D);
  EXPECT_EQ(jk_logbook_code(ev(EventType::emergency_ended, 0, Origin::button)), 0x3E);
  EXPECT_EQ(jk_logbook_code(ev(EventType::emergency_started, 0, Origin::app)), 0x29);
  EXPECT_EQ(jk_logbook_code(ev(EventType::emergency_ended, 0, Origin::internal)), 0x2B);
  EXPECT_EQ(jk_logbook_code(ev(EventType::emergency_started, 0, Origin::rs485)), 0x46);
  EXPECT_EQ(jk_logbook_code(ev(EventType::emergency_ended, 0, Origin::web)), 0x47);
}

TEST(JkLogbook, shutdown_and_sleep) {
  EXPECT_EQ(jk_logbook_code(ev(EventType::shutdown, 0, Origin::app)), 0x2C);
  EXPECT_EQ(jk_logbook_code(ev(EventType::shutdown, 0, Origin::button)), 0x2D);
  EXPECT_EQ(jk_logbook_code(ev(EventType::shutdown, 0, Origin::rs485)), 0x2F);
  EXPECT_EQ(jk_logbook_code(ev(EventType::shutdown, 0, Origin::internal)), 0x02);
  EXPECT_EQ(jk_logbook_code(ev(EventType::sleep)), 0x38);
}

TEST(JkLogbook, events_jk_does_not_log_have_no_code) {
  EXPECT_EQ(jk_logbook_code(ev(EventType::setting_changed, 0, Origin::app, 3600)), std::nullopt);
  EXPECT_EQ(jk_logbook_code(ev(EventType::password_changed)), std::nullopt);
}

TEST(JkLogbook, code_text_and_per_cell_codes) {
  EXPECT_EQ(jk_logbook_text(0x01), "Boot");
  EXPECT_EQ(jk_logbook_text(0x44), "LiFePO4 factory settings loaded");
  EXPECT_EQ(jk_logbook_text(0x1B), "Charge low-temperature protection");
  EXPECT_EQ(jk_logbook_text(0x66), "Cell over-charge protection");
  EXPECT_EQ(jk_logbook_cell(0x66), 3);
  EXPECT_EQ(jk_logbook_text(0xE7), "Cell over-discharge protection");
  EXPECT_EQ(jk_logbook_cell(0xE7), 32);
  EXPECT_EQ(jk_logbook_cell(0x11), std::nullopt);
  EXPECT_EQ(jk_logbook_text(0x50), "");
}

TEST(JkLogbook, every_code_the_mapping_produces_has_words) {
  for (uint8_t t = 0; t < static_cast<uint8_t>(EventType::count_); ++t) {
    for (uint8_t o = 0; o < static_cast<uint8_t>(Origin::count_); ++o) {
      for (uint8_t arg = 0; arg < 80; ++arg) {
        for (int32_t v = 0; v < 2; ++v) {
          const auto code = jk_logbook_code({0, EventType(t), arg, o, v});
          if (code) {
            EXPECT_FALSE(jk_logbook_text(*code).empty()) << int(*code);
          }
        }
      }
    }
  }
}

TEST(EventText, every_event_type_has_words) {
  for (uint8_t t = 0; t < static_cast<uint8_t>(EventType::count_); ++t) {
    EXPECT_FALSE(event_text(EventType(t)).empty()) << kEventNames[t];
  }
  EXPECT_EQ(event_text(EventType::protection_trip), "Protection tripped");
  EXPECT_EQ(event_text(EventType::count_), "");
}

TEST(EventText, subject_and_origin_name_what_and_who) {
  EXPECT_EQ(event_subject(trip(AlarmBit::cell_ovp)), "Cell over-voltage");
  EXPECT_EQ(event_subject(sw(Param::discharge_enabled, Origin::web, 0)), "discharge_enabled");
  EXPECT_EQ(origin_text(sw(Param::discharge_enabled, Origin::web, 0)), "web");
  EXPECT_EQ(event_subject(ev(EventType::preset_loaded, uint8_t(Chemistry::lto))), "lto");
  EXPECT_EQ(event_subject(ev(EventType::password_changed, 1)), "settings");
  EXPECT_EQ(event_subject(ev(EventType::device_field_changed, 1)), "manufacturing_date");
  EXPECT_EQ(event_subject(ev(EventType::boot)), "");
  EXPECT_EQ(event_subject(ev(EventType::protection_trip, 200)), "");
}

TEST(JkLogbook, every_code_read_back_gives_an_event_that_encodes_again) {
  int known = 0;
  for (int code = 0; code < 256; ++code) {
    const auto e = jk_logbook_event(static_cast<uint8_t>(code), 1234);
    if (!e) continue;
    ++known;
    EXPECT_EQ(e->time_s, 1234u);
    // Per-cell codes encode as the pack-level code, and JK's "any source" codes (0x46/0x47)
    // come back with the board as the origin, which has a code of its own: a code, not the same.
    EXPECT_TRUE(jk_logbook_code(*e).has_value()) << "code " << code;
  }
  for (const uint8_t code :
       std::initializer_list<uint8_t>{0x01, 0x04, 0x09, 0x11, 0x1C, 0x23, 0x42, 0x48, 0x49}) {
    EXPECT_EQ(jk_logbook_code(*jk_logbook_event(code, 0)), code) << "code " << int{code};
  }
  EXPECT_GE(known, 100);  // 73 named codes plus 64 per-cell codes
  const auto cell7 = jk_logbook_event(0x64 + 6, 0);
  ASSERT_TRUE(cell7.has_value());
  EXPECT_EQ(cell7->arg, static_cast<uint8_t>(AlarmBit::cell_ovp));
  EXPECT_EQ(cell7->value, 6);
  EXPECT_FALSE(jk_logbook_event(0xFF, 0).has_value());
}

}  // namespace
}  // namespace softbms::core
