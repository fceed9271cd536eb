// What is refused before a body is read: logins and writes by a foreign Host or Origin, chunked
// and oversized bodies; reads of the API from another page.
#include "host/web/request_gate.hpp"

#include <gtest/gtest.h>

namespace softbms::host::web {
namespace {

RequestHead post(std::string_view host) {
  RequestHead h;
  h.method = "POST";
  h.path = "/api/login";
  h.host = host;
  h.content_length = "20";
  h.local_addr = "127.0.0.1";
  return h;
}

TEST(RequestGate, a_login_to_this_server_goes_on) {
  EXPECT_FALSE(gate(post("127.0.0.1:8080"), {}));
  RequestHead h = post("127.0.0.1:8080");
  h.origin = "http://127.0.0.1:8080";
  EXPECT_FALSE(gate(h, {}));
}

TEST(RequestGate, a_rebound_host_or_a_foreign_origin_is_refused_with_403) {
  EXPECT_EQ(gate(post("attacker.example:8080"), {})->status, 403);
  RequestHead h = post("127.0.0.1:8080");
  h.origin = "http://attacker.example";
  EXPECT_EQ(gate(h, {})->status, 403);
  h = post("127.0.0.1:8080");
  h.host.reset();
  EXPECT_EQ(gate(h, {})->status, 403);
}

TEST(RequestGate, chunked_and_oversized_bodies_are_refused_before_reading) {
  RequestHead h = post("127.0.0.1:8080");
  h.content_length.reset();
  h.transfer_encoding = "chunked";
  EXPECT_EQ(gate(h, {})->status, 411);
  h = post("127.0.0.1:8080");
  h.content_length = "600000000";
  EXPECT_EQ(gate(h, {})->status, 413);
  h.content_length = "65536";
  EXPECT_FALSE(gate(h, {}));
  h.content_length = "-1";
  EXPECT_EQ(gate(h, {})->status, 400);
}

TEST(RequestGate, reads_are_refused_only_from_another_page) {
  RequestHead h;
  h.method = "GET";
  h.path = "/api/stream";
  h.host = "attacker.example";  // the read rule (server.cpp) decides about the Host of reads
  EXPECT_FALSE(gate(h, {}));
  h.host = "127.0.0.1:8080";
  h.origin = "http://attacker.example";
  EXPECT_EQ(gate(h, {})->status, 403);
  h.path = "/index.html";
  EXPECT_FALSE(gate(h, {}));
}

}  // namespace
}  // namespace softbms::host::web
