#include "host/transport/serial.hpp"

#include <gtest/gtest.h>

#include "host/transport/pty.hpp"
#include "host/transport/test_util.hpp"

namespace softbms::host {
namespace {

using namespace softbms::literals;
using Bytes = std::vector<uint8_t>;

// A pty's device side is a tty that takes every termios setting, so it stands in for an adapter.
TEST(Serial, opens_a_tty_raw_with_the_requested_baud_parity_and_stop_bits) {
  auto pty = PtyTransport::open("");
  ASSERT_TRUE(pty);
  SerialOptions o;
  o.baud = 9600;
  o.parity = Parity::even;
  o.stop_bits = 2;
  auto serial = SerialTransport::open(pty.value()->device_path(), o);
  ASSERT_TRUE(serial) << serial.error().message;
  termios t{};
  ASSERT_EQ(::tcgetattr(serial.value()->fd(), &t), 0);
  EXPECT_EQ(::cfgetospeed(&t), speed_t(B9600));
  EXPECT_EQ(::cfgetispeed(&t), speed_t(B9600));
  EXPECT_EQ(t.c_cflag & CSIZE, tcflag_t(CS8));
  EXPECT_TRUE(t.c_cflag & CSTOPB);  // the pty driver forces CS8 without parity; see below
  EXPECT_FALSE(t.c_lflag & (ICANON | ECHO));
  EXPECT_EQ(serial.value()->describe(), "serial " + pty.value()->device_path() + " 9600 8E2");
}

TEST(Serial, line_settings_for_7o1_and_8e2_set_the_termios_bits_an_adapter_reads) {
  SerialOptions o;
  o.data_bits = 7;
  o.parity = Parity::odd;
  termios t{};
  t.c_lflag = ICANON | ECHO;
  apply_line_settings(o, t);
  EXPECT_EQ(t.c_cflag & CSIZE, tcflag_t(CS7));
  EXPECT_TRUE(t.c_cflag & PARENB);
  EXPECT_TRUE(t.c_cflag & PARODD);
  EXPECT_FALSE(t.c_cflag & CSTOPB);
  EXPECT_FALSE(t.c_lflag & (ICANON | ECHO));
  EXPECT_EQ(::cfgetospeed(&t), speed_t(B115200));
  o = {};
  o.parity = Parity::even;
  o.stop_bits = 2;
  apply_line_settings(o, t);
  EXPECT_EQ(t.c_cflag & CSIZE, tcflag_t(CS8));
  EXPECT_TRUE(t.c_cflag & PARENB);
  EXPECT_FALSE(t.c_cflag & PARODD);
  EXPECT_TRUE(t.c_cflag & CSTOPB);
}

TEST(Serial, default_is_115200_8n1_and_binary_bytes_pass_both_ways) {
  auto pty = PtyTransport::open("");
  ASSERT_TRUE(pty);
  auto serial = SerialTransport::open(pty.value()->device_path());
  ASSERT_TRUE(serial) << serial.error().message;
  termios t{};
  ASSERT_EQ(::tcgetattr(serial.value()->fd(), &t), 0);
  EXPECT_EQ(::cfgetospeed(&t), speed_t(B115200));
  EXPECT_FALSE(t.c_cflag & PARENB);
  EXPECT_FALSE(t.c_cflag & CSTOPB);
  const Bytes request = {0x4E, 0x57, 0x00, 0x13, 0x00, 0x00, 0x00, 0x00, 0x06, 0x03, 0x11};
  ASSERT_TRUE(serial.value()->write_all(request, 500_ms));
  EXPECT_EQ(testing::read_transport(*pty.value(), request.size(), 500_ms), request);
  const Bytes reply = {0x0D, 0x0A, 0x00, 0xFF, 0x11, 0x13};
  ASSERT_TRUE(pty.value()->write_all(reply, 500_ms));
  EXPECT_EQ(testing::read_transport(*serial.value(), reply.size(), 500_ms), reply);
}

TEST(Serial, every_supported_baud_from_9600_to_921600_is_applied) {
  auto pty = PtyTransport::open("");
  ASSERT_TRUE(pty);
  EXPECT_EQ(supported_bauds().front(), 9600);
  EXPECT_EQ(supported_bauds().back(), 921600);
  for (int baud : supported_bauds()) {
    SerialOptions o;
    o.baud = baud;
    auto serial = SerialTransport::open(pty.value()->device_path(), o);
    ASSERT_TRUE(serial) << baud << ": " << serial.error().message;
    EXPECT_EQ(serial.value()->options().baud, baud);
  }
}

TEST(Serial, unsupported_baud_is_refused_naming_the_baud_and_the_choices) {
  SerialOptions o;
  o.baud = 1234;
  auto serial = SerialTransport::open("/dev/null", o);
  ASSERT_FALSE(serial);
  EXPECT_EQ(serial.error().part, "baud");
  EXPECT_EQ(serial.error().code, Errc::out_of_range);
  EXPECT_NE(serial.error().message.find("1234"), std::string::npos);
  EXPECT_NE(serial.error().message.find("115200"), std::string::npos);
}

TEST(Serial, a_path_that_is_not_a_tty_or_does_not_exist_is_refused_with_its_name) {
  auto not_tty = SerialTransport::open("/dev/null");
  ASSERT_FALSE(not_tty);
  EXPECT_EQ(not_tty.error().part, "device");
  EXPECT_EQ(not_tty.error().message, "/dev/null is not a serial device");
  auto missing = SerialTransport::open("/dev/ttyNOPE0");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().sys_errno, ENOENT);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_NE(missing.error().message.find("/dev/ttyNOPE0"), std::string::npos);
}

TEST(Serial, bad_data_or_stop_bits_are_refused_naming_the_field) {
  SerialOptions o;
  o.stop_bits = 3;
  EXPECT_EQ(SerialTransport::open("/dev/null", o).error().part, "stop bits");
  o = {};
  o.data_bits = 9;
  EXPECT_EQ(SerialTransport::open("/dev/null", o).error().part, "data bits");
}

}  // namespace
}  // namespace softbms::host
