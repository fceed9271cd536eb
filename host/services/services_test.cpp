#include "host/services/services.hpp"

#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "host/services/device_backend.hpp"

namespace softbms::host::services {
namespace {

using nlohmann::json;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "softbms-services-XXXXXX";
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { [[maybe_unused]] int rc = std::system(("rm -rf '" + path_ + "'").c_str()); }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// ---- the invoker ----

TEST(LoopInvoker, a_call_from_another_thread_runs_on_the_loop_thread_and_returns_its_value) {
  EventLoop loop;
  auto inv = LoopInvoker::create(loop);
  ASSERT_TRUE(inv);
  const auto loop_thread = std::this_thread::get_id();
  std::optional<std::thread::id> ran_on;
  std::optional<int> got;
  std::thread caller([&] {
    got = inv.value()->call([&] {
      ran_on = std::this_thread::get_id();
      return 41 + 1;
    });
  });
  for (int i = 0; i < 200 && !got; ++i) ASSERT_TRUE(loop.run_once(Milliseconds(10)));
  caller.join();
  EXPECT_EQ(got, 42);
  EXPECT_EQ(ran_on, loop_thread);
}

TEST(LoopInvoker, a_call_the_loop_never_takes_gives_up_after_the_wait_and_never_runs_later) {
  EventLoop loop;
  auto inv = LoopInvoker::create(loop, Milliseconds(50));
  ASSERT_TRUE(inv);
  std::atomic<int> runs{0};
  std::optional<int> got = 7;
  std::thread caller([&] { got = inv.value()->call([&] { return ++runs; }); });
  caller.join();  // nobody runs the loop meanwhile
  EXPECT_FALSE(got.has_value());
  ASSERT_TRUE(loop.run_once(Milliseconds(0)));
  EXPECT_EQ(runs.load(), 0);
}

TEST(LoopInvoker, after_close_calls_from_other_threads_are_refused_at_once) {
  EventLoop loop;
  auto inv = LoopInvoker::create(loop);
  ASSERT_TRUE(inv);
  inv.value()->close();
  std::optional<int> got = 7;
  std::thread caller([&] { got = inv.value()->call([] { return 1; }); });
  caller.join();
  EXPECT_FALSE(got.has_value());
  // The loop thread itself still runs its own calls inline.
  EXPECT_EQ(inv.value()->call([] { return 3; }), 3);
}

// ---- option values ----

TEST(ServiceOptions, http_takes_host_port_ipv6_brackets_and_off) {
  auto a = parse_http("0.0.0.0:9000");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value().address, "0.0.0.0");
  EXPECT_EQ(a.value().port, 9000);
  auto b = parse_http("[::1]:8081");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.value().address, "::1");
  EXPECT_EQ(b.value().port, 8081);
  EXPECT_EQ(parse_http(":8082").value().address, "127.0.0.1");
  EXPECT_FALSE(parse_http("off").value().enabled);
  EXPECT_EQ(parse_http("127.0.0.1:70000").status().code(), Errc::out_of_range);
  EXPECT_EQ(parse_http("8080").status().code(), Errc::bad_value);
  EXPECT_EQ(parse_http("::1:8080").status().code(), Errc::bad_value);
}

TEST(ServiceOptions, mqtt_broker_defaults_to_port_1883) {
  EXPECT_EQ(parse_mqtt_broker("broker.lan").value().port, 1883);
  EXPECT_EQ(parse_mqtt_broker("broker.lan").value().host, "broker.lan");
  EXPECT_EQ(parse_mqtt_broker("10.0.0.2:1884").value().port, 1884);
  EXPECT_FALSE(parse_mqtt_broker("10.0.0.2:0").ok());
  EXPECT_FALSE(parse_mqtt_broker("").ok());
}

