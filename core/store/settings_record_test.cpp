#include "core/store/settings_record.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "core/settings/validate.hpp"
#include "core/store/bytes.hpp"
#include "core/store/device_info_record.hpp"

namespace softbms::core {
namespace {

class RecordTest : public ::testing::Test {
 protected:
  std::vector<uint8_t> flash = std::vector<uint8_t>(kStoreSize, kErasedByte);
  MemoryMedium medium{flash, 2048};
  Store store{medium};
};

Settings custom() {
  Settings s = Settings::preset(Chemistry::li_ion, ModelId::jk_bd4a24s_12p, 13);
  EXPECT_TRUE(apply_change(s, Param::cell_ovp, 4180).ok());
  EXPECT_TRUE(apply_change(s, Param::balance_trigger_delta, 5).ok());
  EXPECT_TRUE(apply_change(s, Param::charge_otp, 650).ok());
  return s;
}

std::vector<uint8_t> encoded(const Settings& s) {
  std::vector<uint8_t> b(kSettingsRecordSize);
  const Result<std::size_t> n = encode_settings(s, b);
  EXPECT_TRUE(n.ok());
  b.resize(n.value());
  return b;
}

// Patches the stored value of one parameter in an encoded record.
void patch(std::vector<uint8_t>& rec, Param p, int32_t value) {
  const std::size_t at = kSettingsHeaderBytes + static_cast<std::size_t>(p) * kSettingsEntryBytes;
  ByteWriter w(std::span<uint8_t>(rec).subspan(at + 2, 4));
  w.i32(value);
}

TEST_F(RecordTest, settings_round_trip_keeps_every_value_chemistry_and_model) {
  const Settings s = custom();
  ASSERT_TRUE(save_settings(store, s).ok());
  const Result<Settings> back = load_settings(store);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), s);
  EXPECT_EQ(back.value().mv(Param::cell_ovp).count(), 4180);
  EXPECT_EQ(back.value().cells(), 13);
  EXPECT_EQ(back.value().chemistry(), Chemistry::li_ion);
  EXPECT_EQ(back.value().model_id(), ModelId::jk_bd4a24s_12p);
}

TEST_F(RecordTest, settings_record_is_six_bytes_per_parameter_little_endian) {
  const std::vector<uint8_t> rec = encoded(custom());
  ASSERT_EQ(rec.size(), 6 + kParamCount * 6);
  EXPECT_EQ(rec[0], 1);  // version
  EXPECT_EQ(rec[2], static_cast<uint8_t>(Chemistry::li_ion));
  EXPECT_EQ(rec[3], static_cast<uint8_t>(ModelId::jk_bd4a24s_12p));
  // cell_ovp is parameter 0: index 0, value 4180 mV = 0x1054.
  const std::array<uint8_t, 6> first = {0, 0, 0x54, 0x10, 0, 0};
  EXPECT_TRUE(std::equal(first.begin(), first.end(), rec.begin() + 6));
}

TEST_F(RecordTest, settings_that_break_a_rule_are_rejected_as_corrupt_naming_the_field) {
  std::vector<uint8_t> rec = encoded(custom());
  patch(rec, Param::cell_ovpr, 4300);  // recovery above protection
  ASSERT_TRUE(store.save(RecordId::settings, rec).ok());
  const Result<Settings> back = load_settings(store);
  EXPECT_EQ(back.status().code(), Errc::corrupt);
  EXPECT_EQ(error_rule(back.status()), Rule::ovpr_below_ovp);
}

TEST_F(RecordTest, settings_value_out_of_range_is_rejected) {
  std::vector<uint8_t> rec = encoded(custom());
  patch(rec, Param::charge_ocp_delay, 100000);
  EXPECT_EQ(decode_settings(rec).status().code(), Errc::corrupt);
  EXPECT_EQ(error_field(decode_settings(rec).status()), Param::charge_ocp_delay);
}

TEST_F(RecordTest, unknown_chemistry_version_or_truncation_is_corrupt) {
  const std::vector<uint8_t> good = encoded(custom());
  std::vector<uint8_t> bad_chem = good;
  bad_chem[2] = 7;
  std::vector<uint8_t> bad_version = good;
  bad_version[0] = 9;
  std::vector<uint8_t> truncated(good.begin(), good.end() - 1);
  EXPECT_EQ(decode_settings(bad_chem).status().code(), Errc::corrupt);
  EXPECT_EQ(decode_settings(bad_version).status().code(), Errc::corrupt);
  EXPECT_EQ(decode_settings(truncated).status().code(), Errc::corrupt);
  EXPECT_TRUE(decode_settings(good).ok());
}

TEST_F(RecordTest, duplicate_parameter_in_a_record_is_corrupt) {
  std::vector<uint8_t> rec = encoded(custom());
  rec[kSettingsHeaderBytes + kSettingsEntryBytes] = 0;  // second entry claims index 0 as well
  EXPECT_EQ(decode_settings(rec).status().code(), Errc::corrupt);
}

