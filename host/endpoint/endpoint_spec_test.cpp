#include "host/endpoint/endpoint_spec.hpp"

#include <gtest/gtest.h>

namespace softbms::host {
namespace {

using core::Authority;

EndpointSpec parse_ok(std::string_view text) {
  auto e = parse_endpoint(text);
  EXPECT_TRUE(e) << text << ": " << e.error().message;
  return e ? e.value() : EndpointSpec{};
}

TEST(EndpointSpec, pty_endpoint_names_the_protocol_and_the_symlink_and_is_read_only_by_default) {
  const EndpointSpec e = parse_ok("jk-pb:pty:/tmp/jkpb");
  EXPECT_EQ(e.protocol, "jk-pb");
  EXPECT_EQ(e.transport.kind, TransportKind::pty);
  EXPECT_EQ(e.transport.path, "/tmp/jkpb");
  EXPECT_EQ(e.policy, Authority::read_only);
  EXPECT_FALSE(e.address.has_value());
}

TEST(EndpointSpec, serial_endpoint_takes_an_optional_baud_else_the_protocol_default) {
  const EndpointSpec with = parse_ok("jk-4e57:serial:/dev/ttyUSB0:9600");
  EXPECT_EQ(with.transport.kind, TransportKind::serial);
  EXPECT_EQ(with.transport.path, "/dev/ttyUSB0");
  EXPECT_EQ(with.transport.baud, 9600);
  EXPECT_EQ(effective_baud(with), 9600);
  const EndpointSpec without = parse_ok("jk-pb:serial:/dev/ttyUSB0");
  EXPECT_EQ(without.transport.baud, 0);
  EXPECT_EQ(effective_baud(without), 115200);
  EXPECT_EQ(effective_baud(parse_ok("pylon-485:serial:/dev/ttyS1")), 9600);
}

TEST(EndpointSpec, serial_path_with_colons_keeps_them_unless_the_tail_is_digits) {
  const char* by_path = "/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0-port0";
  const EndpointSpec e = parse_ok(std::string("jk-pb:serial:") + by_path);
  EXPECT_EQ(e.transport.path, by_path);
  EXPECT_EQ(e.transport.baud, 0);
  const EndpointSpec b = parse_ok(std::string("jk-pb:serial:") + by_path + ":921600");
  EXPECT_EQ(b.transport.path, by_path);
  EXPECT_EQ(b.transport.baud, 921600);
}

TEST(EndpointSpec, tcp_endpoint_listens_on_host_and_port_with_ipv6_in_brackets) {
  const EndpointSpec e = parse_ok("jk02:tcp:0.0.0.0:8899");
  EXPECT_EQ(e.transport.kind, TransportKind::tcp);
  EXPECT_EQ(e.transport.tcp, (HostPort{"0.0.0.0", 8899}));
  EXPECT_EQ(parse_ok("jk-pb:tcp:[::1]:502").transport.tcp, (HostPort{"::1", 502}));
  EXPECT_EQ(parse_ok("jk-pb:tcp:127.0.0.1:0").transport.tcp.port, 0);  // the system chooses
}

TEST(EndpointSpec, can_protocols_take_slcan_over_pty_or_serial_and_socketcan) {
  const EndpointSpec s = parse_ok("pylon-can:slcan:pty:/tmp/can0");
  EXPECT_EQ(s.transport.kind, TransportKind::slcan_pty);
  EXPECT_EQ(s.transport.path, "/tmp/can0");
  const EndpointSpec a = parse_ok("pylon-can:slcan:serial:/dev/ttyACM0:115200");
  EXPECT_EQ(a.transport.kind, TransportKind::slcan_serial);
  EXPECT_EQ(a.transport.baud, 115200);
  const EndpointSpec k = parse_ok("victron-can:socketcan:can0");
  EXPECT_EQ(k.transport.kind, TransportKind::socketcan);
  EXPECT_EQ(k.transport.interface, "can0");
}

TEST(EndpointSpec, options_set_the_write_policy_and_the_bus_address) {
  EXPECT_EQ(parse_ok("jk-pb:pty:/tmp/a,policy=read-only").policy, Authority::read_only);
  EXPECT_EQ(parse_ok("jk-pb:pty:/tmp/a,policy=switches").policy, Authority::switches);
  const EndpointSpec e = parse_ok("jk-pb:serial:/dev/ttyUSB0:115200,addr=1,policy=settings");
  EXPECT_EQ(e.policy, Authority::settings);
  EXPECT_EQ(e.address, 1);
  EXPECT_EQ(parse_ok("jk-pb:pty:/tmp/a,addr=247").address, 247);
}

TEST(EndpointSpec, canonical_text_parses_back_to_the_same_spec) {
  const char* examples[] = {"jk-pb:pty:/tmp/jkpb", "jk-4e57:serial:/dev/ttyUSB0:115200,addr=3",
                            "jk02:tcp:[::]:8899,policy=switches", "pylon-can:slcan:pty:/tmp/c",
                            "victron-can:socketcan:vcan0,policy=settings"};
  for (const char* text : examples) {
    const EndpointSpec e = parse_ok(text);
    EXPECT_EQ(parse_ok(format_endpoint(e)), e) << format_endpoint(e);
  }
  EXPECT_EQ(format_endpoint(parse_ok("jk-pb:tcp:127.0.0.1:502")),
            "jk-pb:tcp:127.0.0.1:502,policy=read-only");
}

struct Rejected {
  const char* text;
  const char* part;
  const char* says;  // a piece of the message the user must see
};

TEST(EndpointSpec, bad_specs_are_refused_with_a_message_naming_the_wrong_part) {
  const Rejected cases[] = {
      {"jk-bp:pty:/tmp/x", "protocol", "\"jk-bp\" is not one of jk-pb, jk-4e57"},
      {":pty:/tmp/x", "protocol", "\"\""},
      {"jk-pb", "transport", "transport is missing"},
      {"jk-pb:usb:/dev/x", "transport", "\"usb:/dev/x\""},
      {"jk-pb:pty:", "path", "path is missing after pty:"},
      {"jk-pb:serial::9600", "path", "path is missing after serial:"},
      {"jk-pb:serial:/dev/ttyUSB0:1234", "baud", "baud 1234 is not one of 9600"},
      {"jk-pb:serial:/dev/ttyUSB0:99999999999", "baud", "is above"},
      {"jk-pb:tcp:127.0.0.1", "port", "port is missing"},
      {"jk-pb:tcp:127.0.0.1:70000", "port", "\"70000\" is above 65535"},
      {"jk-pb:tcp::502", "host", "host is missing"},
      {"pylon-can:pty:/tmp/x", "transport", "pylon-can speaks CAN"},
      {"jk-pb:socketcan:can0", "transport", "jk-pb is a byte stream"},
      {"victron-can:socketcan:", "interface", "interface is missing"},
      {"victron-can:socketcan:averyveryverylongname", "interface", "not a network interface"},
      {"jk-pb:pty:/tmp/x,policy=admin", "policy",
       "\"admin\" is not read-only, switches or settings"},
      {"jk-pb:pty:/tmp/x,policy=switches,policy=settings", "option", "policy is given twice"},
      {"jk-pb:pty:/tmp/x,speed=9600", "option", "\"speed=9600\""},
      {"jk-pb:pty:/tmp/x,", "option", "\"\""},
      {"jk-pb:pty:/tmp/x,addr=248", "addr", "\"248\" is above 247"},
      {"jk-pb:pty:/tmp/x,addr=x1", "addr", "not a decimal number"},
  };
  for (const auto& c : cases) {
    auto e = parse_endpoint(c.text);
    ASSERT_FALSE(e) << c.text << " was accepted";
    EXPECT_EQ(e.error().part, c.part) << c.text << ": " << e.error().message;
    EXPECT_NE(e.error().message.find(c.says), std::string::npos) << e.error().message;
    EXPECT_TRUE(e.error().message.starts_with(std::string("endpoint \"") + c.text + "\": "))
        << e.error().message;
  }
}

TEST(EndpointSpec, protocol_table_knows_the_jk_and_inverter_protocols_and_their_buses) {
  for (const char* name : {"jk-pb", "jk-4e57", "jk02", "pylon-485"}) {
    ASSERT_NE(find_protocol(name), nullptr) << name;
    EXPECT_EQ(find_protocol(name)->bus, BusKind::stream) << name;
  }
  for (const char* name : {"pylon-can", "victron-can"}) {
    ASSERT_NE(find_protocol(name), nullptr) << name;
    EXPECT_EQ(find_protocol(name)->bus, BusKind::can) << name;
  }
  EXPECT_EQ(find_protocol("modbus"), nullptr);
}

TEST(EndpointSpec, ble_serves_jk02_only_on_a_named_adapter) {
  auto e = parse_endpoint("jk02:ble");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e.value().transport.kind, TransportKind::ble);
  EXPECT_EQ(e.value().transport.interface, "hci0");
  EXPECT_EQ(format_endpoint(e.value()), "jk02:ble:hci0,policy=read-only");
  EXPECT_EQ(parse_endpoint(format_endpoint(e.value())).value(), e.value());
  EXPECT_EQ(parse_endpoint("jk02:ble:hci1").value().transport.interface, "hci1");
  EXPECT_EQ(parse_endpoint("jk-pb:ble").error().part, "transport");
  EXPECT_EQ(parse_endpoint("jk02:ble:wlan0").error().part, "adapter");
}

}  // namespace
}  // namespace softbms::host
