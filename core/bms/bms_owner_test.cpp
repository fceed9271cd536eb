// What a JK owner does in the app (issue 11): calibrate voltage and current, reset the counters,
// name the board, change the two passwords. Each is one command of the core, needs the
// settings authority (a password change needs the old password instead), changes nothing when
// refused, is logged with who asked, and marks the record that must be saved before the reply.
#include <gtest/gtest.h>

#include <array>
#include <thread>

#include "core/bms/bms.hpp"
#include "core/bms/bms_test_support.hpp"
#include "core/bms/persistence.hpp"
#include "core/store/medium.hpp"

namespace softbms::core {
namespace {
using namespace softbms::literals;

using test::run;

Settings lfp16() {
  return Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, 16);
}

Measurements pack_at(Millivolts cell, Milliamps current = Milliamps(0)) {
  return test::pack_at(16, cell, current);
}

Command command(CommandKind kind, int32_t value = 0, Authority a = Authority::settings) {
  Command c;
  c.kind = kind;
  c.origin = Origin::cli;
  c.authority = a;
  c.value = value;
  return c;
}

Command password(PasswordKind kind, std::string_view old_pw, std::string_view new_pw) {
  Command c = command(CommandKind::change_password, 0, Authority::switches);
  c.password = kind;
  c.old_text.assign(old_pw);
  c.text.assign(new_pw);
  return c;
}

Event last_event(const Bms& bms) {
  Event last{};
  for (const Event& e : bms.events()) last = e;
  return last;
}

// The app's "voltage calibration": a meter reads 1.5 % more than the board; after it the board
// reads what the meter does, and a second calibration starts again from the raw reading.
TEST(BmsOwner, voltage_calibration_by_one_and_a_half_percent) {
  Bms bms(lfp16());
  bms.boot(0_ms);
  Milliseconds t = run(bms, 0_ms, 500_ms, pack_at(3300_mV));
  ASSERT_EQ(bms.snapshot().pack_voltage.count(), 52800);
  ASSERT_TRUE(bms.apply(command(CommandKind::calibrate_voltage, 53592), t).ok());  // 52.8 V x 1.015
  EXPECT_EQ(bms.settings().raw(Param::voltage_calibration), 1'015'000);
  EXPECT_NE(bms.dirty() & kDirtySettings, 0);
  EXPECT_EQ(last_event(bms).type, EventType::calibrated);
  EXPECT_EQ(last_event(bms).arg, 0);
  EXPECT_EQ(last_event(bms).value, 1'015'000);
  EXPECT_EQ(last_event(bms).origin, static_cast<uint8_t>(Origin::cli));
  // The Snapshot shows the new factor at once (a read right after the acknowledge), from the
  // same raw reading: no tick in between.
  EXPECT_EQ(bms.snapshot().uptime, t - test::kTick);
  EXPECT_NEAR(bms.snapshot().pack_voltage.count(), 53592, 16);
  EXPECT_NEAR(bms.snapshot().cell[0].count(), 3349, 1);  // every cell scales with it
  EXPECT_EQ(bms.snapshot().voltage_calibration_ppm, 1'015'000);
  t = run(bms, t, 200_ms, pack_at(3300_mV));
  EXPECT_NEAR(bms.snapshot().pack_voltage.count(), 53592, 16);
  ASSERT_TRUE(bms.apply(command(CommandKind::calibrate_voltage, 52800), t).ok());
  EXPECT_EQ(bms.settings().raw(Param::voltage_calibration), 1'000'000);
}

TEST(BmsOwner, current_calibration_makes_the_shunt_read_what_the_clamp_meter_reads) {
  Bms bms(lfp16());
  bms.boot(0_ms);
  Milliseconds t = run(bms, 0_ms, 500_ms, pack_at(3300_mV, -20_A));
  ASSERT_TRUE(bms.apply(command(CommandKind::calibrate_current, -20'500), t).ok());
  EXPECT_EQ(bms.settings().raw(Param::current_calibration), 1'025'000);
  EXPECT_EQ(last_event(bms).type, EventType::calibrated);
  EXPECT_EQ(last_event(bms).arg, 1);
  run(bms, t, 200_ms, pack_at(3300_mV, -20_A));
  EXPECT_EQ(bms.snapshot().current.count(), -20'500);
}

TEST(BmsOwner, a_calibration_that_cannot_be_right_changes_nothing) {
  Bms bms(lfp16());
  bms.boot(0_ms);
  const Milliseconds t = run(bms, 0_ms, 500_ms, pack_at(3300_mV, Milliamps(300)));
  const auto events = bms.events().total();
  // 0.3 A: offset and noise are too large a part of it.
  EXPECT_EQ(bms.apply(command(CommandKind::calibrate_current, 310), t).code(), Errc::bad_state);
  // 30 % off is a wrong entry, not a calibration (the factor's range is 0.8 .. 1.2).
  EXPECT_EQ(bms.apply(command(CommandKind::calibrate_voltage, 68640), t).code(),
            Errc::out_of_range);
  // Without the settings password nothing is calibrated.
  EXPECT_EQ(
      bms.apply(command(CommandKind::calibrate_voltage, 53000, Authority::switches), t).code(),
      Errc::not_authorized);
  EXPECT_EQ(bms.settings().raw(Param::voltage_calibration), 1'000'000);
  EXPECT_EQ(bms.settings().raw(Param::current_calibration), 1'000'000);
  EXPECT_EQ(bms.events().total(), events);
  EXPECT_EQ(bms.snapshot().rejected_commands, 3u);
}

TEST(BmsOwner, reset_counters_clears_cycles_and_energy_and_says_who) {
  Bms bms(lfp16());
  bms.boot(0_ms);
  Milliseconds t = run(bms, 0_ms, 3'600'000_ms, pack_at(3300_mV, -50_A));
  ASSERT_GT(bms.snapshot().discharged_energy.count(), 2'000'000);
  ASSERT_GT(bms.snapshot().cycle_capacity.count(), 40'000);
  bms.mark_saved(0xFF);
  EXPECT_EQ(bms.apply(command(CommandKind::reset_counters, 0, Authority::switches), t).code(),
            Errc::not_authorized);
  EXPECT_GT(bms.counters().discharged.count(), 0);
  ASSERT_TRUE(bms.apply(command(CommandKind::reset_counters), t).ok());
  EXPECT_NE(bms.dirty() & kDirtyCounters, 0);
  EXPECT_EQ(last_event(bms).type, EventType::counters_reset);
  EXPECT_EQ(last_event(bms).origin, static_cast<uint8_t>(Origin::cli));
  // At once, before the next tick (what a read right after the acknowledge shows).
  EXPECT_EQ(bms.snapshot().discharged_energy.count(), 0);
  EXPECT_EQ(bms.snapshot().cycle_capacity.count(), 0);
  run(bms, t, 200_ms, pack_at(3300_mV));
  EXPECT_EQ(bms.snapshot().cycles, 0u);
  EXPECT_EQ(bms.snapshot().cycle_capacity.count(), 0);
  EXPECT_EQ(bms.snapshot().discharged_energy.count(), 0);
  EXPECT_EQ(bms.snapshot().charged_energy.count(), 0);
}

TEST(BmsOwner, the_device_name_is_saved_and_logged) {
  Bms bms(lfp16());
  Command c = command(CommandKind::set_device_field);
  c.field = DeviceField::device_name;
  c.text.assign("Garage1");
  c.authority = Authority::switches;
  EXPECT_EQ(bms.apply(c, 0_ms).code(), Errc::not_authorized);
  c.authority = Authority::settings;
  c.text.assign("");
  EXPECT_EQ(bms.apply(c, 0_ms).code(), Errc::bad_value);
  EXPECT_EQ(bms.device().device_name.view(), "softbms");
  c.text.assign("Garage1");
  ASSERT_TRUE(bms.apply(c, 0_ms).ok());
  EXPECT_NE(bms.dirty() & kDirtyDevice, 0);
  EXPECT_EQ(last_event(bms).type, EventType::device_field_changed);
  EXPECT_EQ(last_event(bms).arg, static_cast<uint8_t>(DeviceField::device_name));
}

TEST(BmsOwner, a_wrong_old_password_changes_nothing_and_is_logged) {
  Bms bms(lfp16());
  EXPECT_EQ(bms.apply(password(PasswordKind::settings, "654321", "n3wpass"), 0_ms).code(),
            Errc::wrong_password);
  EXPECT_EQ(last_event(bms).type, EventType::password_rejected);
  EXPECT_TRUE(bms.passwords().is_default(PasswordKind::settings));
  EXPECT_EQ(bms.dirty() & kDirtyPasswords, 0);
  EXPECT_TRUE(bms.check_password(PasswordKind::settings, "123456", 0_ms).ok());
  // Too short (JK: 4..16 characters): refused, the old one stays.
  EXPECT_FALSE(bms.apply(password(PasswordKind::settings, "123456", "abc"), 0_ms).ok());
  EXPECT_TRUE(bms.check_password(PasswordKind::settings, "123456", 0_ms).ok());
}

// Alarm bit 19 asks for both factory passwords to go; it stays up until the second one has.
TEST(BmsOwner, both_passwords_change_and_the_reminder_goes) {
  Bms bms(lfp16());
  bms.boot(0_ms);
  Milliseconds t = run(bms, 0_ms, 200_ms, pack_at(3300_mV));
  EXPECT_TRUE(bms.snapshot().alarms & alarm_mask(AlarmBit::modify_password));
  ASSERT_TRUE(bms.apply(password(PasswordKind::connection, "1234", "7788"), t).ok());
  EXPECT_EQ(last_event(bms).type, EventType::password_changed);
  EXPECT_EQ(last_event(bms).arg, static_cast<uint8_t>(PasswordKind::connection));
  EXPECT_NE(bms.dirty() & kDirtyPasswords, 0);
  t = run(bms, t, 200_ms, pack_at(3300_mV));
  EXPECT_TRUE(bms.snapshot().alarms & alarm_mask(AlarmBit::modify_password));
  ASSERT_TRUE(bms.apply(password(PasswordKind::settings, "123456", "s3cret99"), t).ok());
  run(bms, t, 200_ms, pack_at(3300_mV));
  EXPECT_FALSE(bms.snapshot().alarms & alarm_mask(AlarmBit::modify_password));
  EXPECT_TRUE(bms.check_password(PasswordKind::connection, "7788", t).ok());
  EXPECT_EQ(bms.check_password(PasswordKind::settings, "123456", t).code(), Errc::wrong_password);
}

// Review of issue 11: the save buffer belongs to each Bms, so packs saved on several threads at
// once (the campaign runner) need no lock and never mix their records.
TEST(BmsPersistence, packs_save_and_load_on_several_threads_without_a_lock) {
  constexpr int kThreads = 4;
  std::array<bool, kThreads> ok{};
  std::array<std::thread, kThreads> threads;
  for (int k = 0; k < kThreads; ++k) {
    threads[static_cast<std::size_t>(k)] = std::thread([k, &ok] {
      test::RamStore ram;
      Store& store = ram.store;
      Bms bms(lfp16());
      bms.boot(0_ms);
      bool good = true;
      for (int i = 0; i < 40 && good; ++i) {
        Command c = command(CommandKind::set_param, 10 + k * 100 + i);
        c.param = Param::wire_resistance_alarm;
        good = bms.apply(c, Milliseconds(i)).ok() && save_records(bms, store, 0xFF).ok();
        Bms again(lfp16());
        const LoadReport r = load_records(again, store);
        good = good && r.settings.ok() && r.events.ok() && r.counters.ok() &&
               again.settings().raw(Param::wire_resistance_alarm) == 10 + k * 100 + i &&
               again.events().total() == bms.events().total();
      }
      ok[static_cast<std::size_t>(k)] = good;
    });
  }
  for (auto& t : threads) t.join();
  for (int k = 0; k < kThreads; ++k) EXPECT_TRUE(ok[static_cast<std::size_t>(k)]) << "thread " << k;
}

}  // namespace
}  // namespace softbms::core
