// The healing link's backoff: an absent board is tried again after 1, 2, 4, 8, then every 10 s,
// never in between, and a working read starts the backoff again from the first wait.
#include "host/client/board_link.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace softbms::host::client {
namespace {

struct Absent {
  std::vector<int64_t> tries;  // when the port was opened
  Milliseconds now{0};
  BoardLink link{[this]() -> Expected<std::unique_ptr<Transport>> {
                   tries.push_back(now.count());
                   return make_error(Errc::not_found, "port", "open /dev/ttyUSB9: no such device");
                 },
                 Protocol::jk_pb, ClientOptions{}};
  // Asks for the client every 500 ms up to `until`.
  void poll_until(int64_t until) {
    for (; now.count() <= until; now += Milliseconds(500)) {
      auto c = link.client(now);
      ASSERT_FALSE(c.ok());
      EXPECT_EQ(BoardLink::is_waiting(c.error()), tries.empty() || tries.back() != now.count());
    }
  }
};

TEST(BoardLink, an_absent_board_is_tried_with_a_doubling_wait_up_to_ten_seconds) {
  Absent a;
  a.poll_until(45000);
  EXPECT_EQ(a.tries, (std::vector<int64_t>{0, 1000, 3000, 7000, 15000, 25000, 35000, 45000}));
  EXPECT_FALSE(a.link.is_open());
}

TEST(BoardLink, a_read_that_worked_starts_the_backoff_again) {
  Absent a;
  a.poll_until(7000);
  EXPECT_EQ(a.link.current_delay(), Milliseconds(8000));
  a.link.worked();
  a.link.failed(Milliseconds(7500));
  EXPECT_EQ(a.link.next_try(), Milliseconds(8500));
}

}  // namespace
}  // namespace softbms::host::client
