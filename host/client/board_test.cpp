// Reading a board's settings and checking a change against them, on captured replies.
#include "host/client/board.hpp"

#include <gtest/gtest.h>

#include "core/settings/validate.hpp"
#include "host/client/format.hpp"
#include "host/text/snapshot_json.hpp"
#include "protocols/jk/cell_info.hpp"
#include "protocols/jk/device_info_frame.hpp"
#include "protocols/jk/logbook.hpp"
#include "protocols/jk/nw_frame.hpp"
#include "protocols/jk/test_vectors.hpp"

namespace softbms::host::client {
namespace {

namespace jk = protocols::jk;
using core::Param;
using jk::testing::vector_named;

RawSettings pb_raw() {
  return {RawSettings::Source::frame55, vector_named("SETTINGS_RESPONSE").bytes,
          jk::Layout::jk02_32s, vector_named("ABOUT_RESPONSE").bytes};
}

core::DeviceInfo pb_info() {
  return jk::decode_device_info(vector_named("ABOUT_RESPONSE").bytes, core::Settings{})
      .value()
      .info;
}

TEST(ClientBoard, jk_pb_settings_frame_reads_as_the_model_it_names_with_the_frames_values) {
  const auto b = interpret(pb_raw(), pb_info(), {});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(pb_info().model.view().substr(0, 5), "JK_PB");
  EXPECT_EQ(b.value().values.model_id(), core::ModelId::jk_pb2a16s20p);
  EXPECT_TRUE(b.value().model_guessed);
  // Bytes 18..21 of the captured frame: 42 0E 00 00 = 3650 mV; 10..13: 8C 0A = 2700 mV.
  EXPECT_EQ(b.value().values.raw(Param::cell_ovp), 3650);
  EXPECT_EQ(b.value().values.raw(Param::cell_uvp), 2700);
  EXPECT_EQ(b.value().values.chemistry(), core::Chemistry::lfp);
}

TEST(ClientBoard, only_what_the_wire_carries_is_marked_as_read) {
  const auto b = interpret(pb_raw(), pb_info(), {});
  ASSERT_TRUE(b.ok());
  const auto carried = [&](Param p) { return b.value().carried[static_cast<std::size_t>(p)]; };
  EXPECT_TRUE(carried(Param::cell_ovp));
  EXPECT_TRUE(carried(Param::charge_enabled));
  EXPECT_TRUE(carried(Param::rcv_time));  // from the device-info frame
  EXPECT_FALSE(carried(Param::pack_ovp));
  EXPECT_FALSE(carried(Param::cell_ovp_delay));
}

TEST(ClientBoard, nw_reply_carries_its_chemistry_and_holding_registers) {
  const RawSettings raw{
      RawSettings::Source::nw, vector_named("14S fw H6.X S6.1.3S").bytes, jk::Layout::jk02_32s, {}};
  const auto b = interpret(raw, core::DeviceInfo{}, {});
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b.value().chemistry_guessed);
  const auto carried = [&](Param p) { return b.value().carried[static_cast<std::size_t>(p)]; };
  EXPECT_TRUE(carried(Param::cell_ovp));
  EXPECT_TRUE(carried(Param::cell_count));
  EXPECT_FALSE(carried(Param::heating_start_temp));
  EXPECT_EQ(b.value().values.cells(), 14);
}

TEST(ClientBoard, overrides_win_over_the_guesses) {
  const auto b =
      interpret(pb_raw(), pb_info(), {core::ModelId::jk_bd4a24s_12p, core::Chemistry::lto});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.value().values.model_id(), core::ModelId::jk_bd4a24s_12p);
  EXPECT_EQ(b.value().values.chemistry(), core::Chemistry::lto);
  EXPECT_FALSE(b.value().model_guessed);
}

TEST(ClientBoard, model_and_chemistry_guesses) {
  EXPECT_EQ(guess_model("JK-B2A8S20P", 8), core::ModelId::jk_b2a8s20p);
  EXPECT_EQ(guess_model("JK_PB2A16S15P", 16), core::ModelId::jk_pb2a16s20p);
  EXPECT_EQ(guess_model("JK-B2A24S15P", 24), core::ModelId::jk_bd4a24s_12p);
  EXPECT_EQ(guess_model("", 16), core::ModelId::jk_pb2a16s20p);
  EXPECT_EQ(guess_chemistry(4200), core::Chemistry::li_ion);
  EXPECT_EQ(guess_chemistry(3650), core::Chemistry::lfp);
  EXPECT_EQ(guess_chemistry(2700), core::Chemistry::lto);
}

core::Settings valid_lfp() {
  return core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
}

TEST(ClientBoard, a_change_out_of_range_names_the_field_range_and_model) {
  const ChangeCheck c = check_change(valid_lfp(), Param::cell_ovp, 9000);
  EXPECT_EQ(c.status.code(), Errc::out_of_range);
  EXPECT_EQ(describe_rejection(c, Param::cell_ovp, 9000),
            "cell_ovp: 9000 mV is outside 1000..5000 mV on JK-PB2A16S20P (rule range)");
}

