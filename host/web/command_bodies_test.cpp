// The command bodies of the web API: a missing field or a wrong JSON type names the field and
// never throws (issue: `{}` on login aborted the process, `{"name":5}` gave an empty 500).
#include "host/web/command_bodies.hpp"

#include <gtest/gtest.h>

namespace softbms::host::web {
namespace {

using nlohmann::json;

template <typename T>
std::string error_field(const Parsed<T>& p) {
  const RequestError* e = failed(p);
  return e == nullptr ? "(parsed)" : e->field;
}

TEST(RequestBody, only_a_json_object_is_a_body) {
  EXPECT_EQ(failed(parse_object("{\"a\":1}")), nullptr);
  EXPECT_EQ(failed(parse_object("[1]"))->message, "expected a JSON object, got an array");
  EXPECT_EQ(failed(parse_object("{\"a\":"))->message, "the body is not valid JSON");
  EXPECT_EQ(failed(parse_object(""))->message, "the body is not valid JSON");
  EXPECT_EQ(failed(parse_object("\"\xff\""))->message, "the body is not valid JSON");
}

TEST(LoginBody, names_a_missing_or_mistyped_password_and_pack) {
  EXPECT_EQ(error_field(parse_login(json::object())), "password");
  EXPECT_EQ(failed(parse_login(json::object()))->message, "password: missing (a string)");
  EXPECT_EQ(error_field(parse_login({{"x", 1}})), "password");
  EXPECT_EQ(failed(parse_login({{"password", 123456}}))->message,
            "password: expected a string, got a number");
  EXPECT_EQ(error_field(parse_login({{"password", "123456"}, {"pack", 5}})), "pack");
  const auto ok = parse_login({{"password", "123456"}, {"pack", "1"}});
  ASSERT_EQ(failed(ok), nullptr);
  EXPECT_EQ(std::get<LoginBody>(ok).password, "123456");
  EXPECT_EQ(std::get<LoginBody>(ok).pack, "1");
  EXPECT_FALSE(std::get<LoginBody>(parse_login({{"password", ""}})).pack.has_value());
}

TEST(SwitchBody, names_the_field_for_a_wrong_type_or_an_unknown_switch) {
  EXPECT_EQ(error_field(parse_switch({{"name", 5}, {"on", true}})), "name");
  EXPECT_EQ(error_field(parse_switch({{"name", "fan"}, {"on", true}})), "name");
  EXPECT_EQ(error_field(parse_switch({{"name", "charge"}, {"on", "off"}})), "on");
  EXPECT_EQ(error_field(parse_switch({{"name", "charge"}})), "on");
  const auto ok = parse_switch({{"name", "discharge"}, {"on", false}});
  ASSERT_EQ(failed(ok), nullptr);
  EXPECT_EQ(std::get<SwitchBody>(ok).param, core::Param::discharge_enabled);
  EXPECT_FALSE(std::get<SwitchBody>(ok).on);
}

TEST(EmergencyBody, needs_a_boolean) {
  EXPECT_EQ(error_field(parse_emergency({{"on", 1}})), "on");
  EXPECT_EQ(error_field(parse_emergency({{"on", nullptr}})), "on");
  EXPECT_TRUE(std::get<EmergencyBody>(parse_emergency({{"on", true}})).on);
}

TEST(FactoryResetBody, needs_confirm_true_and_a_known_chemistry) {
  EXPECT_EQ(error_field(parse_factory_reset({{"confirm", "yes"}, {"chemistry", "lfp"}})),
            "confirm");
  EXPECT_EQ(error_field(parse_factory_reset({{"confirm", false}, {"chemistry", "lfp"}})),
            "confirm");
  EXPECT_EQ(error_field(parse_factory_reset({{"confirm", true}, {"chemistry", 5}})), "chemistry");
  EXPECT_EQ(error_field(parse_factory_reset({{"confirm", true}, {"chemistry", "nimh"}})),
            "chemistry");
  EXPECT_EQ(error_field(parse_factory_reset({{"confirm", true}})), "chemistry");
  const auto ok = parse_factory_reset({{"confirm", true}, {"chemistry", "lto"}});
  ASSERT_EQ(failed(ok), nullptr);
  EXPECT_EQ(std::get<FactoryResetBody>(ok).chemistry, core::Chemistry::lto);
}

}  // namespace
}  // namespace softbms::host::web
