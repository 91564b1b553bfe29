// The global PASID space of the fast core (R-PASID-001): a hierarchical bitmap over 2^20 PASIDs.
// Level 0 has one bit per PASID (set = allocated) in 64-bit words; each level above has one bit
// per word of the level below, set when that word is full, so a find-first-zero from any
// position reads at most a few words per level (__builtin_ctzll) however full the space is.
// A second flat bitmap says which PASIDs a driver owns (iommu_alloc_global_pasid) as opposed to
// an address space or an aux domain, which is all a free needs to know (R-PASID-005).
// Tests: tests/impl/api/pasid_bitmap_test.cc.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace smmuref::impl::api {

class PasidBitmap {
 public:
  static constexpr uint32_t kBits = 20;
  static constexpr uint32_t kSize = uint32_t{1} << kBits;

  PasidBitmap();

  bool Test(uint32_t pasid) const {
    return pasid < kSize && (words_[0][pasid >> 6] >> (pasid & 63) & 1) != 0;
  }
  bool DriverOwned(uint32_t pasid) const {
    return pasid < kSize && (driver_[pasid >> 6] >> (pasid & 63) & 1) != 0;
  }
  // Lowest clear PASID in [lo, hi] (hi clamped to the space), if any.
  std::optional<uint32_t> FindFirstZero(uint32_t lo, uint32_t hi) const;
  void Set(uint32_t pasid, bool driver);
  void Clear(uint32_t pasid);
  uint32_t count() const { return count_; }

 private:
  static constexpr int kLevels = 4;  // 2^20 bits, 2^14 words, 2^8 words, 2^2 words
  // words_[k] has one bit per word of words_[k-1] (per PASID for k = 0).
  std::array<std::vector<uint64_t>, kLevels> words_;
  std::vector<uint64_t> driver_;
  uint32_t count_ = 0;

  std::optional<uint32_t> FirstClear(int level, uint32_t from) const;
};

}  // namespace smmuref::impl::api
