#include "host/state/state_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "core/bms/persistence.hpp"
#include "core/store/layout.hpp"
#include "core/store/store.hpp"

namespace softbms::host {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "softbms-state-XXXXXX";
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { [[maybe_unused]] int rc = std::system(("rm -rf '" + path_ + "'").c_str()); }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<uint8_t> file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

TEST(FileMedium, new_store_file_is_40960_erased_bytes) {
  TempDir dir;
  const std::string path = dir.path() + "/store.bin";
  auto m = FileMedium::open(path);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m.value()->size(), 40960u);
  const auto bytes = file_bytes(path);
  ASSERT_EQ(bytes.size(), 40960u);
  for (uint8_t b : bytes) ASSERT_EQ(b, 0xFF);
}

TEST(FileMedium, a_record_saved_through_the_store_loads_after_reopening_the_file) {
  TempDir dir;
  const std::string path = dir.path() + "/store.bin";
  const std::array<uint8_t, 5> payload{1, 2, 3, 4, 5};
  {
    auto m = FileMedium::open(path);
    ASSERT_TRUE(m);
    core::Store store(*m.value());
    ASSERT_TRUE(store.save(core::RecordId::counters, payload).ok());
  }
  auto m = FileMedium::open(path);
  ASSERT_TRUE(m);
  core::Store store(*m.value());
  std::array<uint8_t, 16> out{};
  const auto n = store.load(core::RecordId::counters, out);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(n.value(), 5u);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[4], 5);
}

TEST(FileMedium, a_changed_setting_and_the_power_on_count_survive_a_restart) {
  TempDir dir;
  const std::string path = dir.path() + "/store.bin";
  const auto settings =
      core::Settings::preset(core::Chemistry::lfp, core::ModelId::jk_pb2a16s20p, 16);
  {
    auto m = FileMedium::open(path);
    ASSERT_TRUE(m);
    core::Store store(*m.value());
    core::Bms bms(settings);
    bms.boot(Milliseconds(0));
    core::Command c;
    c.kind = core::CommandKind::set_param;
    c.authority = core::Authority::settings;
    c.param = core::Param::cell_ovp;
    c.value = 3550;
    ASSERT_TRUE(bms.apply(c, Milliseconds(10)).ok());
    ASSERT_TRUE(core::save_dirty(bms, store).ok());
  }
  auto m = FileMedium::open(path);
  ASSERT_TRUE(m);
  core::Store store(*m.value());
  core::Bms bms(settings);
  const core::LoadReport r = core::load_records(bms, store);
  EXPECT_TRUE(r.settings.ok());
  EXPECT_TRUE(r.counters.ok());
  EXPECT_EQ(bms.settings().raw(core::Param::cell_ovp), 3550);
  EXPECT_EQ(bms.counters().power_on_count, 1u);
}

TEST(FileMedium, erase_takes_whole_pages_only_and_sets_0xff) {
  TempDir dir;
  auto m = FileMedium::open(dir.path() + "/store.bin");
  ASSERT_TRUE(m);
  const std::array<uint8_t, 3> data{0, 0, 0};
  ASSERT_TRUE(m.value()->write(4096, data).ok());
  EXPECT_EQ(m.value()->erase(4096, 100).code(), Errc::bad_value);
  ASSERT_TRUE(m.value()->erase(4096, 4096).ok());
  std::array<uint8_t, 3> back{};
  ASSERT_TRUE(m.value()->read(4096, back).ok());
  EXPECT_EQ(back[0], 0xFF);
  EXPECT_EQ(m.value()->write(40960 - 2, data).code(), Errc::out_of_range);
}

TEST(FileMedium, a_short_file_is_padded_erased_and_a_long_file_is_refused) {
  TempDir dir;
  const std::string short_path = dir.path() + "/short.bin";
  { std::ofstream(short_path, std::ios::binary) << std::string(100, '\x00'); }
  auto m = FileMedium::open(short_path);
  ASSERT_TRUE(m);
  const auto bytes = file_bytes(short_path);
  ASSERT_EQ(bytes.size(), 40960u);
  EXPECT_EQ(bytes[99], 0x00);
  EXPECT_EQ(bytes[100], 0xFF);

  const std::string long_path = dir.path() + "/long.bin";
  { std::ofstream(long_path, std::ios::binary) << std::string(40961, '\xFF'); }
  auto bad = FileMedium::open(long_path);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::corrupt);
}

