// Differential test of the IOMMU API model's map / unmap / iova_to_phys (model/api/map.cc,
// pgtable.cc) against Linux's io-pgtable-arm.c from the Debian linux-source-6.12 package, built in
// userspace (tests/kernel/README.md): seeded random operation sequences for each page-size set
// (4K, 16K and 64K granules, stage 1 and stage 2, with blocks), comparing every result, every
// unmapped size, whether the kernel WARNs on an unmap, and iova_to_phys around each operation.
// A mismatch prints a replayable api.* vector (the kernel's answers as expectations) and fails.
// The three places where the model decides differently on purpose (R-MAP-005, R-MAP-012) are
// kept out of the random operations and pinned by io_pgtable_findings_test.cc.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <random>

#include "kernel_pair.h"

namespace smmuref::kernel {
namespace {

constexpr TableConfig kConfigs[] = {
    {"4K+2M+1G ias48", 1, 0x40201000, 48, 48},
    {"4K+2M+1G ias40 (concatenated pgd)", 2, 0x40201000, 40, 44},
    {"4K+2M+1G ias32 (4-entry pgd)", 1, 0x40201000, 32, 40},
    {"4K only ias39 (3 levels)", 1, 0x1000, 39, 40},
    {"16K+32M ias48", 1, 0x2004000, 48, 48},
    {"16K+32M ias42", 2, 0x2004000, 42, 44},
    {"64K+512M+4T ias52 oas52", 1, 0x20010000 | (uint64_t{1} << 42), 52, 52},
    {"64K+512M ias48", 2, 0x20010000, 48, 48},
};

// Seeded operation generator for one table: addresses in a window of a few of the largest blocks,
// sizes of one to a few pages of a randomly chosen size, PAs mostly with the IOVA's offset (so
// blocks are used) and sometimes only granule aligned.
class Generator {
 public:
  Generator(uint64_t seed, uint64_t bitmap, unsigned ias, unsigned oas)
      : rng_(seed), bitmap_(bitmap), ias_(ias), oas_(oas) {
    granule_ = bitmap & -bitmap;
    largest_ = uint64_t{1} << (63 - __builtin_clzll(bitmap));
    window_ = std::min(std::max(largest_ * 4, granule_ << 12), uint64_t{1} << (ias - 1));
  }

  uint64_t Below(uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  bool Chance(int pct) { return Below(100) < static_cast<uint64_t>(pct); }

  // A page size of the bitmap, small ones more often.
  uint64_t SomeSize() {
    std::vector<uint64_t> sizes;
    for (uint64_t b = bitmap_; b != 0; b &= b - 1) sizes.push_back(b & -b);
    const uint64_t i = Chance(60) ? 0 : Below(sizes.size());
    return sizes[i];
  }

  uint64_t AlignedIn(uint64_t align, uint64_t span) { return Below(span / align) * align; }

  struct MapOp {
    uint64_t iova, pa, size;
    int prot;
  };
  MapOp Map() {
    const uint64_t s = SomeSize();
    MapOp op{};
    op.iova = AlignedIn(s, window_);
    op.size = s * (1 + Below(s == granule_ ? 700 : 3));
    if (Chance(70)) {
      const uint64_t room = (uint64_t{1} << std::min(oas_, 51u)) / largest_;
      op.pa = (op.iova & (largest_ - 1)) + Below(room) * largest_;
    } else {
      op.pa = AlignedIn(granule_, uint64_t{1} << std::min(oas_, 40u));
      op.size = std::min(op.size, granule_ * (1 + Below(1024)));
    }
    op.prot = Chance(4) ? 0 : static_cast<int>(1 + Below(3)) | (Chance(30) ? 4 : 0);
    if (Chance(3)) op.iova = (uint64_t{1} << ias_) + AlignedIn(granule_, window_);
    // Keep whole operations on one side of 2^IAS and 2^OAS (R-MAP-005 decision).
    if (op.iova < (uint64_t{1} << ias_) && op.iova + op.size > (uint64_t{1} << ias_)) {
      op.size = (uint64_t{1} << ias_) - op.iova;
    }
    if (op.pa + op.size > (uint64_t{1} << oas_)) op.pa = 0;
    return op;
  }

  std::pair<uint64_t, uint64_t> Unmap() {
    const uint64_t s = SomeSize();
    uint64_t iova = AlignedIn(s, window_);
    if (Chance(25)) iova += granule_ * Below(s / granule_);
    const uint64_t size = Chance(50) ? s * (1 + Below(3)) : granule_ * (1 + Below(700));
    return {iova, size};
  }

  uint64_t Probe() { return AlignedIn(granule_, window_) + Below(granule_); }

 private:
  std::mt19937_64 rng_;
  uint64_t bitmap_, granule_ = 0, largest_ = 0, window_ = 0;
  unsigned ias_, oas_;
};

// Runs one seeded sequence; on the first mismatch reports it with the vector that replays it.
void RunSequence(const TableConfig& c, uint64_t seed, int ops, std::map<std::string, uint64_t>* sum) {
  KernelPair pair(c);
  ASSERT_TRUE(pair.ok()) << c.name;
  Generator g(seed, pair.bitmap(), pair.ias(), pair.oas());
  std::string why;
  auto fail = [&] {
    FAIL() << c.name << " seed " << seed << ": " << why << "\nreplay:\n" << pair.Vector();
  };
  for (int i = 0; i < ops; ++i) {
    uint64_t lo = 0, hi = 0;
    const uint64_t kind = g.Below(100);
    if (kind < 50) {
      const auto op = g.Map();
      if (!pair.Map(op.iova, op.pa, op.size, op.prot, &why)) return fail();
      lo = op.iova, hi = op.iova + op.size;
    } else if (kind < 85) {
      const auto [iova, size] = g.Unmap();
      if (!pair.Unmap(iova, size, &why)) return fail();
      lo = iova, hi = iova + size;
    }
    const uint64_t top = uint64_t{1} << pair.ias();
    for (uint64_t a : {lo, hi, lo - 1, hi - 1, g.Probe(), g.Probe(), g.Probe(), g.Probe()}) {
      if (a < top && !pair.IovaToPhys(a, &why)) return fail();
    }
  }
  for (const auto& [k, v] : pair.stats()) (*sum)[k] += v;
}

int Sequences() {
  const char* env = std::getenv("SMMUREF_KERNEL_SEQUENCES");
  return env != nullptr ? std::atoi(env) : 12;
}

class IoPgtableDiff : public ::testing::TestWithParam<TableConfig> {};

TEST_P(IoPgtableDiff, ModelAgreesWithLinuxOnRandomSequences) {
  const int n = Sequences();
  std::map<std::string, uint64_t> sum;
  for (int s = 0; s < n; ++s) {
    RunSequence(GetParam(), 0x5eed0000u + static_cast<uint64_t>(s), 150, &sum);
    if (HasFatalFailure()) return;
  }
  std::string line = GetParam().name;
  for (const auto& [k, v] : sum) line += "; " + k + ": " + std::to_string(v);
  std::cout << line << "\n";
}

INSTANTIATE_TEST_SUITE_P(PageSizeSets, IoPgtableDiff, ::testing::ValuesIn(kConfigs),
                         [](const auto& info) { return "config" + std::to_string(info.index); });

}  // namespace
}  // namespace smmuref::kernel
