// Host and Origin: the names a login or write may use, and the pages it may come from.
#include "host/web/host_check.hpp"

#include <gtest/gtest.h>

namespace softbms::host::web {
namespace {

const HostPolicy kNone{};
const HostPolicy kPi{{"Pi.Lan"}};

TEST(Authority, reads_names_addresses_and_ports) {
  const auto a = parse_authority("LocalHost:8080", 80);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "localhost");
  EXPECT_EQ(a->port, 8080);
  EXPECT_EQ(parse_authority("[::1]:9", 80)->host, "[::1]");
  EXPECT_EQ(parse_authority("[::1]", 443)->port, 443);
  for (const char* bad : {"", ":80", "a:", "a:0", "a:65536", "a:8x", "a b", "a/b", "[::1", "[zz]",
                          "[::1]x", "a@b:80", "a:80:80"}) {
    EXPECT_FALSE(parse_authority(bad, 80)) << bad;
  }
}

TEST(HostCheck, loopback_names_the_arrival_address_and_allowed_names_pass) {
  EXPECT_FALSE(host_refusal("127.0.0.1:8080", "127.0.0.1", kNone));
  EXPECT_FALSE(host_refusal("localhost:8080", "127.0.0.1", kNone));
  EXPECT_FALSE(host_refusal("[::1]:8080", "::1", kNone));
  EXPECT_FALSE(host_refusal("192.168.1.5:8080", "192.168.1.5", kNone));
  EXPECT_FALSE(host_refusal("192.168.1.5", "::ffff:192.168.1.5", kNone));
  EXPECT_FALSE(host_refusal("pi.lan:8080", "192.168.1.5", kPi));
}

TEST(HostCheck, a_rebound_name_or_another_address_is_refused) {
  const auto why = host_refusal("attacker.example:8080", "127.0.0.1", kNone);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("--allowed-host attacker.example"), std::string::npos);
  EXPECT_TRUE(host_refusal("192.168.1.6:8080", "192.168.1.5", kNone));
  EXPECT_TRUE(host_refusal("pi.lan.attacker.example", "192.168.1.5", kPi));
  EXPECT_TRUE(host_refusal("", "127.0.0.1", kNone));
  EXPECT_TRUE(host_refusal("localhost.:8080", "127.0.0.1", kNone));
}

TEST(OriginCheck, scheme_host_and_port_must_be_those_of_the_host) {
  EXPECT_FALSE(origin_refusal("http://127.0.0.1:8080", "127.0.0.1:8080", kNone));
  EXPECT_FALSE(origin_refusal("http://LOCALHOST:8080", "localhost:8080", kNone));
  EXPECT_FALSE(origin_refusal("http://pi.lan", "pi.lan:80", kNone));
  EXPECT_TRUE(origin_refusal("http://127.0.0.1:9999", "127.0.0.1:8080", kNone));
  EXPECT_TRUE(origin_refusal("http://localhost:8080", "127.0.0.1:8080", kNone));
  EXPECT_TRUE(origin_refusal("https://127.0.0.1:8080", "127.0.0.1:8080", kNone));
  EXPECT_TRUE(origin_refusal("http://evil.example", "127.0.0.1:8080", kNone));
  EXPECT_TRUE(origin_refusal("null", "127.0.0.1:8080", kNone));
  EXPECT_TRUE(origin_refusal("http://127.0.0.1:8080/x", "127.0.0.1:8080", kNone));
  EXPECT_TRUE(origin_refusal("", "127.0.0.1:8080", kNone));
}

TEST(OriginCheck, https_is_accepted_for_an_allowed_host_behind_a_tls_proxy) {
  EXPECT_FALSE(origin_refusal("https://pi.lan", "pi.lan", kPi));
  EXPECT_TRUE(origin_refusal("https://pi.lan", "pi.lan:80", kPi));
  EXPECT_TRUE(origin_refusal("https://pi.lan", "pi.lan", kNone));
}

TEST(HostNames, allowed_host_takes_plain_names) {
  EXPECT_TRUE(valid_host_name("bms.example.org"));
  EXPECT_FALSE(valid_host_name("http://bms"));
  EXPECT_FALSE(valid_host_name("bms:80"));
  EXPECT_FALSE(valid_host_name(""));
}

}  // namespace
}  // namespace softbms::host::web