TEST(ServiceOptions, mqtt_broker_takes_mqtt_and_mqtts_urls) {
  const MqttOptions plain = parse_mqtt_broker("mqtt://broker.lan").value();
  EXPECT_EQ(plain.host, "broker.lan");
  EXPECT_EQ(plain.port, 1883);
  EXPECT_FALSE(plain.tls);
  EXPECT_EQ(parse_mqtt_broker("mqtt://10.0.0.2:1884/").value().port, 1884);
  const MqttOptions tls = parse_mqtt_broker("mqtts://broker.lan").value();
  EXPECT_TRUE(tls.tls);
  EXPECT_EQ(tls.port, 8883);
  EXPECT_EQ(parse_mqtt_broker("mqtts://broker.lan:9883").value().port, 9883);
  const MqttOptions v6 = parse_mqtt_broker("mqtt://[::1]:1883").value();
  EXPECT_EQ(v6.host, "::1");
  EXPECT_FALSE(parse_mqtt_broker("broker.lan").value().tls);
  for (const char* bad : {"http://broker.lan", "mqtt://", "mqtts://:8883", "mqtt://user@host",
                          "mqtt://host/topic", "mqtt://host:99999", "tcp://host:1883"}) {
    EXPECT_FALSE(parse_mqtt_broker(bad).ok()) << bad;
  }
}

TEST(ServiceOptions, mqtt_commands_are_none_or_a_list_of_classes) {
  const auto none = parse_mqtt_commands("none").value();
  EXPECT_FALSE(none.switches || none.settings);
  const auto both = parse_mqtt_commands("settings,switches").value();
  EXPECT_TRUE(both.switches && both.settings);
  const auto sw = parse_mqtt_commands("switches").value();
  EXPECT_TRUE(sw.switches);
  EXPECT_FALSE(sw.settings);
  EXPECT_FALSE(parse_mqtt_commands("all").ok());
  EXPECT_FALSE(parse_mqtt_commands("").ok());
}

TEST(ServiceOptions, stored_history_rows_become_chart_samples_with_nan_for_missing_values) {
  history::Table t;
  t.columns = {"voltage", "soc", "temp_mos"};
  t.rows.push_back({"1", 1000, {52.5, 71.0, std::nullopt}});
  const auto s = samples_of(t);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].t_ms, 1000);
  EXPECT_FLOAT_EQ(s[0].voltage, 52.5f);
  EXPECT_FLOAT_EQ(s[0].soc, 71.0f);
  EXPECT_TRUE(std::isnan(s[0].temp_mos));
  EXPECT_TRUE(std::isnan(s[0].current));  // not in the table
}

// ---- the services on a real virtual device ----

struct Rig {
  TempDir dir;
  EventLoop loop;
  std::unique_ptr<VirtualDevice> device;
  std::unique_ptr<DeviceBackend> backend;
  std::vector<std::string> notices;

  explicit Rig(double charge_a = 20) {
    DeviceConfig c;
    c.settings = core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
    c.state_dir = dir.path();
    c.world.charge_a = charge_a;
    c.speed = 10;
    auto d = VirtualDevice::start(loop, c, nullptr);
    EXPECT_TRUE(d) << d.error().message;
    device = std::move(d).value();
    backend = std::make_unique<DeviceBackend>(*device,
                                              web::PackInfo{"1", "Pack 1", c.settings.model_id()});
  }

  Expected<std::unique_ptr<Services>> start(ServiceOptions o) {
    return Services::start(loop, {backend.get()}, o,
                           [this](const std::string& line) { notices.push_back(line); });
  }

  // Runs the loop while `client` talks to the servers from another thread.
  template <typename F>
  void with_client(F&& client) {
    std::atomic<bool> done{false};
    std::thread t([&] {
      client();
      done = true;
    });
    for (int i = 0; i < 3000 && !done; ++i) ASSERT_TRUE(loop.run_once(Milliseconds(5)));
    t.join();
  }
};

ServiceOptions local_http() {
  ServiceOptions o;
  o.http.port = 0;
  return o;
}

