#include "host/loop/event_loop.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

namespace softbms::host {
namespace {

using namespace softbms::literals;

// A clock the test moves by hand, so due times are exact.
struct FakeClock {
  Milliseconds t{0};
  Clock clock() {
    return [this] { return t; };
  }
};

using Log = std::vector<std::pair<std::string, int64_t>>;

// Steps the fake clock 1 ms at a time, dispatching at every step.
void advance_to(EventLoop& loop, FakeClock& fc, Milliseconds end) {
  while (fc.t < end) {
    fc.t += 1_ms;
    ASSERT_TRUE(loop.run_once(0_ms));
  }
}

TEST(EventLoop, timers_fire_in_deadline_order_at_their_due_times) {
  FakeClock fc;
  EventLoop loop(fc.clock());
  Log log;
  loop.after(30_ms, [&] { log.emplace_back("once30", fc.t.count()); });
  loop.after(10_ms, [&] { log.emplace_back("once10", fc.t.count()); });
  loop.every(20_ms, [&] { log.emplace_back("every20", fc.t.count()); });
  loop.after(20_ms, [&] { log.emplace_back("once20", fc.t.count()); });
  advance_to(loop, fc, 65_ms);
  const Log expected = {{"once10", 10}, {"every20", 20}, {"once20", 20},
                        {"once30", 30}, {"every20", 40}, {"every20", 60}};
  EXPECT_EQ(log, expected);
  EXPECT_EQ(loop.timer_count(), 1u);  // only the periodic one is left
  EXPECT_EQ(loop.next_deadline(), 80_ms);
}

TEST(EventLoop, late_dispatch_fires_due_timers_in_deadline_order_not_creation_order) {
  FakeClock fc;
  EventLoop loop(fc.clock());
  Log log;
  loop.after(50_ms, [&] { log.emplace_back("b", fc.t.count()); });
  loop.after(5_ms, [&] { log.emplace_back("a", fc.t.count()); });
  fc.t = 100_ms;
  ASSERT_TRUE(loop.run_once(0_ms));
  const Log expected = {{"a", 100}, {"b", 100}};
  EXPECT_EQ(log, expected);
}

TEST(EventLoop, periodic_timer_that_fell_behind_fires_once_and_keeps_its_phase) {
  FakeClock fc;
  EventLoop loop(fc.clock());
  int fired = 0;
  loop.every(10_ms, [&] { ++fired; });
  fc.t = 55_ms;  // five periods passed while the process was busy
  ASSERT_TRUE(loop.run_once(0_ms));
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(loop.next_deadline(), 60_ms);
  fc.t = 60_ms;
  ASSERT_TRUE(loop.run_once(0_ms));
  EXPECT_EQ(fired, 2);
}

TEST(EventLoop, a_callback_can_cancel_itself_and_a_timer_due_at_the_same_moment) {
  FakeClock fc;
  EventLoop loop(fc.clock());
  int periodic = 0;
  int victim = 0;
  EventLoop::Id self = 0;
  EventLoop::Id other = 0;
  self = loop.every(10_ms, [&] {
    ++periodic;
    loop.cancel(self);
    loop.cancel(other);
  });
  other = loop.after(10_ms, [&] { ++victim; });
  advance_to(loop, fc, 50_ms);
  EXPECT_EQ(periodic, 1);
  EXPECT_EQ(victim, 0);
  EXPECT_EQ(loop.timer_count(), 0u);
}

TEST(EventLoop, timer_added_with_zero_delay_inside_a_callback_runs_on_the_next_round) {
  FakeClock fc;
  EventLoop loop(fc.clock());
  int inner = 0;
  loop.after(1_ms, [&] { loop.after(0_ms, [&] { ++inner; }); });
  fc.t = 1_ms;
  ASSERT_TRUE(loop.run_once(0_ms));
  EXPECT_EQ(inner, 0);
  ASSERT_TRUE(loop.run_once(0_ms));
  EXPECT_EQ(inner, 1);
}

TEST(EventLoop, real_clock_one_shot_fires_after_its_delay_and_periodic_keeps_pace) {
  EventLoop loop;
  const Milliseconds start = loop.now();
  Milliseconds fired_at{-1};
  int ticks = 0;
  loop.after(60_ms, [&] { fired_at = loop.now() - start; });
  loop.every(25_ms, [&] { ++ticks; });
  ASSERT_TRUE(loop.run_for(130_ms));
  EXPECT_GE(fired_at, 60_ms);
  EXPECT_LT(fired_at, 110_ms);
  EXPECT_GE(ticks, 4);  // 25, 50, 75, 100, 125 ms: at most one lost to a slow machine
  EXPECT_LE(ticks, 5);
  EXPECT_GE(loop.now() - start, 130_ms);
}

TEST(EventLoop, readable_fd_calls_its_callback_with_the_data_ready) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  UniqueFd rd(p[0]);
  UniqueFd wr(p[1]);
  EventLoop loop;
  std::string got;
  EventLoop::Id id = loop.watch(rd.get(), [&](IoEvents ev) {
    ASSERT_TRUE(ev.readable);
    char buf[16];
    const ssize_t n = ::read(rd.get(), buf, sizeof buf);
    got.append(buf, static_cast<size_t>(n));
    loop.unwatch(id);
  });
  loop.after(10_ms, [&] { ASSERT_EQ(::write(wr.get(), "ping", 4), 4); });
  ASSERT_TRUE(loop.run());  // returns once the watch and the timer are both gone
  EXPECT_EQ(got, "ping");
  EXPECT_EQ(loop.watch_count(), 0u);
}

TEST(EventLoop, write_interest_reports_a_writable_fd_only_while_on) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  UniqueFd rd(p[0]);
  UniqueFd wr(p[1]);
  EventLoop loop;
  int writable = 0;
  const EventLoop::Id id = loop.watch(wr.get(), [&](IoEvents ev) { writable += ev.writable; });
  ASSERT_TRUE(loop.run_once(0_ms));
  EXPECT_EQ(writable, 0);
  loop.want_write(id, true);
  ASSERT_TRUE(loop.run_once(0_ms));
  EXPECT_EQ(writable, 1);
}

