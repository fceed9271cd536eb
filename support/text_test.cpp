#include "support/text.hpp"

#include <gtest/gtest.h>

namespace softbms::support {
namespace {

TEST(Trim, removes_blanks_at_both_ends_only) {
  EXPECT_EQ(trim("  3.2 \t\r\n"), "3.2");
  EXPECT_EQ(trim("a b"), "a b");
  EXPECT_EQ(trim(" \t\r\n"), "");
  EXPECT_EQ(trim(""), "");
}

TEST(Printable, keeps_printable_ascii_and_spells_every_other_byte) {
  EXPECT_EQ(printable("JK_PB2A16S20P Garage-1"), "JK_PB2A16S20P Garage-1");
  EXPECT_EQ(printable("\x1b]52;c;aGk=\x07"), "\\x1b]52;c;aGk=\\x07");
  EXPECT_EQ(printable(std::string_view("a\0b\x7f\x9b\xc3\xa9", 7)), "a\\x00b\\x7f\\x9b\\xc3\\xa9");
  EXPECT_EQ(printable(""), "");
}

TEST(ParseNumber, reads_a_whole_finite_number) {
  double v = 0.0;
  EXPECT_TRUE(parse_number("3.25", v));
  EXPECT_DOUBLE_EQ(v, 3.25);
  EXPECT_TRUE(parse_number("+1e3", v));
  EXPECT_DOUBLE_EQ(v, 1000.0);
  EXPECT_TRUE(parse_number("-0.5", v));
  EXPECT_DOUBLE_EQ(v, -0.5);
}

TEST(ParseNumber, refuses_anything_else_and_keeps_the_old_value) {
  for (const char* bad : {"", "+", "3.2V", " 3.2", "nan", "inf", "-inf", "1e999", "0x10", "++1"}) {
    double v = 7.0;
    EXPECT_FALSE(parse_number(bad, v)) << bad;
    EXPECT_EQ(v, 7.0) << bad;
  }
}

}  // namespace
}  // namespace softbms::support