TEST(StateDir, a_second_open_of_the_same_dir_is_refused_with_the_holders_pid) {
  TempDir dir;
  const std::string path = dir.path() + "/a/b";
  auto first = StateDir::open(path);
  ASSERT_TRUE(first) << first.error().message;
  auto second = StateDir::open(path);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::bad_state);
  EXPECT_NE(second.error().message.find("in use by another softbms run (pid " +
                                        std::to_string(::getpid()) + ")"),
            std::string::npos)
      << second.error().message;
}

// DIR/lock is outside input: a hostile one (terminal escapes, a long line) must not reach the
// message that goes to the terminal.
TEST(StateDir, a_lock_file_that_is_not_a_pid_gives_no_pid_in_the_message) {
  TempDir dir;
  auto first = StateDir::open(dir.path());
  ASSERT_TRUE(first) << first.error().message;
  for (const std::string& text : {std::string("\x1b]0;owned\x07\x1b[2J"), std::string(40, '7'),
                                  std::string("12a\n"), std::string()}) {
    std::ofstream(dir.path() + "/lock", std::ios::binary | std::ios::trunc) << text;
    auto second = StateDir::open(dir.path());
    ASSERT_FALSE(second);
    const std::string& m = second.error().message;
    EXPECT_NE(m.find("is in use by another softbms run: stop it"), std::string::npos) << m;
    EXPECT_EQ(m.find('\x1b'), std::string::npos) << m;
    EXPECT_EQ(m.find("(pid"), std::string::npos) << m;
  }
}

// Issue 9 item 9: the lock used to be the file DIR/lock; deleting it let a second run in.
TEST(StateDir, deleting_the_lock_file_does_not_let_a_second_owner_in) {
  TempDir dir;
  auto first = StateDir::open(dir.path());
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(::unlink((dir.path() + "/lock").c_str()), 0);
  auto second = StateDir::open(dir.path());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::bad_state);
  EXPECT_NE(second.error().message.find("in use by another softbms run"), std::string::npos);
}

TEST(StateDir, the_lock_is_released_when_the_owner_goes) {
  TempDir dir;
  {
    auto first = StateDir::open(dir.path());
    ASSERT_TRUE(first);
  }
  auto again = StateDir::open(dir.path());
  EXPECT_TRUE(again);
}

TEST(StateDir, a_file_in_the_way_is_refused) {
  TempDir dir;
  const std::string path = dir.path() + "/file";
  { std::ofstream(path) << "x"; }
  auto s = StateDir::open(path);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().part, "state dir");
}

TEST(StateDir, default_dir_follows_xdg_state_home_then_home) {
  const char* old_xdg = std::getenv("XDG_STATE_HOME");
  const std::string saved_xdg = old_xdg != nullptr ? old_xdg : "";
  ::setenv("XDG_STATE_HOME", "/x/state", 1);
  auto a = default_state_dir("pack1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a.value(), "/x/state/softbms/pack1");
  ::unsetenv("XDG_STATE_HOME");
  ::setenv("HOME", std::getenv("HOME") != nullptr ? std::getenv("HOME") : "/home/u", 1);
  auto b = default_state_dir("pack1");
  ASSERT_TRUE(b);
  EXPECT_EQ(b.value(), std::string(std::getenv("HOME")) + "/.local/state/softbms/pack1");
  if (old_xdg != nullptr) ::setenv("XDG_STATE_HOME", saved_xdg.c_str(), 1);
}

TEST(Entropy, two_draws_differ) {
  std::array<uint8_t, 32> a{};
  std::array<uint8_t, 32> b{};
  ASSERT_TRUE(fill_entropy(a));
  ASSERT_TRUE(fill_entropy(b));
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace softbms::host