TEST(ClientBoard, a_change_that_breaks_a_rule_names_the_rule) {
  // LFP preset: cell_ovp 3600 mV, so a recovery of 3700 mV is above the trip point.
  const ChangeCheck c = check_change(valid_lfp(), Param::cell_ovpr, 3700);
  EXPECT_FALSE(c.status.ok());
  EXPECT_EQ(core::error_rule(c.status), core::Rule::ovpr_below_ovp);
  const std::string text = describe_rejection(c, Param::cell_ovpr, 3700);
  EXPECT_NE(text.find("cell_ovpr = 3700 mV"), std::string::npos) << text;
  EXPECT_NE(text.find("ovpr_below_ovp"), std::string::npos) << text;
}

TEST(ClientBoard, a_valid_change_passes_and_shows_the_settings_after_it) {
  const ChangeCheck c = check_change(valid_lfp(), Param::cell_ovp, 3650);
  EXPECT_TRUE(c.status.ok());
  EXPECT_EQ(c.after.raw(Param::cell_ovp), 3650);
}

TEST(ClientBoard, a_board_already_breaking_a_rule_still_takes_an_unrelated_change) {
  core::Settings board = valid_lfp();
  board.set_raw(Param::charge_otpr, 700);  // above charge_otp 60 °C: the board's own problem
  ASSERT_FALSE(core::validate(board).ok());
  const ChangeCheck ok = check_change(board, Param::cell_ovp, 3650);
  EXPECT_TRUE(ok.status.ok());
  EXPECT_FALSE(ok.existing.ok());
  const ChangeCheck bad = check_change(board, Param::cell_ovp, 9000);
  EXPECT_EQ(bad.status.code(), Errc::out_of_range);
}

TEST(ClientFormat, status_json_is_snapshot_json_and_csv_flattens_it) {
  const auto snap =
      jk::decode_cell_info(vector_named("CELL_INFO_JK02_32S_V11").bytes, jk::Layout::jk02_32s);
  ASSERT_TRUE(snap.ok());
  const auto j = nlohmann::json::parse(format_status(snap.value(), nullptr, Format::json));
  EXPECT_EQ(j, snapshot_json(snap.value()));
  EXPECT_DOUBLE_EQ(j["voltage"].get<double>(), 51.689);
  const std::string csv = format_status(snap.value(), nullptr, Format::csv);
  EXPECT_NE(csv.find("\nvoltage,51.689\n"), std::string::npos);
  EXPECT_NE(csv.find("\ncells.0.voltage,3.246\n"), std::string::npos);
  EXPECT_NE(csv.find("\ncell_min_index,11\n"), std::string::npos);
}

TEST(ClientFormat, status_table_shows_what_the_esphome_test_decodes) {
  const auto snap =
      jk::decode_cell_info(vector_named("CELL_INFO_JK02_32S_V11").bytes, jk::Layout::jk02_32s);
  const std::string t = format_status(snap.value(), nullptr, Format::table);
  EXPECT_NE(t.find("51.689 V"), std::string::npos) << t;
  EXPECT_NE(t.find("SOC 52 %"), std::string::npos) << t;
  EXPECT_NE(t.find("min 3.216 V (#11)"), std::string::npos) << t;
  EXPECT_NE(t.find("max 3.246 V (#1)"), std::string::npos) << t;
  EXPECT_NE(t.find("MOS 17.3 °C"), std::string::npos) << t;
  EXPECT_NE(t.find("charge on  discharge on"), std::string::npos) << t;
}

TEST(ClientFormat, cells_csv_has_one_row_per_cell) {
  const auto snap =
      jk::decode_cell_info(vector_named("CELL_INFO_JK02_32S_V11").bytes, jk::Layout::jk02_32s);
  const std::string csv = format_cells(snap.value(), Format::csv);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 17);  // header + 16 cells
  EXPECT_NE(csv.find("\n1,3.246,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n11,3.216,"), std::string::npos) << csv;
}

TEST(ClientFormat, settings_show_display_units) {
  const auto b = interpret(pb_raw(), pb_info(), {});
  const std::array names = {Param::cell_ovp, Param::charge_enabled};
  EXPECT_EQ(format_settings(b.value(), names, Format::csv),
            "name,value,unit\ncell_ovp,3650,mV\ncharge_enabled," +
                std::string(b.value().values.on(Param::charge_enabled) ? "on" : "off") + ",\n");
  const auto j = nlohmann::json::parse(format_settings(b.value(), names, Format::json));
  EXPECT_EQ(j["cell_ovp"], 3650);
}

TEST(ClientFormat, rtc_seconds_since_2020_become_utc_dates) {
  EXPECT_EQ(rtc_text(0), "2020-01-01 00:00:00");
  EXPECT_EQ(rtc_text(366u * 86400u), "2021-01-01 00:00:00");  // 2020 was a leap year
  EXPECT_EQ(rtc_text(59u * 86400u + 3661u), "2020-02-29 01:01:01");
}

TEST(ClientFormat, logbook_events_name_the_alarm) {
  const auto book = jk::decode_logbook(vector_named("LOGBOOK_JK02_32S").bytes);
  ASSERT_TRUE(book.ok());
  std::vector<core::Event> events;
  for (std::size_t i = 0; i < book.value().size; ++i) {
    if (auto e = jk::event_from_jk_code(book.value().entries[i])) events.push_back(*e);
  }
  ASSERT_FALSE(events.empty());
  const auto j = nlohmann::json::parse(format_events(events, Format::json));
  ASSERT_EQ(j.size(), events.size());
  EXPECT_EQ(j[0]["time_s"], events[0].time_s);
  EXPECT_EQ(j[0]["time"], rtc_text(events[0].time_s));
}

}  // namespace
}  // namespace softbms::host::client
