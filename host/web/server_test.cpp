// The dashboard server over real HTTP on 127.0.0.1 with an ephemeral port.
#include "host/web/server.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>

#include "host/web/assets.hpp"
#include "host/web/fake_pack_test_support.hpp"

namespace softbms::host::web {
namespace {

using nlohmann::json;
using testing::FakePack;

constexpr int64_t kStart = 1'750'000'000'000;  // a Unix time in ms

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }
  void TearDown() override { server.reset(); }

  void start(ServerOptions o) {
    server.reset();
    o.address = "127.0.0.1";
    o.port = 0;
    o.sample_interval_ms = 3'600'000;  // samples only when a test takes one
    o.clock = [this] { return clock_ms.load(); };
    server = std::make_unique<WebServer>(std::vector<PackAccess*>{&pack, &pack2}, o);
    const auto error = server->start();
    ASSERT_FALSE(error.has_value()) << *error;
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
  }

  struct Login {
    std::string cookie;
    std::string csrf;
  };
  Login login(std::string_view password = "123456") {
    const auto r =
        client->Post("/api/login", json{{"password", password}}.dump(), "application/json");
    EXPECT_TRUE(r);
    if (!r || r->status != 200) return {};
    const std::string set_cookie = r->get_header_value("Set-Cookie");
    return {set_cookie.substr(0, set_cookie.find(';')),
            json::parse(r->body)["csrf_token"].get<std::string>()};
  }

  httplib::Result write(const std::string& path, const json& body, const Login& l,
                        const char* method = "POST") {
    httplib::Headers h;
    if (!l.cookie.empty()) h.emplace("Cookie", l.cookie);
    if (!l.csrf.empty()) h.emplace("X-CSRF-Token", l.csrf);
    if (std::string_view(method) == "PUT")
      return client->Put(path, h, body.dump(), "application/json");
    return client->Post(path, h, body.dump(), "application/json");
  }

  json get_json(const std::string& path) {
    const auto r = client->Get(path);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    return json::parse(r->body);
  }

  FakePack pack{"1"};
  FakePack pack2{"2"};
  std::atomic<int64_t> clock_ms{kStart};
  std::unique_ptr<WebServer> server;
  std::unique_ptr<httplib::Client> client;
};

TEST_F(ServerTest, root_serves_the_embedded_dashboard_page_as_html) {
  const auto r = client->Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(r->body.find("softbms"), std::string::npos);
  EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY");
  const Asset* index = find_asset("/index.html");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(r->body.size(), index->bytes.size());
}

TEST_F(ServerTest, every_embedded_file_is_served_with_its_content_type) {
  for (const Asset& a : embedded_assets()) {
    const auto r = client->Get(std::string(a.path));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << a.path;
    EXPECT_EQ(r->get_header_value("Content-Type"), a.content_type) << a.path;
  }
  EXPECT_EQ(client->Get("/no-such-file.js")->status, 404);
  EXPECT_EQ(client->Get("/api/no-such-thing")->status, 404);
}

TEST_F(ServerTest, snapshot_reports_volts_amps_cells_and_alarms_as_words) {
  const json s = get_json("/api/packs/1/snapshot");
  EXPECT_DOUBLE_EQ(s["voltage"].get<double>(), 52.92);
  EXPECT_DOUBLE_EQ(s["current"].get<double>(), -12.5);
  EXPECT_EQ(s["soc"], 76);
  EXPECT_EQ(s["cells"].size(), 16U);
  EXPECT_EQ(s["cell_min_index"], 5);
  EXPECT_DOUBLE_EQ(s["cell_min"].get<double>(), 3.281);
  EXPECT_EQ(s["alarms"], json::array({"cell_uvp"}));
  EXPECT_EQ(client->Get("/api/packs/9/snapshot")->status, 404);
}