TEST(EventLoop, a_watch_on_a_closed_fd_reports_an_error_once_and_is_removed) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  UniqueFd wr(p[1]);
  EventLoop loop;
  int errors = 0;
  loop.watch(p[0], [&](IoEvents ev) { errors += ev.error; });
  ::close(p[0]);
  ASSERT_TRUE(loop.run_once(0_ms));
  ASSERT_TRUE(loop.run_once(0_ms));
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(loop.watch_count(), 0u);
}

TEST(EventLoop, sigterm_stops_the_loop_cleanly_and_the_signal_mask_is_restored) {
  {
    EventLoop loop;
    ASSERT_TRUE(loop.stop_on_signals());
    int ticks = 0;
    // The signal comes from the third tick itself, so a loaded machine cannot change the count.
    loop.every(10_ms, [&] {
      if (++ticks == 3) {
        ::raise(SIGTERM);
      }
    });
    ASSERT_TRUE(loop.run());
    EXPECT_EQ(loop.stop_signal(), SIGTERM);
    EXPECT_EQ(ticks, 3);
    ASSERT_TRUE(loop.run());  // a stop signal is final: run() returns at once
    EXPECT_EQ(ticks, 3);
  }
  sigset_t now;
  ASSERT_EQ(::sigprocmask(SIG_BLOCK, nullptr, &now), 0);
  EXPECT_FALSE(sigismember(&now, SIGTERM));
  EXPECT_FALSE(sigismember(&now, SIGINT));
}

TEST(EventLoop, sigint_stops_the_loop_too) {
  EventLoop loop;
  ASSERT_TRUE(loop.stop_on_signals());
  loop.after(5_ms, [] { ::raise(SIGINT); });
  loop.every(1000_ms, [] {});
  ASSERT_TRUE(loop.run());
  EXPECT_EQ(loop.stop_signal(), SIGINT);
}

TEST(EventLoop, a_second_stop_on_signals_call_adds_to_the_first) {
  EventLoop loop;
  ASSERT_TRUE(loop.stop_on_signals({SIGTERM}));
  ASSERT_TRUE(loop.stop_on_signals({SIGUSR1}));
  loop.after(5_ms, [] { ::raise(SIGTERM); });
  loop.every(1000_ms, [] {});
  ASSERT_TRUE(loop.run());
  EXPECT_EQ(loop.stop_signal(), SIGTERM);
}

TEST(EventLoop, stop_from_a_callback_ends_run_and_run_can_be_called_again) {
  EventLoop loop;
  int ticks = 0;
  loop.every(5_ms, [&] {
    if (++ticks % 2 == 0) loop.stop();
  });
  ASSERT_TRUE(loop.run());
  EXPECT_EQ(ticks, 2);
  ASSERT_TRUE(loop.run());
  EXPECT_EQ(ticks, 4);
}

}  // namespace
}  // namespace softbms::host
