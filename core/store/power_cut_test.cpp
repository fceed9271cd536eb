// The power-cut proof: a save interrupted at every byte leaves either the old settings or the
// complete new ones loadable, never a mix, and the store keeps working afterwards.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/settings/validate.hpp"
#include "core/store/settings_record.hpp"
#include "core/store/store.hpp"

namespace softbms::core {
namespace {

// Counts the bytes a save erases and writes; after `budget` bytes the power is gone: the rest
// of the write does not happen (the byte being programmed is left half done), an interrupted
// erase leaves the rest of its range as arbitrary bytes, and every later call fails.
class PowerCutMedium : public Medium {
 public:
  explicit PowerCutMedium(MemoryMedium& inner) : inner_(inner) {}
  void cut_after(std::size_t budget) {
    budget_ = budget;
    armed_ = true;
    dead_ = false;
    done_ = 0;
  }
  void restore_power() {
    armed_ = false;
    dead_ = false;
  }
  [[nodiscard]] bool power_lost() const { return dead_; }
  [[nodiscard]] std::size_t bytes_done() const { return done_; }

  [[nodiscard]] std::size_t size() const override { return inner_.size(); }
  [[nodiscard]] std::size_t erase_unit() const override { return inner_.erase_unit(); }
  Status read(std::size_t offset, std::span<uint8_t> out) override {
    if (dead_) return Errc::bad_state;
    return inner_.read(offset, out);
  }
  Status write(std::size_t offset, std::span<const uint8_t> data) override {
    if (dead_) return Errc::bad_state;
    const std::size_t allowed = allowance(data.size());
    if (Status s = inner_.write(offset, data.first(allowed)); !s.ok()) return s;
    done_ += allowed;
    if (allowed == data.size()) return ok_status();
    // Half-programmed: some bits of the byte were cleared, others not yet.
    inner_.bytes()[offset + allowed] &= static_cast<uint8_t>(data[allowed] | 0x0F);
    dead_ = true;
    return Errc::bad_state;
  }
  Status erase(std::size_t offset, std::size_t length) override {
    if (dead_) return Errc::bad_state;
    const std::size_t allowed = allowance(length);
    if (allowed == length) {
      done_ += length;
      return inner_.erase(offset, length);
    }
    std::span<uint8_t> b = inner_.bytes();
    uint32_t noise = 0x9E3779B9u ^ static_cast<uint32_t>(budget_);
    for (std::size_t i = 0; i < length; ++i) {
      noise = noise * 1664525u + 1013904223u;
      b[offset + i] = i < allowed ? kErasedByte : static_cast<uint8_t>(noise >> 24);
    }
    done_ += allowed;
    dead_ = true;
    return Errc::bad_state;
  }

 private:
  std::size_t allowance(std::size_t wanted) const {
    if (!armed_) return wanted;
    const std::size_t left = budget_ > done_ ? budget_ - done_ : 0;
    return wanted < left ? wanted : left;
  }
  MemoryMedium& inner_;
  std::size_t budget_ = 0;
  std::size_t done_ = 0;
  bool armed_ = false;
  bool dead_ = false;
};

Settings old_settings() {
  return Settings::preset(Chemistry::lfp, ModelId::jk_pb2a16s20p, 16);
}

Settings new_settings() {
  Settings s = old_settings();
  EXPECT_TRUE(apply_change(s, Param::cell_ovp, 3650).ok());
  EXPECT_TRUE(apply_change(s, Param::charge_ocp_current, 50000).ok());
  EXPECT_TRUE(apply_change(s, Param::design_capacity, 304000).ok());
  return s;
}

Settings oldest_settings() {
  Settings s = old_settings();
  EXPECT_TRUE(apply_change(s, Param::cell_uvp, 2700).ok());
  return s;
}

struct Outcome {
  std::size_t cuts = 0;
  std::size_t loaded_old = 0;
  std::size_t loaded_new = 0;
};

// saves_before = 1: the target slot is empty; 2: it holds an older, still good copy.
Outcome cut_at_every_byte(int saves_before, std::size_t erase_unit) {
  std::vector<uint8_t> flash(kStoreSize, kErasedByte);
  MemoryMedium memory(flash, erase_unit);
  PowerCutMedium medium(memory);

  // Measure how many bytes one save erases and writes.
  medium.cut_after(SIZE_MAX);
  EXPECT_TRUE(
      Store(medium).save(RecordId::settings, std::vector<uint8_t>(kSettingsRecordSize)).ok());
  const std::size_t total = medium.bytes_done();
  EXPECT_GT(total, kSettingsRecordSize + kHeaderSize);

  Outcome out;
  for (std::size_t n = 0; n <= total; ++n) {
    medium.restore_power();
    // Only the settings pages are ever touched by this test.
    std::fill(flash.begin(), flash.begin() + static_cast<std::ptrdiff_t>(2 * kSlotSize),
              kErasedByte);
    {
      Store store(medium);
      if (saves_before == 2) {
        EXPECT_TRUE(save_settings(store, oldest_settings()).ok());
      }
      EXPECT_TRUE(save_settings(store, old_settings()).ok());
    }
    medium.cut_after(n);
    {
      Store store(medium);
      const Status s = save_settings(store, new_settings());
      EXPECT_EQ(s.ok(), n == total) << "cut at byte " << n;
    }
    medium.restore_power();  // reboot: a fresh Store sees only what is on the medium
    Store store(medium);
    const Result<Settings> loaded = load_settings(store);
    EXPECT_TRUE(loaded.ok()) << "cut at byte " << n;
    const bool is_old = loaded.value() == old_settings();
    const bool is_new = loaded.value() == new_settings();
    EXPECT_TRUE(is_old || is_new) << "cut at byte " << n;
    if (n == total) {
      EXPECT_TRUE(is_new);
    }
    out.loaded_old += is_old ? 1 : 0;
    out.loaded_new += is_new ? 1 : 0;
    ++out.cuts;

    Settings later = new_settings();
    EXPECT_TRUE(apply_change(later, Param::cell_ovpr, 3380).ok());
    EXPECT_TRUE(save_settings(store, later).ok()) << "cut at byte " << n;
    const Result<Settings> after = load_settings(store);
    EXPECT_TRUE(after.ok() && after.value() == later) << "cut at byte " << n;
  }
  return out;
}

TEST(PowerCut, cut_at_any_byte_over_an_empty_slot_loads_old_or_complete_new) {
  const Outcome o = cut_at_every_byte(1, 256);
  EXPECT_EQ(o.loaded_old + o.loaded_new, o.cuts);
  EXPECT_GE(o.loaded_new, 1u);
  EXPECT_GT(o.loaded_old, o.cuts / 2);  // all cuts before the header's last bytes
}

TEST(PowerCut, cut_at_any_byte_over_a_stale_copy_never_brings_the_stale_copy_back) {
  const Outcome o = cut_at_every_byte(2, 256);
  EXPECT_EQ(o.loaded_old + o.loaded_new, o.cuts);
  EXPECT_GE(o.loaded_new, 1u);
}

TEST(PowerCut, cut_during_a_whole_page_erase_on_4k_flash_keeps_the_old_settings) {
  const Outcome o = cut_at_every_byte(2, 4096);
  EXPECT_EQ(o.loaded_old + o.loaded_new, o.cuts);
  EXPECT_GT(o.cuts, 4096u);
}

}  // namespace
}  // namespace softbms::core