TEST_F(ServerTest, a_virtual_pack_is_live_and_a_real_board_shows_the_age_of_its_values) {
  const json live = get_json("/api/packs/1/snapshot")["link"];
  EXPECT_TRUE(live["live"].get<bool>());
  EXPECT_TRUE(live["up"].get<bool>());
  EXPECT_EQ(live["age_s"].get<double>(), 0.0);
  EXPECT_TRUE(live["offline_since"].is_null());
  // A board read 42.5 s ago that stopped answering 40 s ago.
  pack.link_state =
      LinkState{false,           false,           kStart - 42'500,
                kStart - 60'000, kStart - 40'000, "connect 127.0.0.1:7001: Connection refused"};
  const json gone = get_json("/api/packs/1/snapshot")["link"];
  EXPECT_FALSE(gone["live"].get<bool>());
  EXPECT_FALSE(gone["up"].get<bool>());
  EXPECT_DOUBLE_EQ(gone["age_s"].get<double>(), 42.5);
  EXPECT_DOUBLE_EQ(gone["settings_age_s"].get<double>(), 60.0);
  EXPECT_DOUBLE_EQ(gone["sample_time"].get<double>(), static_cast<double>(kStart - 42'500) / 1000);
  EXPECT_DOUBLE_EQ(gone["offline_since"].get<double>(),
                   static_cast<double>(kStart - 40'000) / 1000);
  EXPECT_EQ(gone["error"], "connect 127.0.0.1:7001: Connection refused");
  // Never read at all: no times, no ages.
  pack.link_state = LinkState{false, false, 0, 0, kStart - 1'000, "no answer"};
  const json never = get_json("/api/packs/1/snapshot")["link"];
  EXPECT_TRUE(never["sample_time"].is_null());
  EXPECT_TRUE(never["age_s"].is_null());
}

TEST_F(ServerTest, pack_list_names_model_chemistry_and_cells) {
  const json j = get_json("/api/packs");
  ASSERT_EQ(j["packs"].size(), 2U);
  EXPECT_EQ(j["packs"][0]["id"], "1");
  EXPECT_EQ(j["packs"][0]["model"], "JK-PB2A16S20P");
  EXPECT_EQ(j["packs"][0]["chemistry"], "lfp");
  EXPECT_EQ(j["packs"][0]["cell_count"], 16);
}

TEST_F(ServerTest, params_list_every_setting_with_unit_range_and_chemistry_defaults) {
  const json j = get_json("/api/params");
  ASSERT_EQ(j.size(), core::kParamCount);
  const auto ovp =
      std::find_if(j.begin(), j.end(), [](const json& p) { return p["name"] == "cell_ovp"; });
  ASSERT_NE(ovp, j.end());
  EXPECT_EQ((*ovp)["unit"], "mV");
  EXPECT_EQ((*ovp)["defaults"]["lfp"], 3600);
  EXPECT_EQ((*ovp)["defaults"]["li-ion"], 4200);
  const json settings = get_json("/api/packs/1/settings");
  EXPECT_EQ(settings["cell_ovp"], 3600);
  EXPECT_DOUBLE_EQ(settings["charge_otp"].get<double>(), 60.0);
}

TEST_F(ServerTest, writes_without_a_login_get_401_and_change_nothing) {
  const auto r = write("/api/packs/1/settings", {{"cell_ovp", 3650}}, {}, "PUT");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(write("/api/packs/1/switch", {{"name", "charge"}, {"on", false}}, {})->status, 401);
  EXPECT_EQ(pack.settings().raw(core::Param::cell_ovp), 3600);
  EXPECT_TRUE(pack.settings().on(core::Param::charge_enabled));
  EXPECT_TRUE(pack.commands.empty());
}

TEST_F(ServerTest, wrong_password_gets_401_and_no_session) {
  const auto r =
      client->Post("/api/login", json{{"password", "654321"}}.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_FALSE(r->has_header("Set-Cookie"));
}

TEST_F(ServerTest, five_wrong_passwords_lock_the_login_with_429) {
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(client->Post("/api/login", R"({"password":"000000","pack":"1"})", "application/json")
                  ->status,
              401);
  }
  EXPECT_EQ(
      client->Post("/api/login", R"({"password":"000000","pack":"1"})", "application/json")->status,
      429);
  const auto locked =
      client->Post("/api/login", R"({"password":"123456","pack":"1"})", "application/json");
  EXPECT_EQ(locked->status, 429);
  EXPECT_GT(json::parse(locked->body)["retry_after_s"].get<int>(), 0);
}

TEST_F(ServerTest, login_cookie_is_httponly_and_samesite_strict) {
  const auto r =
      client->Post("/api/login", json{{"password", "123456"}}.dump(), "application/json");
  ASSERT_EQ(r->status, 200);
  const std::string cookie = r->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("softbms_session="), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(json::parse(r->body)["csrf_token"].get<std::string>().size(), 64U);
}

TEST_F(ServerTest, write_with_a_wrong_or_missing_csrf_token_gets_403_and_changes_nothing) {
  Login l = login();
  ASSERT_FALSE(l.cookie.empty());
  Login bad = l;
  bad.csrf[0] = bad.csrf[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(write("/api/packs/1/settings", {{"cell_ovp", 3650}}, bad, "PUT")->status, 403);
  EXPECT_EQ(write("/api/packs/1/settings", {{"cell_ovp", 3650}}, {l.cookie, ""}, "PUT")->status,
            403);
  EXPECT_EQ(pack.settings().raw(core::Param::cell_ovp), 3600);
}

TEST_F(ServerTest, write_from_another_origin_gets_403_even_with_the_token) {
  Login l = login();
  httplib::Headers h = {
      {"Cookie", l.cookie}, {"X-CSRF-Token", l.csrf}, {"Origin", "http://evil.example"}};
  const auto r =
      client->Post("/api/packs/1/switch", h, R"({"name":"charge","on":false})", "application/json");
  EXPECT_EQ(r->status, 403);
  EXPECT_TRUE(pack.settings().on(core::Param::charge_enabled));
}

TEST_F(ServerTest, setting_that_breaks_a_rule_gets_422_naming_field_and_rule_and_changes_nothing) {
  Login l = login();
  // LFP preset: cell_ovp 3600 mV, so a recovery at 3700 mV would sit above the trip.
  const auto r =
      write("/api/packs/1/settings", {{"cell_ovpr", 3700}, {"cell_uvp", 2700}}, l, "PUT");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  const json e = json::parse(r->body);
  EXPECT_EQ(e["field"], "cell_ovpr");
  EXPECT_EQ(e["rule"], "ovpr_below_ovp");
  EXPECT_NE(e["message"].get<std::string>().find("cell_ovpr"), std::string::npos);
  EXPECT_EQ(pack.settings().raw(core::Param::cell_ovpr), 3400);
  EXPECT_EQ(pack.settings().raw(core::Param::cell_uvp),
            2600);  // the valid field was not applied either
  EXPECT_TRUE(pack.commands.empty());
}

TEST_F(ServerTest, value_outside_its_range_gets_422_with_the_allowed_range) {
  Login l = login();
  const auto r = write("/api/packs/1/settings", {{"cell_ovp", 6000}}, l, "PUT");
  EXPECT_EQ(r->status, 422);
  const json e = json::parse(r->body);
  EXPECT_EQ(e["field"], "cell_ovp");
  EXPECT_EQ(e["rule"], "range");
  EXPECT_EQ(e["message"], "cell_ovp: allowed from 1000 to 5000 mV");
  EXPECT_EQ(write("/api/packs/1/settings", {{"no_such", 1}}, l, "PUT")->status, 422);
  EXPECT_EQ(
      json::parse(write("/api/packs/1/settings", {{"charge_otp", "hot"}}, l, "PUT")->body)["rule"],
      "bad_value");
}

TEST_F(ServerTest, valid_change_applies_and_is_logged_with_who_made_it) {
  std::vector<WriteRecord> seen;
  ServerOptions o;
  o.on_write = [&](const WriteRecord& w) { seen.push_back(w); };
  start(o);
  Login l = login();
  const auto r =
      write("/api/packs/1/settings", {{"cell_ovp", 3650}, {"charge_otp", 55.5}}, l, "PUT");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(pack.settings().raw(core::Param::cell_ovp), 3650);
  EXPECT_EQ(pack.settings().raw(core::Param::charge_otp), 555);
  ASSERT_EQ(pack.changes.size(), 1U);  // one set of two changes, one step of the core
  EXPECT_EQ(pack.changes[0].changes.size(), 2U);
  EXPECT_EQ(pack.changes[0].origin, core::Origin::web);
  EXPECT_EQ(pack.changes[0].authority, core::Authority::settings);
  EXPECT_EQ(json::parse(r->body)["settings"]["cell_ovp"], 3650);

  const json log = get_json("/api/packs/1/events");
  EXPECT_EQ(log["events"][0]["type"], "setting_changed");
  EXPECT_EQ(log["events"][0]["origin"], "web");
  EXPECT_EQ(log["writes"][0]["result"], "ok");
  EXPECT_NE(log["writes"][0]["who"].get<std::string>().find("web 127.0.0.1 #"), std::string::npos);
  ASSERT_EQ(seen.size(), 2U);  // the login and the change
  EXPECT_EQ(seen[1].pack, "1");
  EXPECT_EQ(seen[1].who, log["writes"][0]["who"]);
}

TEST_F(ServerTest, fields_that_move_together_apply_whatever_order_they_come_in) {
  Login l = login();
  // cell_uvp comes first by name, but 3050 mV is only valid once cell_uvpr (3000) is above it.
  const auto r =
      write("/api/packs/1/settings", {{"cell_uvp", 3050}, {"cell_uvpr", 3100}}, l, "PUT");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(pack.settings().raw(core::Param::cell_uvp), 3050);
  EXPECT_EQ(pack.settings().raw(core::Param::cell_uvpr), 3100);
  EXPECT_EQ(json::parse(r->body)["applied"], json::array({"cell_uvp", "cell_uvpr"}));
}

// Issue 11: a save is all or nothing. Whichever of the fields is the bad one, nothing changes
// and the answer names it.
TEST_F(ServerTest, a_save_whose_kth_change_is_invalid_changes_nothing) {
  Login l = login();
  const json good = {{"balance_trigger_delta", 20}, {"cell_ovp", 3650}, {"charge_otp", 65}};
  for (const std::string bad : {"balance_trigger_delta", "cell_ovp", "charge_otp"}) {
    json body = good;
    body[bad] = bad == "charge_otp" ? json(150) : bad == "cell_ovp" ? json(9999) : json(5000);
    const core::Settings before = pack.settings();
    const auto r = write("/api/packs/1/settings", body, l, "PUT");
    ASSERT_EQ(r->status, 422) << r->body;
    EXPECT_EQ(json::parse(r->body)["field"], bad);
    EXPECT_EQ(pack.settings(), before) << bad;
  }
}

TEST_F(ServerTest, switches_emergency_and_factory_reset_reach_the_pack) {
  Login l = login();
  EXPECT_EQ(write("/api/packs/1/switch", {{"name", "charge"}, {"on", false}}, l)->status, 200);
  EXPECT_FALSE(pack.settings().on(core::Param::charge_enabled));
  EXPECT_FALSE(get_json("/api/packs/1/snapshot")["charge_fet"].get<bool>());
  EXPECT_EQ(pack.commands.back().authority, core::Authority::switches);
  EXPECT_EQ(write("/api/packs/1/switch", {{"name", "fan"}, {"on", true}}, l)->status, 400);

  EXPECT_EQ(write("/api/packs/1/emergency", {{"on", true}}, l)->status, 200);
  EXPECT_TRUE(pack.emergency);

  ASSERT_EQ(write("/api/packs/1/settings", {{"cell_ovp", 3650}}, l, "PUT")->status, 200);
  EXPECT_EQ(write("/api/packs/1/factory-reset", {{"chemistry", "lfp"}}, l)->status, 400);
  EXPECT_EQ(pack.settings().raw(core::Param::cell_ovp), 3650);
  EXPECT_EQ(
      write("/api/packs/1/factory-reset", {{"chemistry", "lfp"}, {"confirm", true}}, l)->status,
      200);
  EXPECT_EQ(pack.settings().raw(core::Param::cell_ovp), 3600);
}

// Issue 11: the owner's commands reach the pack as one core command each, in the core's units,
// and a refusal names the field and why.
TEST_F(ServerTest, calibration_reaches_the_pack_in_millivolts_and_milliamps) {
  Login l = login();
  ASSERT_EQ(write("/api/packs/1/calibrate", {{"voltage_v", 53.592}}, l)->status, 200);
  EXPECT_EQ(pack.commands.back().kind, core::CommandKind::calibrate_voltage);
  EXPECT_EQ(pack.commands.back().value, 53592);
  EXPECT_EQ(pack.commands.back().authority, core::Authority::settings);
  EXPECT_EQ(pack.commands.back().origin, core::Origin::web);
  ASSERT_EQ(write("/api/packs/1/calibrate", {{"current_a", -20.5}}, l)->status, 200);
  EXPECT_EQ(pack.commands.back().kind, core::CommandKind::calibrate_current);
  EXPECT_EQ(pack.commands.back().value, -20500);
  const std::size_t sent = pack.commands.size();
  for (const json& bad :
       {json{{"voltage_v", 53.0}, {"current_a", 1.0}}, json::object(), json{{"voltage_v", "53"}},
        json{{"voltage_v", -1}}, json{{"current_a", 1e9}}}) {
    const auto r = write("/api/packs/1/calibrate", bad, l);
    EXPECT_EQ(r->status, 400) << bad.dump();
    EXPECT_FALSE(json::parse(r->body)["error"].get<std::string>().empty());
  }
  EXPECT_EQ(pack.commands.size(), sent) << "a bad body reaches no pack";
  pack.owner_status = Status(Errc::out_of_range);
  auto r = write("/api/packs/1/calibrate", {{"voltage_v", 70.0}}, l);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(json::parse(r->body)["field"], "voltage_v");
  pack.owner_status = Status(Errc::bad_state);
  r = write("/api/packs/1/calibrate", {{"current_a", 0.2}}, l);
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(json::parse(r->body)["error"].get<std::string>().find("1 A"), std::string::npos);
}

TEST_F(ServerTest, reset_counters_needs_confirm_and_a_login) {
  EXPECT_EQ(write("/api/packs/1/reset-counters", {{"confirm", true}}, {})->status, 401);
  Login l = login();
  EXPECT_EQ(write("/api/packs/1/reset-counters", {{"confirm", false}}, l)->status, 400);
  EXPECT_TRUE(pack.commands.empty());
  ASSERT_EQ(write("/api/packs/1/reset-counters", {{"confirm", true}}, l)->status, 200);
  EXPECT_EQ(pack.commands.back().kind, core::CommandKind::reset_counters);
  EXPECT_EQ(pack.commands.back().authority, core::Authority::settings);
}

TEST_F(ServerTest, device_name_is_set_and_read_back) {
  Login l = login();
  ASSERT_EQ(write("/api/packs/1/device-name", {{"name", "Shed2"}}, l)->status, 200);
  EXPECT_EQ(pack.commands.back().kind, core::CommandKind::set_device_field);
  EXPECT_EQ(pack.commands.back().field, core::DeviceField::device_name);
  EXPECT_EQ(pack.commands.back().text.view(), "Shed2");
  const std::size_t sent = pack.commands.size();
  EXPECT_EQ(write("/api/packs/1/device-name", {{"name", "ABCDEFGHIJKLMNOPQ"}}, l)->status, 422);
  EXPECT_EQ(pack.commands.size(), sent) << "17 characters never fit";
  pack.owner_status = Status(Errc::bad_value);
  const auto r = write("/api/packs/1/device-name", {{"name", "Shed 2"}}, l);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(json::parse(r->body)["field"], "name");
  EXPECT_EQ(get_json("/api/packs/1/device")["device_name"], "Garage1");
}

TEST_F(ServerTest, password_change_says_why_and_never_logs_a_password) {
  Login l = login();
  ASSERT_EQ(
      write("/api/packs/1/password", {{"which", "connection"}, {"old", "1234"}, {"new", "7788"}}, l)
          ->status,
      200);
  EXPECT_EQ(pack.commands.back().kind, core::CommandKind::change_password);
  EXPECT_EQ(pack.commands.back().password, core::PasswordKind::connection);
  EXPECT_EQ(pack.commands.back().old_text.view(), "1234");
  EXPECT_EQ(pack.commands.back().text.view(), "7788");
  EXPECT_EQ(
      write("/api/packs/1/password", {{"which", "app"}, {"old", "1"}, {"new", "2"}}, l)->status,
      400);
  pack.owner_status = Status(Errc::wrong_password);
  auto r =
      write("/api/packs/1/password", {{"which", "settings"}, {"old", "x"}, {"new", "n3wpass"}}, l);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(json::parse(r->body)["field"], "old");
  pack.owner_status = Status(Errc::bad_value);
  r = write("/api/packs/1/password", {{"which", "settings"}, {"old", "123456"}, {"new", "ab"}}, l);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(json::parse(r->body)["field"], "new");
  const std::string log = get_json("/api/packs/1/events")["writes"].dump();
  EXPECT_EQ(log.find("7788"), std::string::npos) << log;
  EXPECT_EQ(log.find("n3wpass"), std::string::npos) << log;
  EXPECT_NE(log.find("***"), std::string::npos) << log;
}

TEST_F(ServerTest, login_for_one_pack_does_not_authorise_another) {
  pack2.change_password("s3cret-pw");
  const auto r =
      client->Post("/api/login", json{{"password", "123456"}}.dump(), "application/json");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["packs"], json::array({"1"}));
  const std::string set_cookie = r->get_header_value("Set-Cookie");
  Login l{set_cookie.substr(0, set_cookie.find(';')), json::parse(r->body)["csrf_token"]};
  EXPECT_EQ(write("/api/packs/2/switch", {{"name", "charge"}, {"on", false}}, l)->status, 403);
  EXPECT_TRUE(pack2.settings().on(core::Param::charge_enabled));
}

TEST_F(ServerTest, session_ends_after_15_minutes_idle_and_after_logout) {
  Login l = login();
  clock_ms += 14 * 60 * 1000;
  EXPECT_EQ(write("/api/packs/1/switch", {{"name", "balance"}, {"on", false}}, l)->status, 200);
  clock_ms += 14 * 60 * 1000;  // 28 min after login, but only 14 idle
  EXPECT_EQ(write("/api/packs/1/switch", {{"name", "balance"}, {"on", true}}, l)->status, 200);
  clock_ms += 15 * 60 * 1000;
  EXPECT_EQ(write("/api/packs/1/switch", {{"name", "balance"}, {"on", false}}, l)->status, 401);
  EXPECT_TRUE(pack.settings().on(core::Param::balance_enabled));

  Login again = login();
  httplib::Headers h = {{"Cookie", again.cookie}};
  EXPECT_TRUE(json::parse(client->Get("/api/session", h)->body)["logged_in"].get<bool>());
  EXPECT_EQ(client->Post("/api/logout", h, "", "application/json")->status, 200);
  EXPECT_FALSE(json::parse(client->Get("/api/session", h)->body)["logged_in"].get<bool>());
  EXPECT_EQ(write("/api/packs/1/switch", {{"name", "balance"}, {"on", false}}, again)->status, 401);
}

TEST_F(ServerTest, reads_need_a_login_when_reads_are_not_open) {
  ServerOptions o;
  o.open_reads = false;
  start(o);
  EXPECT_EQ(client->Get("/api/packs/1/snapshot")->status, 401);
  Login l = login();
  const auto r = client->Get("/api/packs/1/snapshot", {{"Cookie", l.cookie}});
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, open_reads_refuse_a_foreign_host_name) {
  const auto r = client->Get("/api/packs/1/snapshot", {{"Host", "attacker.example:8080"}});
  EXPECT_EQ(r->status, 403);
}

TEST_F(ServerTest, a_repeated_host_or_origin_header_is_refused_before_the_body) {
  const std::string out = server->serve_bytes(
      "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: attacker.example\r\n"
      "Content-Length: 21\r\n\r\n{\"password\":\"123456\"}");
  EXPECT_EQ(out.rfind("HTTP/1.1 400 ", 0), 0U) << out;
  EXPECT_EQ(out.find("Set-Cookie"), std::string::npos);
  const json log = get_json("/api/packs/1/events");
  EXPECT_EQ(log["writes"][0]["result"], "refused: a header that may come once came twice");
}

TEST_F(ServerTest, a_client_that_expects_100_continue_hears_the_refusal_instead) {
  const std::string out = server->serve_bytes(
      "POST /api/login HTTP/1.1\r\nHost: attacker.example\r\nExpect: 100-continue\r\n"
      "Content-Length: 21\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 403 ", 0), 0U) << out;
  EXPECT_EQ(out.find("100 Continue"), std::string::npos);
}

TEST_F(ServerTest, history_returns_the_samples_taken_in_the_window) {
  pack.raw_snapshot().pack_voltage = Millivolts(52'000);
  server->sample_now();  // start() took one at kStart with 52.92 V
  clock_ms += 1000;
  pack.raw_snapshot().pack_voltage = Millivolts(53'000);
  server->sample_now();
  const int64_t from = kStart / 1000;
  const json h = get_json("/api/packs/1/history?series=voltage,soc&from=" + std::to_string(from) +
                          "&to=" + std::to_string(from + 10));
  EXPECT_EQ(h["t"].size(), 3U);
  EXPECT_EQ(h["voltage"], json::array({52.92, 52.0, 53.0}));
  EXPECT_DOUBLE_EQ(h["soc"][0].get<double>(), 76.4);
  EXPECT_EQ(h["units"]["voltage"], "V");
  EXPECT_FALSE(h.contains("current"));
  EXPECT_EQ(client->Get("/api/packs/1/history?series=volume")->status, 400);
}

TEST_F(ServerTest, stream_pushes_a_snapshot_event_of_every_pack) {
  std::string received;
  const auto r = client->Get("/api/stream", [&](const char* data, size_t n) {
    received.append(data, n);
    return received.find("\n\n") == std::string::npos;  // stop after the first event
  });
  const auto start = received.find("data: ");
  ASSERT_NE(start, std::string::npos) << received;
  const auto end = received.find("\n\n", start);
  const json event = json::parse(received.substr(start + 6, end - start - 6));
  EXPECT_DOUBLE_EQ(event["packs"]["1"]["voltage"].get<double>(), 52.92);
  EXPECT_TRUE(event["packs"].contains("2"));
}

TEST_F(ServerTest, aggregate_weighs_soc_by_capacity_over_parallel_packs) {
  pack2.raw_snapshot().remaining = MilliampHours(10'000);
  pack2.raw_snapshot().full_capacity = MilliampHours(100'000);
  pack2.raw_snapshot().cell_min = Millivolts(3100);
  pack2.raw_snapshot().cell_min_index = 2;
  const json a = get_json("/api/aggregate");
  EXPECT_EQ(a["packs"], 2);
  EXPECT_DOUBLE_EQ(a["current"].get<double>(), -25.0);
  EXPECT_DOUBLE_EQ(a["soc"].get<double>(), 58.6);  // (212.8 + 10) / (280 + 100)
  EXPECT_EQ(a["cell_min"]["pack"], "2");
  EXPECT_EQ(a["cell_min"]["cell"], 3);
  EXPECT_DOUBLE_EQ(a["cell_delta"].get<double>(), 0.215);
}

TEST(ServerBind, non_loopback_address_is_refused_while_the_settings_password_is_default) {
  FakePack p;
  ServerOptions o;
  o.address = "0.0.0.0";
  o.port = 0;
  WebServer s({&p}, o);
  const auto error = s.start();
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("0.0.0.0"), std::string::npos);
  EXPECT_NE(error->find("123456"), std::string::npos);
}

TEST(ServerBind, port_in_use_is_reported_not_thrown) {
  FakePack p;
  p.change_password("s3cret-pw");
  ServerOptions o;
  o.port = 0;
  WebServer first({&p}, o);
  ASSERT_FALSE(first.start().has_value());
  o.port = first.port();
  WebServer second({&p}, o);
  const auto error = second.start();
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find(std::to_string(first.port())), std::string::npos);
}

}  // namespace
}  // namespace softbms::host::web