TEST(Services, the_dashboard_api_reads_the_virtual_device_and_metrics_share_its_port) {
  Rig rig;
  auto s = rig.start(local_http());
  ASSERT_TRUE(s) << s.error().message;
  const int port = s.value()->http_port();
  ASSERT_GT(port, 0);
  json snap;
  std::string metrics;
  std::string content_type;
  rig.with_client([&] {
    httplib::Client c("127.0.0.1", port);
    auto r = c.Get("/api/packs/1/snapshot");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    snap = json::parse(r->body);
    auto m = c.Get("/metrics");
    ASSERT_TRUE(m);
    ASSERT_EQ(m->status, 200);
    metrics = m->body;
    content_type = m->get_header_value("Content-Type");
  });
  EXPECT_EQ(snap["cells"].size(), 16u);
  EXPECT_GT(snap["current"].get<double>(), 15.0);  // the 20 A charger
  EXPECT_NE(metrics.find("jkbms_up{pack=\"1\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("jkbms_cell_voltage_volts{pack=\"1\",cell=\"16\"}"), std::string::npos);
  EXPECT_EQ(content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(
      s.value()->startup_lines().front(),
      "dashboard http://127.0.0.1:" + std::to_string(port) + "/  (login: the settings password)");
}

TEST(Services, a_switch_written_through_the_web_reaches_the_core_with_origin_web_and_is_logged) {
  Rig rig;
  auto s = rig.start(local_http());
  ASSERT_TRUE(s) << s.error().message;
  const int port = s.value()->http_port();
  int login_status = 0;
  int write_status = 0;
  rig.with_client([&] {
    httplib::Client c("127.0.0.1", port);
    auto login = c.Post("/api/login", R"({"password":"123456"})", "application/json");
    ASSERT_TRUE(login);
    login_status = login->status;
    const std::string cookie = login->get_header_value("Set-Cookie");
    const std::string token = json::parse(login->body)["csrf_token"];
    httplib::Headers h = {{"Cookie", cookie.substr(0, cookie.find(';'))}, {"X-CSRF-Token", token}};
    auto w =
        c.Post("/api/packs/1/switch", h, R"({"name":"charge","on":false})", "application/json");
    ASSERT_TRUE(w);
    write_status = w->status;
  });
  EXPECT_EQ(login_status, 200);
  EXPECT_EQ(write_status, 200);
  const core::Bms& b = rig.device->bms();
  EXPECT_FALSE(b.settings().on(core::Param::charge_enabled));
  const core::Event* last = nullptr;
  for (const core::Event& e : b.events()) {
    if (e.type == core::EventType::switch_changed) last = &e;
  }
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->origin, static_cast<uint8_t>(core::Origin::web));
  EXPECT_EQ(last->arg, static_cast<uint8_t>(core::Param::charge_enabled));
  ASSERT_FALSE(rig.notices.empty());
  EXPECT_NE(rig.notices.back().find("switch"), std::string::npos) << rig.notices.back();
  EXPECT_NE(rig.notices.back().find(": ok"), std::string::npos) << rig.notices.back();
}

TEST(Services, a_public_address_with_the_factory_password_is_refused_with_the_way_out) {
  Rig rig;
  ServiceOptions o;
  o.http.address = "0.0.0.0";
  o.http.port = 0;
  auto s = rig.start(o);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("123456"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("softbms password --settings"), std::string::npos);
}

TEST(Services, the_history_database_answers_the_dashboard_charts) {
  Rig rig;
  TempDir db;
  ServiceOptions o = local_http();
  o.history_path = db.path() + "/history.db";
  auto s = rig.start(o);
  ASSERT_TRUE(s) << s.error().message;
  const int port = s.value()->http_port();
  json h;
  rig.with_client([&] {
    httplib::Client c("127.0.0.1", port);
    // The server takes `to` in whole seconds; the start sample is a fraction of one later.
    const int64_t to_s = unix_now_ms() / 1000 + 60;
    auto r = c.Get("/api/packs/1/history?series=voltage,current&to=" + std::to_string(to_s));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    h = json::parse(r->body);
  });
  ASSERT_GE(h["t"].size(), 1u);  // the sample taken at start
  EXPECT_NEAR(h["voltage"][0].get<double>(),
              rig.device->bms().snapshot().pack_voltage.count() / 1000.0, 1.0);
  EXPECT_TRUE(h["current"][0].is_number());
  history::HistoryStore read;
  ASSERT_TRUE(read.open({.path = *o.history_path, .read_only = true}).ok());
  history::Query q;
  q.pack = "1";
  auto t = read.query(q);
  ASSERT_TRUE(t.ok());
  EXPECT_GE(t.value().rows.size(), 1u);
}

TEST(Services, the_http_server_moves_to_the_next_port_when_asked_and_the_first_is_taken) {
  Rig rig;
  ServiceOptions first = local_http();
  auto a = rig.start(first);
  ASSERT_TRUE(a) << a.error().message;
  ServiceOptions second;
  second.http.port = a.value()->http_port();
  second.http.next_free_port = true;
  second.history_path.reset();
  auto b = rig.start(second);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_GT(b.value()->http_port(), a.value()->http_port());
  second.http.next_free_port = false;
  auto c = rig.start(second);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("cannot listen"), std::string::npos) << c.error().message;
}

}  // namespace
}  // namespace softbms::host::services
