#include "host/transport/address.hpp"

#include <gtest/gtest.h>

namespace softbms::host {
namespace {

TEST(HostPort, accepts_names_ipv4_and_bracketed_ipv6) {
  EXPECT_EQ(parse_host_port("127.0.0.1:502").value(), (HostPort{"127.0.0.1", 502}));
  EXPECT_EQ(parse_host_port("localhost:8899").value(), (HostPort{"localhost", 8899}));
  EXPECT_EQ(parse_host_port("[::1]:65535").value(), (HostPort{"::1", 65535}));
  EXPECT_EQ(parse_host_port("0.0.0.0:0", true).value(), (HostPort{"0.0.0.0", 0}));
}

TEST(HostPort, errors_name_the_part_that_is_wrong) {
  struct Case {
    const char* text;
    const char* part;
  };
  const Case cases[] = {{"127.0.0.1", "port"}, {"127.0.0.1:", "port"}, {"host:65536", "port"},
                        {"host:5o2", "port"},  {"host:0", "port"},     {":502", "host"},
                        {"::1:502", "host"},   {"[::1:502", "host"},   {"[::1]502", "port"},
                        {"host:-1", "port"}};
  for (const auto& c : cases) {
    auto r = parse_host_port(c.text);
    ASSERT_FALSE(r) << c.text;
    EXPECT_EQ(r.error().part, c.part) << c.text << ": " << r.error().message;
  }
  EXPECT_EQ(parse_host_port("host:70000").error().message, "port \"70000\" is above 65535");
}

}  // namespace
}  // namespace softbms::host
