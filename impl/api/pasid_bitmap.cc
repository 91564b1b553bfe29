// The hierarchical PASID bitmap (pasid_bitmap.h). Tests: tests/impl/api/pasid_bitmap_test.cc.
#include "smmuref/impl/api/pasid_bitmap.h"

#include <algorithm>

#include "smmuref/impl/api/kernels.h"

namespace smmuref::impl::api {
namespace {

constexpr uint32_t BitsAt(int level) { return PasidBitmap::kSize >> (6 * level); }

}  // namespace

PasidBitmap::PasidBitmap() {
  for (int k = 0; k < kLevels; ++k) words_[k].assign((BitsAt(k) + 63) / 64, 0);
  driver_.assign(kSize / 64, 0);
}

void PasidBitmap::Set(uint32_t pasid, bool driver) {
  if (!Test(pasid)) ++count_;
  const uint64_t mask = uint64_t{1} << (pasid & 63);
  driver_[pasid >> 6] = driver ? driver_[pasid >> 6] | mask : driver_[pasid >> 6] & ~mask;
  uint32_t bit = pasid;
  for (int k = 0; k < kLevels; ++k) {
    uint64_t& w = words_[k][bit >> 6];
    w |= uint64_t{1} << (bit & 63);
    // A word becomes full only when every bit the level has in it is set; the last word of
    // the top level is never full before the whole space is.
    const uint32_t bits_in_word = std::min<uint32_t>(64, BitsAt(k) - (bit & ~63u));
    const uint64_t full = bits_in_word == 64 ? ~uint64_t{0} : (uint64_t{1} << bits_in_word) - 1;
    if (w != full) return;
    bit >>= 6;
  }
}

void PasidBitmap::Clear(uint32_t pasid) {
  if (!Test(pasid)) return;
  --count_;
  driver_[pasid >> 6] &= ~(uint64_t{1} << (pasid & 63));
  uint32_t bit = pasid;
  for (int k = 0; k < kLevels; ++k) {
    uint64_t& w = words_[k][bit >> 6];
    const bool was_set = (w >> (bit & 63) & 1) != 0;
    w &= ~(uint64_t{1} << (bit & 63));
    if (!was_set) return;  // the level above already said "not full"
    bit >>= 6;
  }
}

// Lowest clear bit at or after `from` at `level`. A word with no clear bit is skipped by
// asking the level above for the next word that is not full; the top level (4 bits) is read
// directly.
std::optional<uint32_t> PasidBitmap::FirstClear(int level, uint32_t from) const {
  if (from >= BitsAt(level)) return std::nullopt;
  const std::vector<uint64_t>& words = words_[level];
  uint32_t w = from >> 6;
  // The word's lowest clear bit at or above `from` (kernels.h FirstClearFrom), 64 when none.
  uint64_t pos = FirstClearFrom<uint64_t>(words[w], from & 63);
  while (pos == 64) {
    if (level + 1 == kLevels) {
      if (++w >= words.size()) return std::nullopt;
    } else {
      const std::optional<uint32_t> next = FirstClear(level + 1, w + 1);
      if (!next) return std::nullopt;
      w = *next;
    }
    pos = FirstClearFrom<uint64_t>(words[w], 0);
  }
  const uint32_t bit = (w << 6) + static_cast<uint32_t>(pos);
  if (bit >= BitsAt(level)) return std::nullopt;
  return bit;
}

std::optional<uint32_t> PasidBitmap::FindFirstZero(uint32_t lo, uint32_t hi) const {
  if (lo > hi) return std::nullopt;
  const std::optional<uint32_t> p = FirstClear(0, lo);
  if (!p || *p > hi) return std::nullopt;
  return p;
}

}  // namespace smmuref::impl::api
