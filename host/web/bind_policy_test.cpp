#include "host/web/bind_policy.hpp"

#include <gtest/gtest.h>

namespace softbms::host::web {
namespace {

TEST(BindPolicy, loopback_addresses_are_recognised) {
  for (const char* a : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"})
    EXPECT_TRUE(is_loopback(a)) << a;
  for (const char* a :
       {"0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "128.0.0.1", ""}) {
    EXPECT_FALSE(is_loopback(a)) << a;
  }
}

TEST(BindPolicy, network_address_is_refused_only_while_the_password_is_default) {
  EXPECT_FALSE(bind_refusal("127.0.0.1", true));
  const auto refusal = bind_refusal("0.0.0.0", true);
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("123456"), std::string::npos);
  EXPECT_NE(refusal->find("127.0.0.1"), std::string::npos);
  EXPECT_FALSE(bind_refusal("0.0.0.0", false));
}

}  // namespace
}  // namespace softbms::host::web
