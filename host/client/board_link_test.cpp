// The healing link's backoff: an absent board is tried again after 1, 2, 4, 8, then every 10 s,
// never in between, and a working read starts the backoff again from the first wait. A
// transport that heals itself (BLE) is kept open through a failure: one reconnect layer.
#include "host/client/board_link.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>

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

// A socket-pair transport that says whether it reconnects by itself.
class SelfHealing final : public FdTransport {
 public:
  SelfHealing(UniqueFd fd, bool heals, int* closes)
      : FdTransport(std::move(fd), "pair"), heals_(heals), closes_(closes) {}
  [[nodiscard]] std::string describe() const override { return name(); }
  [[nodiscard]] bool heals_itself() const override { return heals_; }
  void close() override {
    ++*closes_;
    FdTransport::close();
  }

 private:
  bool heals_;
  int* closes_;
};

struct Opened {
  explicit Opened(bool h) : heals(h) {}
  bool heals;
  int opens = 0;
  int closes = 0;
  UniqueFd far;
  BoardLink link{[this]() -> Expected<std::unique_ptr<Transport>> {
                   ++opens;
                   int fds[2];
                   if (::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds) != 0)
                     return make_error(Errc::bad_state, "pair", "socketpair failed");
                   far = UniqueFd(fds[1]);
                   return std::unique_ptr<Transport>(
                       std::make_unique<SelfHealing>(UniqueFd(fds[0]), heals, &closes));
                 },
                 Protocol::jk_pb, ClientOptions{}};
};

TEST(BoardLink, a_transport_that_heals_itself_stays_open_and_is_read_again_after_the_backoff) {
  Opened o(true);
  ASSERT_TRUE(o.link.client(Milliseconds(0)).ok());
  o.link.failed(Milliseconds(2000));
  EXPECT_EQ(o.closes, 0);
  EXPECT_TRUE(o.link.is_open());
  auto waiting = o.link.client(Milliseconds(2500));
  ASSERT_FALSE(waiting.ok());
  EXPECT_TRUE(BoardLink::is_waiting(waiting.error()));
  EXPECT_TRUE(o.link.client(Milliseconds(3000)).ok());  // the first wait, 1 s, has passed
  o.link.failed(Milliseconds(3000));                    // still down: the wait doubles
  EXPECT_FALSE(o.link.client(Milliseconds(4900)).ok());
  EXPECT_TRUE(o.link.client(Milliseconds(5000)).ok());
  o.link.worked();
  EXPECT_TRUE(o.link.client(Milliseconds(5001)).ok());
  EXPECT_EQ(o.opens, 1);
  EXPECT_EQ(o.closes, 0);
}

TEST(BoardLink, a_transport_that_does_not_heal_itself_is_closed_and_opened_again) {
  Opened o(false);
  ASSERT_TRUE(o.link.client(Milliseconds(0)).ok());
  o.link.failed(Milliseconds(2000));
  EXPECT_EQ(o.closes, 1);
  EXPECT_FALSE(o.link.is_open());
  EXPECT_TRUE(o.link.client(Milliseconds(3000)).ok());
  EXPECT_EQ(o.opens, 2);
}

}  // namespace
}  // namespace softbms::host::client
