// The board as the manuals describe it (issue 11): failed MOSFETs, the button, the
// change-the-password alarm. Each test names the document section it checks.
#include <gtest/gtest.h>

#include "core/bms/bms.hpp"
#include "core/bms/bms_test_support.hpp"

namespace softbms::core {
namespace {
using namespace softbms::literals;

using test::kTick;
using test::pack_at;
using test::run;

Settings lfp(ModelId model, int cells) {
  return Settings::preset(Chemistry::lfp, model, cells);
}

Command cmd(CommandKind kind, Authority a = Authority::settings) {
  Command c;
  c.kind = kind;
  c.origin = Origin::cli;
  c.authority = a;
  return c;
}

Command switch_off(Param p) {
  Command c = cmd(CommandKind::set_param, Authority::switches);
  c.param = p;
  c.value = 0;
  return c;
}

bool logged(const Bms& bms, EventType type, uint8_t arg) {
  for (std::size_t i = 0; i < bms.events().size(); ++i) {
    if (bms.events()[i].type == type && bms.events()[i].arg == arg) return true;
  }
  return false;
}

constexpr uint32_t kChargeMosFault = alarm_mask(AlarmBit::charge_mos_fault);
constexpr uint32_t kDischargeMosFault = alarm_mask(AlarmBit::discharge_mos_fault);

// JK alarm bit 16 (jk-protocols.md §2.2): charging switched off, 10 A keep flowing.
TEST(BmsBoard, a_charge_fet_that_keeps_conducting_raises_bit_16_sounds_the_buzzer_and_logs_it) {
  Bms bms(lfp(ModelId::jk_pb2a16s20p, 16));
  bms.boot(0_ms);
  Milliseconds t = run(bms, 0_ms, 2000_ms, pack_at(16, 3300_mV, 10000_mA, true, true));
  ASSERT_TRUE(bms.apply(switch_off(Param::charge_enabled), t).ok());
  t = run(bms, t, 1000_ms, pack_at(16, 3300_mV, 10000_mA, true, true));
  EXPECT_EQ(bms.snapshot().alarms & kChargeMosFault, 0u) << "not before the delay";
  run(bms, t, 300_ms, pack_at(16, 3300_mV, 10000_mA, true, true));
  const Snapshot& s = bms.snapshot();
  EXPECT_NE(s.alarms & kChargeMosFault, 0u);
  EXPECT_TRUE(s.buzzer);
  EXPECT_TRUE(s.dry_contact2);
  EXPECT_FALSE(s.charge_fet);
  EXPECT_TRUE(s.discharge_fet) << "discharging is how an overcharging pack comes back down";
  EXPECT_EQ(s.charge_current_limit, 0_mA);
  EXPECT_TRUE(
      logged(bms, EventType::protection_trip, static_cast<uint8_t>(AlarmBit::charge_mos_fault)));
}

// JK alarm bit 17, the current-only evidence: a read-back that echoes the gate drive.
TEST(BmsBoard, discharge_current_with_the_discharge_fet_off_raises_bit_17) {
  Bms bms(lfp(ModelId::jk_pb2a16s20p, 16));
  bms.boot(0_ms);
  Milliseconds t = run(bms, 0_ms, 1000_ms, pack_at(16, 3300_mV, -20000_mA, true, true));
  ASSERT_TRUE(bms.apply(switch_off(Param::discharge_enabled), t).ok());
  run(bms, t, 1500_ms, pack_at(16, 3300_mV, -20000_mA, true, false));
  EXPECT_NE(bms.snapshot().alarms & kDischargeMosFault, 0u);
  EXPECT_TRUE(bms.snapshot().charge_fet);
}

TEST(BmsBoard, a_discharge_fet_stuck_off_opens_the_charge_fet_unless_the_emergency_switch_is_on) {
  Bms bms(lfp(ModelId::jk_pb2a16s20p, 16));
  bms.boot(0_ms);
  Milliseconds t = run(bms, 0_ms, 1500_ms, pack_at(16, 3300_mV, 0_mA, true, false));
  EXPECT_NE(bms.snapshot().alarms & kDischargeMosFault, 0u);
  EXPECT_FALSE(bms.snapshot().charge_fet);
  EXPECT_TRUE(bms.snapshot().discharge_fet) << "still commanded: it is how a recovery shows";
  Command em = cmd(CommandKind::emergency, Authority::switches);
  em.value = 1;
  ASSERT_TRUE(bms.apply(em, t).ok());
  run(bms, t, 200_ms, pack_at(16, 3300_mV, 0_mA, false, false));
  EXPECT_TRUE(bms.snapshot().charge_fet);
}

TEST(BmsBoard, healthy_fets_switched_off_and_on_raise_no_mos_fault) {
  Bms bms(lfp(ModelId::jk_pb2a16s20p, 16));
  bms.boot(0_ms);
  Milliseconds t = run(bms, 0_ms, 1000_ms, pack_at(16, 3300_mV, 0_mA, true, true));
  ASSERT_TRUE(bms.apply(switch_off(Param::charge_enabled), t).ok());
  // The read-back follows one tick later, as on the simulated front end.
  t = run(bms, t, 100_ms, pack_at(16, 3300_mV, 0_mA, true, true));
  run(bms, t, 5000_ms, pack_at(16, 3300_mV, 0_mA, false, true));
  EXPECT_EQ(bms.snapshot().alarms & (kChargeMosFault | kDischargeMosFault), 0u);
}

// JK alarm bit 19 "please change the default password": up while a factory password is used.
TEST(BmsBoard, bit_19_is_up_while_a_factory_password_is_in_use) {
  Bms bms(lfp(ModelId::jk_pb2a16s20p, 16));
  bms.boot(0_ms);
  run(bms, 0_ms, 200_ms, pack_at(16, 3300_mV, 0_mA, true, true));
  constexpr uint32_t kBit19 = alarm_mask(AlarmBit::modify_password);
  EXPECT_NE(bms.snapshot().alarms & kBit19, 0u);
  EXPECT_FALSE(bms.snapshot().buzzer) << "a reminder sounds nothing";
  for (const auto& [kind, old_pw, new_pw] :
       {std::tuple{PasswordKind::settings, "123456", "s3cret99"},
        std::tuple{PasswordKind::connection, "1234", "4711"}}) {
    EXPECT_NE(bms.snapshot().alarms & kBit19, 0u);
    Command c = cmd(CommandKind::change_password, Authority::switches);
    c.password = kind;
    ASSERT_TRUE(c.old_text.assign(old_pw));
    ASSERT_TRUE(c.text.assign(new_pw));
    ASSERT_TRUE(bms.apply(c, 200_ms).ok());
    run(bms, 200_ms, 100_ms, pack_at(16, 3300_mV, 0_mA, true, true));
  }
  EXPECT_EQ(bms.snapshot().alarms & kBit19, 0u);
}

// [M-PB]: the JK-PB's button is its ON/OFF switch.
TEST(BmsBoard, the_jk_pb_button_switches_the_board_off_and_on_and_a_charger_does_not_undo_it) {
  Bms bms(lfp(ModelId::jk_pb2a16s20p, 16));
  bms.boot(0_ms);
  Measurements m = pack_at(16, 3300_mV, 0_mA, true, true);
  Milliseconds t = run(bms, 0_ms, 500_ms, m);
  m.button = true;
  t = run(bms, t, 300_ms, m);
  m.button = false;
  t = run(bms, t, 300_ms, m);
  EXPECT_EQ(bms.snapshot().power_state, PowerState::shut_down);
  EXPECT_FALSE(bms.snapshot().discharge_fet);
  EXPECT_EQ(bms.snapshot().emergency_remaining, 0_s) << "no emergency from this button";
  EXPECT_EQ(bms.events().newest().origin, static_cast<uint8_t>(Origin::button));
  Measurements charging = m;
  charging.terminal_voltage = 3300_mV * 16 + 3000_mV;
  t = run(bms, t, 2000_ms, charging);
  EXPECT_EQ(bms.snapshot().power_state, PowerState::shut_down);
  m.button = true;
  t = run(bms, t, 200_ms, m);
  EXPECT_EQ(bms.snapshot().power_state, PowerState::on);
  EXPECT_EQ(bms.events().newest().type, EventType::wake);
}

// [M-BD4A], the button activates the board: the B2A/BD4A button wakes the board, also after auto
// shutdown.
TEST(BmsBoard,
     the_b2a_button_wakes_a_board_after_auto_shutdown_and_it_shuts_down_again_if_still_empty) {
  Bms bms(lfp(ModelId::jk_b2a8s20p, 8));
  bms.boot(0_ms);
  Measurements empty = pack_at(8, 2400_mV, 0_mA, true, true);  // below power_off_voltage 2.5 V
  Milliseconds t = run(bms, 0_ms, 6000_ms, empty);
  ASSERT_EQ(bms.snapshot().power_state, PowerState::shut_down);
  empty.button = true;
  t = run(bms, t, 200_ms, empty);
  EXPECT_EQ(bms.snapshot().power_state, PowerState::on);
  EXPECT_EQ(bms.events().newest().origin, static_cast<uint8_t>(Origin::button));
  empty.button = false;
  run(bms, t, 6000_ms, empty);
  EXPECT_EQ(bms.snapshot().power_state, PowerState::shut_down);
}

TEST(BmsBoard, a_b2a_button_press_while_running_does_not_switch_the_board_off) {
  Bms bms(lfp(ModelId::jk_b2a8s20p, 8));
  bms.boot(0_ms);
  Measurements m = pack_at(8, 3300_mV, 0_mA, true, true);
  Milliseconds t = run(bms, 0_ms, 500_ms, m);
  m.button = true;
  run(bms, t, 300_ms, m);
  EXPECT_EQ(bms.snapshot().power_state, PowerState::on);
}

// JK-PB "discharge precharge time": the precharge resistor first, then the discharge FET.
TEST(BmsBoard,
     precharge_time_holds_the_discharge_fet_open_while_the_precharge_path_charges_the_load) {
  Settings s = lfp(ModelId::jk_pb2a16s20p, 16);
  s.set_raw(Param::precharge_time, 2);
  Bms bms(s);
  bms.boot(0_ms);
  const Measurements m = pack_at(16, 3300_mV, 0_mA, true, false);
  Milliseconds t = run(bms, 100_ms, 1900_ms, m);
  EXPECT_TRUE(bms.snapshot().precharge);
  EXPECT_FALSE(bms.snapshot().discharge_fet);
  EXPECT_TRUE(bms.snapshot().charge_fet);
  run(bms, t, 200_ms, m);
  EXPECT_FALSE(bms.snapshot().precharge);
  EXPECT_TRUE(bms.snapshot().discharge_fet);
  EXPECT_EQ(bms.snapshot().alarms & kDischargeMosFault, 0u) << "a precharge is no stuck FET";
}

TEST(BmsBoard, without_precharge_time_the_discharge_fet_closes_at_once) {
  Bms bms(lfp(ModelId::jk_pb2a16s20p, 16));
  bms.boot(0_ms);
  bms.step(100_ms, pack_at(16, 3300_mV, 0_mA, false, false));
  EXPECT_TRUE(bms.snapshot().discharge_fet);
  EXPECT_FALSE(bms.snapshot().precharge);
}

// [M-BD4A] smart sleep and the display port: a display kept always on is powered by the board,
// so the board does not sleep; auto shutdown still protects the cells.
TEST(BmsBoard, display_always_on_keeps_an_idle_board_awake) {
  for (const bool display : {false, true}) {
    Settings s = lfp(ModelId::jk_bd4a24s_12p, 16);
    s.set_raw(Param::smart_sleep_hours, 1);
    s.set_raw(Param::display_always_on, display ? 1 : 0);
    Bms bms(s);
    bms.boot(0_ms);
    const Measurements idle = pack_at(16, 3300_mV, 0_mA, true, true);
    for (Milliseconds t = 0_ms; t <= Milliseconds(3'660'000); t += 1000_ms) bms.step(t, idle);
    EXPECT_EQ(bms.snapshot().power_state, display ? PowerState::on : PowerState::sleeping)
        << "display_always_on " << display;
  }
  Settings s = lfp(ModelId::jk_bd4a24s_12p, 16);
  s.set_raw(Param::display_always_on, 1);
  Bms bms(s);
  bms.boot(0_ms);
  run(bms, 0_ms, 6000_ms, pack_at(16, 2400_mV, 0_mA, true, true));  // below power_off_voltage
  EXPECT_EQ(bms.snapshot().power_state, PowerState::shut_down);
}

TEST(BmsBoard, special_charger_and_disable_pcl_are_fixed_off) {
  Bms bms(lfp(ModelId::jk_pb2a16s20p, 16));
  for (const Param p : {Param::special_charger, Param::disable_pcl}) {
    Command c = cmd(CommandKind::set_param);
    c.param = p;
    c.value = 1;
    EXPECT_EQ(bms.apply(c, 0_ms).code(), Errc::rule_violation) << info(p).name;
    EXPECT_EQ(bms.settings().raw(p), 0);
  }
}

// [M-B2A] 5.3 s: a stored record from before MOS OTPR became the factory 65 °C loses nothing.
TEST(BmsBoard, a_stored_record_with_an_old_mos_otpr_restores_with_the_factory_value) {
  Settings old = lfp(ModelId::jk_pb2a16s20p, 16);
  old.set_raw(Param::mos_otpr, 700);
  old.set_raw(Param::cell_ovp, 3550);
  Bms bms(lfp(ModelId::jk_pb2a16s20p, 16));
  ASSERT_TRUE(bms.restore_settings(old).ok());
  EXPECT_EQ(bms.settings().raw(Param::mos_otpr), 650);
  EXPECT_EQ(bms.settings().raw(Param::cell_ovp), 3550);
}

}  // namespace
}  // namespace softbms::core