TEST_F(RecordTest, record_from_an_older_firmware_gets_preset_values_for_missing_parameters) {
  // Only cell_count and cell_ovp stored: everything else comes from the Li-ion preset.
  std::array<uint8_t, kSettingsHeaderBytes + 2 * kSettingsEntryBytes> rec{};
  ByteWriter w(rec);
  w.u16(1);
  w.u8(static_cast<uint8_t>(Chemistry::li_ion));
  w.u8(static_cast<uint8_t>(ModelId::jk_bd4a24s_12p));
  w.u16(2);
  w.u16(static_cast<uint16_t>(Param::cell_count));
  w.i32(10);
  w.u16(static_cast<uint16_t>(Param::cell_ovp));
  w.i32(4180);
  const Result<Settings> s = decode_settings(rec);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s.value().mv(Param::cell_ovp).count(), 4180);
  EXPECT_EQ(s.value().mv(Param::cell_uvp).count(), 2820);   // the BD4A24S-12P guide ([M-BD4A])
  EXPECT_EQ(s.value().mv(Param::pack_ovp).count(), 42500);  // 4250 mV per cell x 10
}

// Issue 11: special_charger and disable_pcl became fixed off, MOS OTPR the factory 65 °C. A
// record written before, with those set, loads with the fixed values and loses no other setting.
TEST_F(RecordTest, record_written_before_values_became_fixed_loads_with_every_other_setting) {
  Settings before = custom();
  before.set_raw(Param::display_always_on, 1);
  std::vector<uint8_t> rec = encoded(before);
  patch(rec, Param::special_charger, 1);
  patch(rec, Param::disable_pcl, 1);
  patch(rec, Param::mos_otpr, 700);
  const Result<Settings> s = decode_settings(rec);
  ASSERT_TRUE(s.ok()) << errc_name(s.status().code());
  EXPECT_EQ(s.value().raw(Param::special_charger), 0);
  EXPECT_EQ(s.value().raw(Param::disable_pcl), 0);
  EXPECT_EQ(s.value().raw(Param::mos_otpr), 650);
  for (const ParamInfo& row : kParams) {
    if ((row.flags & kFactoryFixed) != 0) continue;
    EXPECT_EQ(s.value().raw(row.id), before.raw(row.id)) << row.name;
  }
  EXPECT_EQ(s.value().chemistry(), before.chemistry());
  EXPECT_EQ(s.value().model_id(), before.model_id());
}

TEST_F(RecordTest, record_from_a_newer_firmware_skips_unknown_parameters) {
  std::vector<uint8_t> rec = encoded(custom());
  rec[4] = static_cast<uint8_t>(kParamCount + 1);  // one more entry
  const std::array<uint8_t, 6> extra = {200, 0, 1, 2, 3, 4};
  rec.insert(rec.end(), extra.begin(), extra.end());
  const Result<Settings> s = decode_settings(rec);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s.value(), custom());
}

TEST_F(RecordTest, rejected_settings_record_leaves_the_caller_with_its_previous_settings) {
  const Settings previous = custom();
  std::vector<uint8_t> rec = encoded(previous);
  patch(rec, Param::cell_uvp, 4000);
  ASSERT_TRUE(store.save(RecordId::settings, rec).ok());
  Settings held = previous;
  const Result<Settings> loaded = load_settings(store);
  if (loaded.ok()) held = loaded.value();
  EXPECT_FALSE(loaded.ok());
  EXPECT_EQ(held, previous);
}

TEST_F(RecordTest, device_info_round_trip_keeps_every_field) {
  DeviceInfo d;
  d.model.assign("JK_PB2A16S20P");
  d.hw_version.assign("19A");
  d.sw_version.assign("19.27");
  d.device_name.assign("ShedBattery01");
  d.manufacturing_date.assign("240315");
  d.serial_number.assign("40123456789");
  d.user_data.assign("rack 2");
  d.user_data2.assign("");
  ASSERT_TRUE(save_device_info(store, d).ok());
  const Result<DeviceInfo> back = load_device_info(store);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), d);
  EXPECT_EQ(back.value().serial_number.view(), "40123456789");
}

TEST_F(RecordTest, device_info_with_a_length_beyond_its_field_is_corrupt) {
  DeviceInfo d;
  d.device_name.assign("JK-BMS");
  std::array<uint8_t, kDeviceInfoRecordSize> rec{};
  ASSERT_TRUE(encode_device_info(d, rec).ok());
  const std::size_t device_name_len_at = 2 + 17 + 9 + 9;
  EXPECT_EQ(rec[device_name_len_at], 6);
  rec[device_name_len_at] = 17;
  EXPECT_EQ(decode_device_info(rec).status().code(), Errc::corrupt);
}

TEST_F(RecordTest, nothing_saved_loads_not_found_for_each_record_type) {
  EXPECT_EQ(load_settings(store).status().code(), Errc::not_found);
  EXPECT_EQ(load_device_info(store).status().code(), Errc::not_found);
}

}  // namespace
}  // namespace softbms::core
