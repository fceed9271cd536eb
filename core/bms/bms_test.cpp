#include "core/bms/bms.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>

#include "core/bms/bms_test_support.hpp"
#include "core/bms/persistence.hpp"
#include "core/settings/validate.hpp"
#include "core/store/medium.hpp"

namespace softbms::core {
namespace {
using namespace softbms::literals;

using test::kTick;
using test::run;

Settings lfp16() { return Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, 16); }

Measurements pack_at(Millivolts cell, Milliamps current = Milliamps(0)) {
  return test::pack_at(16, cell, current);
}

Command switch_cmd(Param p, int32_t v, Authority a = Authority::switches) {
  Command c;
  c.kind = CommandKind::set_param;
  c.origin = Origin::web;
  c.authority = a;
  c.param = p;
  c.value = v;
  return c;
}

TEST(Bms, a_healthy_16s_lfp_pack_has_both_fets_on_and_no_alarm) {
  Bms bms(lfp16());
  bms.boot(0_ms);
  run(bms, 0_ms, 3000_ms, pack_at(3300_mV));
  const Snapshot& s = bms.snapshot();
  EXPECT_TRUE(s.charge_fet);
  EXPECT_TRUE(s.discharge_fet);
  EXPECT_EQ(s.alarms, alarm_mask(AlarmBit::modify_password)) << "only: change the factory password";
  EXPECT_EQ(s.cell_count, 16);
  EXPECT_EQ(s.pack_voltage, 52800_mV);
  EXPECT_EQ(s.temp[1], DeciCelsius(250));
  EXPECT_EQ(s.power_on_count, 1u);
  EXPECT_EQ(bms.events().newest().type, EventType::boot);
}

TEST(Bms, switching_charge_off_turns_the_fet_off_and_logs_who_did_it) {
  Bms bms(lfp16());
  bms.boot(0_ms);
  Milliseconds t = run(bms, 0_ms, 1000_ms, pack_at(3300_mV));
  ASSERT_TRUE(bms.apply(switch_cmd(Param::charge_enabled, 0), t).ok());
  run(bms, t, 200_ms, pack_at(3300_mV));
  EXPECT_FALSE(bms.snapshot().charge_fet);
  EXPECT_TRUE(bms.snapshot().discharge_fet);
  const Event& e = bms.events().newest();
  EXPECT_EQ(e.type, EventType::switch_changed);
  EXPECT_EQ(e.arg, static_cast<uint8_t>(Param::charge_enabled));
  EXPECT_EQ(e.origin, static_cast<uint8_t>(Origin::web));
  EXPECT_NE(bms.dirty() & kDirtySettings, 0);
}

TEST(Bms, a_setting_needs_settings_authority_and_a_bad_one_changes_nothing) {
  Bms bms(lfp16());
  Command c = switch_cmd(Param::cell_ovp, 3650);
  EXPECT_EQ(bms.apply(c, 0_ms).code(), Errc::not_authorized);
  c.authority = Authority::settings;
  EXPECT_TRUE(bms.apply(c, 0_ms).ok());
  EXPECT_EQ(bms.settings().raw(Param::cell_ovp), 3650);
  c.param = Param::cell_ovpr;
  c.value = 3700;  // above OVP
  const Status st = bms.apply(c, 0_ms);
  EXPECT_EQ(st.code(), Errc::rule_violation);
  EXPECT_EQ(bms.settings().raw(Param::cell_ovpr), 3400);
  EXPECT_EQ(bms.snapshot().rejected_commands, 2u);
}

SettingsChange change_of(Authority a, std::initializer_list<Change> list) {
  SettingsChange c{Origin::rs485, a, {}};
  for (const Change& x : list) EXPECT_TRUE(c.changes.set(x.param, x.value).ok());
  return c;
}

// Issue 11: a JK-PB FC10 write that raises cell_uvp 2600 -> 3050 and cell_uvpr 3000 -> 3100 is
// one request; the core applies it as one step, so the intermediate uvp > uvpr never exists.
TEST(Bms, a_change_set_is_validated_once_on_the_final_state_and_logs_each_change) {
  Bms bms(lfp16());
  bms.boot(0_ms);
  const std::size_t events_before = bms.events().size();
  ASSERT_TRUE(bms.apply(change_of(Authority::settings, {{Param::cell_uvp, 3050}, {Param::cell_uvpr, 3100}}), 0_ms).ok());
  EXPECT_EQ(bms.settings().raw(Param::cell_uvp), 3050);
  EXPECT_EQ(bms.settings().raw(Param::cell_uvpr), 3100);
  ASSERT_EQ(bms.events().size(), events_before + 2);
  EXPECT_EQ(bms.events().newest().type, EventType::setting_changed);
  EXPECT_EQ(bms.events().newest().origin, static_cast<uint8_t>(Origin::rs485));
  EXPECT_NE(bms.dirty() & kDirtySettings, 0);
}

TEST(Bms, a_change_set_is_all_or_nothing_and_authorised_as_a_whole) {
  Bms bms(lfp16());
  // A switch and a setting: switches authority covers only the switch, so nothing happens.
  const SettingsChange mixed = change_of(Authority::switches, {{Param::charge_enabled, 0}, {Param::cell_ovp, 3650}});
  const Status refused = bms.apply(mixed, 0_ms);
  EXPECT_EQ(refused.code(), Errc::not_authorized);
  EXPECT_EQ(refused.detail(), static_cast<uint16_t>(Param::cell_ovp));
  EXPECT_TRUE(bms.settings().on(Param::charge_enabled));
  // The third of three changes is out of range: the first two do not stay.
  const Status bad = bms.apply(
      change_of(Authority::settings, {{Param::charge_enabled, 0}, {Param::cell_ovp, 3650}, {Param::charge_otp, 1500}}), 0_ms);
  EXPECT_EQ(bad.code(), Errc::out_of_range);
  EXPECT_EQ(error_field(bad), Param::charge_otp);
  EXPECT_EQ(bms.settings(), lfp16());
  EXPECT_EQ(bms.snapshot().rejected_commands, 2u);
  EXPECT_EQ(bms.dirty() & kDirtySettings, 0);
}

// Issue 9 item 10: calibration factors come from a measured value and the address from the DIP
// switches, on every interface; writing the value they already have is no change and passes.
TEST(Bms, calibration_factors_and_the_dip_address_are_not_written_directly) {
  for (Param p : {Param::voltage_calibration, Param::current_calibration, Param::device_address}) {
    Bms bms(lfp16());
    const int32_t had = bms.settings().raw(p);
    const Status st = bms.apply(change_of(Authority::settings, {{p, had + 1}}), 0_ms);
    EXPECT_EQ(st.code(), Errc::rule_violation) << info(p).name;
    EXPECT_EQ(error_rule(st), Rule::set_by_its_command) << info(p).name;
    EXPECT_EQ(error_field(st), p);
    EXPECT_EQ(bms.settings().raw(p), had);
    EXPECT_TRUE(bms.apply(change_of(Authority::settings, {{p, had}}), 0_ms).ok()) << info(p).name;
  }
}

TEST(Bms, cell_ovp_trips_in_the_loop_and_releases_below_ovpr) {
  Bms bms(lfp16());
  bms.boot(0_ms);
  Milliseconds t = run(bms, 0_ms, 1000_ms, pack_at(3400_mV, 10_A));
  Measurements high = pack_at(3400_mV, 10_A);
  high.cell_raw[5] = 3610_mV;
  t = run(bms, t, 1900_ms, high);
  EXPECT_TRUE(bms.snapshot().charge_fet) << "before the 2 s delay";
  t = run(bms, t, 300_ms, high);
  EXPECT_FALSE(bms.snapshot().charge_fet);
  EXPECT_TRUE(bms.snapshot().discharge_fet);
  EXPECT_NE(bms.snapshot().alarms & alarm_mask(AlarmBit::cell_ovp), 0u);
  high.cell_raw[5] = 3450_mV;  // below OVP but above OVPR 3.40 V: still held
  t = run(bms, t, 5000_ms, high);
  EXPECT_FALSE(bms.snapshot().charge_fet);
  t = run(bms, t, 5000_ms, pack_at(3350_mV));
  EXPECT_TRUE(bms.snapshot().charge_fet);
  bool tripped = false;
  bool released = false;
  for (const Event& e : bms.events()) {
    tripped |= e.type == EventType::protection_trip && e.arg == static_cast<uint8_t>(AlarmBit::cell_ovp) && e.value == 3610;
    released |= e.type == EventType::protection_release && e.arg == static_cast<uint8_t>(AlarmBit::cell_ovp);
  }
  EXPECT_TRUE(tripped);
  EXPECT_TRUE(released);
}

TEST(Bms, emergency_turns_discharge_on_below_uvp_but_a_short_circuit_still_protects) {
  Bms bms(lfp16());
  bms.boot(0_ms);
  Milliseconds t = run(bms, 0_ms, 5000_ms, pack_at(2550_mV));  // below UVP 2.60, above power-off 2.50
  EXPECT_FALSE(bms.snapshot().discharge_fet);
  Command em;
  em.kind = CommandKind::emergency;
  em.authority = Authority::switches;
  em.value = 1;
  ASSERT_TRUE(bms.apply(em, t).ok());
  t = run(bms, t, 200_ms, pack_at(2550_mV));
  EXPECT_TRUE(bms.snapshot().discharge_fet);
  EXPECT_EQ(bms.snapshot().emergency_remaining, Seconds(30 * 60));
  Measurements shorted = pack_at(2550_mV, Milliamps(-900000));
  shorted.short_circuit = true;
  bms.step(t, shorted);
  EXPECT_FALSE(bms.snapshot().discharge_fet);
  EXPECT_NE(bms.snapshot().alarms & alarm_mask(AlarmBit::discharge_scp), 0u);
}

TEST(Bms, the_inverter_limits_follow_the_protections) {
  Bms bms(lfp16());
  bms.boot(0_ms);
  Milliseconds t = run(bms, 0_ms, 20'000_ms, pack_at(3300_mV));
  EXPECT_EQ(bms.snapshot().charge_voltage_limit, 3450_mV * 16) << "request-charge voltage x 16";
  EXPECT_EQ(bms.snapshot().charge_current_limit, 90_A) << "90 % of the 100 A charge OCP";
  EXPECT_EQ(bms.snapshot().discharge_current_limit, 90_A);
  Measurements high = pack_at(3300_mV);
  high.cell_raw[3] = 3650_mV;
  run(bms, t, 3000_ms, high);
  EXPECT_EQ(bms.snapshot().charge_current_limit, 0_mA) << "cell OVP tripped";
  EXPECT_GT(bms.snapshot().discharge_current_limit, 0_mA);
}

TEST(Bms, the_fast_path_opens_the_fets_before_the_next_tick) {
  Bms bms(lfp16());
  bms.boot(0_ms);
  const Milliseconds t = run(bms, 0_ms, 1000_ms, pack_at(3300_mV));
  ASSERT_TRUE(bms.outputs().discharge_fet);
  bms.short_circuit(t);
  EXPECT_FALSE(bms.outputs().discharge_fet);
}

TEST(Bms, factory_reset_loads_the_preset_and_keeps_cell_count_and_capacity) {
  Settings s = lfp16();
  ASSERT_TRUE(apply_change(s, Param::design_capacity, 100000).ok());
  ASSERT_TRUE(apply_change(s, Param::cell_ovp, 3650).ok());
  Bms bms(s);
  Command c;
  c.kind = CommandKind::factory_reset;
  c.authority = Authority::settings;
  c.chemistry = Chemistry::lfp;
  ASSERT_TRUE(bms.apply(c, 0_ms).ok());
  EXPECT_EQ(bms.settings().raw(Param::cell_ovp), 3600);
  EXPECT_EQ(bms.settings().raw(Param::design_capacity), 100000);
  EXPECT_EQ(bms.settings().cells(), 16);
  EXPECT_EQ(bms.events().newest().type, EventType::factory_reset);
  c.authority = Authority::switches;
  EXPECT_EQ(bms.apply(c, 0_ms).code(), Errc::not_authorized);
}

TEST(Bms, voltage_calibration_makes_the_pack_read_what_the_user_measured) {
  Bms bms(lfp16());
  bms.boot(0_ms);
  Milliseconds t = run(bms, 0_ms, 500_ms, pack_at(3300_mV));
  Command c;
  c.kind = CommandKind::calibrate_voltage;
  c.authority = Authority::settings;
  c.value = 53000;  // the multimeter says 53.000 V, the board reads 52.800 V
  ASSERT_TRUE(bms.apply(c, t).ok());
  run(bms, t, 200_ms, pack_at(3300_mV));
  EXPECT_NEAR(bms.snapshot().pack_voltage.count(), 53000, 16);
}

TEST(Bms, device_name_accepts_letters_and_digits_only) {
  Bms bms(lfp16());
  Command c;
  c.kind = CommandKind::set_device_field;
  c.authority = Authority::settings;
  c.field = DeviceField::device_name;
  c.text.assign("Garage 1");
  EXPECT_EQ(bms.apply(c, 0_ms).code(), Errc::bad_value);
  c.text.assign("Garage1");
  EXPECT_TRUE(bms.apply(c, 0_ms).ok());
  EXPECT_EQ(bms.device().device_name.view(), "Garage1");
}

TEST(Bms, five_wrong_settings_passwords_lock_it_for_a_minute) {
  Bms bms(lfp16());
  for (int i = 0; i < 4; ++i) EXPECT_EQ(bms.check_password(PasswordKind::settings, "000000", 0_ms).code(), Errc::wrong_password);
  EXPECT_FALSE(bms.check_password(PasswordKind::settings, "000000", 0_ms).ok());
  EXPECT_EQ(bms.check_password(PasswordKind::settings, "123456", 1000_ms).code(), Errc::locked);
  EXPECT_TRUE(bms.check_password(PasswordKind::settings, "123456", 61000_ms).ok());
}

TEST(Bms, state_survives_a_restart_through_the_store) {
  test::RamStore ram;
  Store& store = ram.store;
  {
    Bms bms(lfp16());
    bms.boot(0_ms);
    Milliseconds t = run(bms, 0_ms, 1000_ms, pack_at(3300_mV, -50_A));
    ASSERT_TRUE(bms.apply(switch_cmd(Param::balance_enabled, 0), t).ok());
    Command pw;
    pw.kind = CommandKind::change_password;
    pw.authority = Authority::switches;
    pw.password = PasswordKind::settings;
    pw.old_text.assign("123456");
    pw.text.assign("s3cret99");
    ASSERT_TRUE(bms.apply(pw, t).ok());
    run(bms, t, 3600'000_ms, pack_at(3300_mV, -50_A));
    ASSERT_TRUE(save_records(bms, store, 0xFF).ok());
    EXPECT_EQ(bms.dirty(), 0);
  }
  Bms again(lfp16());
  const LoadReport r = load_records(again, store);
  EXPECT_TRUE(r.settings.ok());
  EXPECT_TRUE(r.counters.ok());
  EXPECT_TRUE(r.events.ok());
  EXPECT_TRUE(r.passwords.ok());
  again.boot(0_ms);
  run(again, 0_ms, 500_ms, pack_at(3300_mV));
  EXPECT_FALSE(again.settings().on(Param::balance_enabled));
  EXPECT_EQ(again.snapshot().power_on_count, 2u);
  EXPECT_GE(again.snapshot().runtime, Seconds(3600));
  EXPECT_GE(again.snapshot().discharged_energy.count(), 2'500'000);  // ~52.8 V x 50 A x 1 h
  EXPECT_TRUE(again.check_password(PasswordKind::settings, "s3cret99", 0_ms).ok());
  EXPECT_GT(again.events().size(), 3u);
}

// A pack whose series resistance is about five times the model's: a 50 A step moves each cell
// by 50 mV. The SOC model learns R0 from the step.
Milliseconds learn_a_resistance(Bms& bms) {
  bms.boot(0_ms);
  const Milliseconds t = run(bms, 0_ms, 5000_ms, pack_at(3300_mV));
  return run(bms, t, 60'000_ms, pack_at(3250_mV, -50_A));
}

uint32_t slot_sequence(const std::array<uint8_t, kStoreSize>& flash, std::size_t slot) {
  const std::size_t at = slot_offset(RecordId::counters, slot) + 8;
  return static_cast<uint32_t>(flash[at]) | static_cast<uint32_t>(flash[at + 1]) << 8 |
         static_cast<uint32_t>(flash[at + 2]) << 16 | static_cast<uint32_t>(flash[at + 3]) << 24;
}

TEST(Bms, what_the_soc_model_learned_survives_a_restart_and_a_torn_save) {
  test::RamStore f;
  Store& store = f.store;
  Bms fresh(lfp16());
  run(fresh, 0_ms, 200_ms, pack_at(3300_mV));
  const Microohms datasheet_r0 = fresh.snapshot().model_r0;

  Bms bms(lfp16());
  Milliseconds t = learn_a_resistance(bms);
  const Snapshot first = bms.snapshot();
  EXPECT_GT(first.model_r0.count(), 3 * datasheet_r0.count()) << "R0 was learned from the step";
  ASSERT_TRUE(save_records(bms, store, kDirtyCounters).ok());
  // Later: a long rest at a lower voltage moves the model's SOC; saved into the other slot.
  run(bms, t, 1800'000_ms, pack_at(3200_mV));
  const Snapshot second = bms.snapshot();
  ASSERT_GT(std::abs(second.soc_model_permille - first.soc_model_permille), 60);
  ASSERT_TRUE(save_records(bms, store, kDirtyCounters).ok());

  {
    Bms again(lfp16());
    ASSERT_TRUE(load_records(again, store).counters.ok());
    const ModelMemory stored = again.model_memory();
    const ModelMemory saved = bms.model_memory();
    EXPECT_EQ(stored.cells, 16);
    EXPECT_EQ(std::memcmp(&stored, &saved, sizeof saved), 0) << "stored bit for bit";
    again.boot(0_ms);
    run(again, 0_ms, 100_ms, pack_at(3200_mV));
    EXPECT_NEAR(again.snapshot().model_r0.count(), second.model_r0.count(),
                second.model_r0.count() / 100);
    // One reading with the restart's doubt (the board may have slept through a discharge).
    EXPECT_NEAR(again.snapshot().soc_model_permille, second.soc_model_permille, 20);
  }
  // The power failed while the second save was written: its slot holds a torn record, and the
  // first one loads, with what the model knew then.
  std::array<uint8_t, kStoreSize>& flash = f.flash;
  const std::size_t newest = slot_sequence(flash, 1) > slot_sequence(flash, 0) ? 1 : 0;
  const std::size_t tail = slot_offset(RecordId::counters, newest) + kHeaderSize + 200;
  std::fill(flash.begin() + static_cast<std::ptrdiff_t>(tail),
            flash.begin() + static_cast<std::ptrdiff_t>(tail + 300), kErasedByte);
  Bms restored(lfp16());
  ASSERT_TRUE(load_records(restored, store).counters.ok());
  restored.boot(0_ms);
  run(restored, 0_ms, 100_ms, pack_at(3250_mV, -50_A));
  EXPECT_NEAR(restored.snapshot().model_r0.count(), first.model_r0.count(),
              first.model_r0.count() / 100);
  EXPECT_NEAR(restored.snapshot().soc_model_permille, first.soc_model_permille, 20);
}

TEST(Bms, older_counters_records_still_load_and_the_model_resumes_what_they_hold) {
  test::RamStore f;
  Store& store = f.store;
  Bms old(lfp16());
  learn_a_resistance(old);
  Counters v1 = old.counters();
  v1.version = 1;
  std::array<uint8_t, sizeof(Counters)> bytes{};
  std::memcpy(bytes.data(), &v1, sizeof v1);
  ASSERT_TRUE(store.save(RecordId::counters, bytes).ok());

  Bms again(lfp16());
  ASSERT_TRUE(load_records(again, store).counters.ok());
  EXPECT_EQ(again.counters().version, kCountersVersion);
  EXPECT_EQ(again.counters().power_on_count, v1.power_on_count);
  EXPECT_EQ(again.counters().remaining, v1.remaining);
  Bms fresh(lfp16());
  run(fresh, 0_ms, 100_ms, pack_at(3300_mV));
  run(again, 0_ms, 100_ms, pack_at(3300_mV));
  EXPECT_EQ(again.snapshot().model_r0, fresh.snapshot().model_r0) << "nothing learned was stored";

  // A version 3 record cut short is damaged, not half loaded.
  Counters v3 = old.counters();
  std::memcpy(bytes.data(), &v3, sizeof v3);
  ASSERT_TRUE(store.save(RecordId::counters, bytes).ok());
  Bms damaged(lfp16());
  EXPECT_EQ(load_records(damaged, store).counters.code(), Errc::corrupt);

  // Version 2: the counters and the model's memory without the cells' last SOC events. The
  // model resumes from what it learned, with no event to pair the next one with.
  Counters v2 = old.counters();
  v2.version = 2;
  const ModelMemory memory = old.model_memory();
  std::array<uint8_t, sizeof(Counters) + kModelMemoryV2Size> v2_bytes{};
  std::memcpy(v2_bytes.data(), &v2, sizeof v2);
  std::memcpy(v2_bytes.data() + sizeof v2, &memory, kModelMemoryV2Size);
  ASSERT_TRUE(store.save(RecordId::counters, v2_bytes).ok());
  Bms resumed(lfp16());
  ASSERT_TRUE(load_records(resumed, store).counters.ok());
  EXPECT_EQ(resumed.counters().version, kCountersVersion);
  const ModelMemory loaded = resumed.model_memory();
  EXPECT_EQ(std::memcmp(&loaded, &memory, kModelMemoryV2Size), 0) << "what was learned";
  for (const LearnedEvent& e : loaded.event) EXPECT_EQ(e.kind, 0) << "no event to pair with";
}

}  // namespace
}  // namespace softbms::core
