// Tests for impl/api/pasid_bitmap.cc and the fast core's global PASID allocation (R-PASID-001,
// R-PASID-002, R-PASID-004, R-PASID-012, R-API-011, R-API-012): find-first-zero at the edges of
// words and summary levels, the whole 20-bit space, exhaustion, min_pasid and widths, 90%
// occupancy, and random operations against a plain bit vector.
#include "smmuref/impl/api/pasid_bitmap.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "smmuref/impl/api/system.h"

namespace smmuref::impl::api {
namespace {

TEST(PasidBitmap, EmptySpaceGivesTheLowerBound) {
  PasidBitmap b;
  EXPECT_EQ(b.FindFirstZero(0, PasidBitmap::kSize - 1), 0u);
  EXPECT_EQ(b.FindFirstZero(63, 63), 63u);
  EXPECT_EQ(b.FindFirstZero(64, 100), 64u);
  EXPECT_EQ(b.FindFirstZero(PasidBitmap::kSize - 1, PasidBitmap::kSize - 1),
            PasidBitmap::kSize - 1);
  EXPECT_FALSE(b.FindFirstZero(PasidBitmap::kSize, PasidBitmap::kSize));
  EXPECT_FALSE(b.FindFirstZero(5, 4));
}

TEST(PasidBitmap, FullWordsAndSummaryLevelsAreSkipped) {
  PasidBitmap b;
  // Fill [0, 64*64*64 + 5): three summary levels become "full" over the first part.
  const uint32_t n = 64 * 64 * 64 + 5;
  for (uint32_t p = 0; p < n; ++p) b.Set(p, true);
  EXPECT_EQ(b.count(), n);
  EXPECT_EQ(b.FindFirstZero(0, PasidBitmap::kSize - 1), n);
  EXPECT_EQ(b.FindFirstZero(1000, n - 1), std::nullopt);  // every PASID of the range taken
  b.Clear(4096 * 3 + 17);
  EXPECT_EQ(b.FindFirstZero(0, PasidBitmap::kSize - 1), 4096u * 3 + 17);
  EXPECT_EQ(b.FindFirstZero(4096 * 3 + 18, PasidBitmap::kSize - 1), n);
  b.Set(4096 * 3 + 17, false);
  EXPECT_FALSE(b.DriverOwned(4096 * 3 + 17));
  EXPECT_TRUE(b.DriverOwned(4096 * 3 + 16));
}

TEST(PasidBitmap, WholeSpaceExhaustsAndRefills) {
  PasidBitmap b;
  for (uint32_t p = 0; p < PasidBitmap::kSize; ++p) b.Set(p, true);
  EXPECT_EQ(b.FindFirstZero(0, PasidBitmap::kSize - 1), std::nullopt);
  b.Clear(PasidBitmap::kSize - 1);
  EXPECT_EQ(b.FindFirstZero(1, PasidBitmap::kSize - 1), PasidBitmap::kSize - 1);
  b.Clear(0);
  EXPECT_EQ(b.FindFirstZero(0, PasidBitmap::kSize - 1), 0u);
  EXPECT_EQ(b.FindFirstZero(1, PasidBitmap::kSize - 2), std::nullopt);
}

TEST(PasidBitmap, RandomOperationsMatchABitVector) {
  std::mt19937_64 rng(7);
  PasidBitmap b;
  std::vector<bool> ref(PasidBitmap::kSize);
  for (int i = 0; i < 200000; ++i) {
    // Concentrate on a window so that words fill and empty again.
    const uint32_t p = static_cast<uint32_t>(rng() % 20000);
    const bool set = rng() % 3 != 0;
    if (set) b.Set(p, true);
    else b.Clear(p);
    ref[p] = set;
    if (i % 97 == 0) {
      const uint32_t lo = static_cast<uint32_t>(rng() % 20000);
      const uint32_t hi = lo + static_cast<uint32_t>(rng() % 5000);
      std::optional<uint32_t> want;
      for (uint32_t q = lo; q <= hi; ++q) {
        if (!ref[q]) {
          want = q;
          break;
        }
      }
      ASSERT_EQ(b.FindFirstZero(lo, hi), want) << "lo " << lo << " hi " << hi;
    }
  }
}

TEST(PasidBitmap, NinetyPercentOccupancyFindsTheGap) {
  PasidBitmap b;
  const uint32_t filled = PasidBitmap::kSize / 10 * 9;
  for (uint32_t p = 1; p <= filled; ++p) b.Set(p, true);
  EXPECT_EQ(b.FindFirstZero(1, PasidBitmap::kSize - 1), filled + 1);
  b.Clear(filled / 2);
  EXPECT_EQ(b.FindFirstZero(1, PasidBitmap::kSize - 1), filled / 2);
}

// A system with one instance of `bits` PASID bits and one device of `dev_bits`.
struct OneDevice {
  System sys;
  DeviceId dev = 0;
  OneDevice(uint32_t bits, uint32_t dev_bits, uint32_t knob_min = 1, uint32_t inst_min = 0) {
    Knobs k;
    k.min_pasid = knob_min;
    EXPECT_EQ(sys.SetKnobs(k), Errno::kOk);
    InstanceCaps caps;
    caps.pasid_bits = bits;
    caps.min_pasid = inst_min;
    const InstanceId inst = sys.RegisterInstance(caps).value;
    DeviceDesc d;
    d.instance = inst;
    d.sids = {1};
    d.pasid_bits = dev_bits;
    dev = sys.ProbeDevice(d).value;
  }
};

TEST(ImplPasidAlloc, RangeIsMinPasidToMaxPasidsAndExhaustionIsEnospc) {
  OneDevice s(4, 3);  // 2^3 = 8 PASIDs, 0 reserved by min_pasid=1
  for (uint32_t want = 1; want < 8; ++want) {
    auto r = s.sys.AllocGlobalPasid(s.dev, std::nullopt);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value, want);
  }
  EXPECT_EQ(s.sys.AllocGlobalPasid(s.dev, std::nullopt).err, Errno::kENOSPC);
  EXPECT_EQ(s.sys.FreeGlobalPasid(5), Errno::kOk);
  EXPECT_EQ(s.sys.AllocGlobalPasid(s.dev, std::nullopt).value, 5u);
  EXPECT_EQ(s.sys.FreeGlobalPasid(9), Errno::kContractViolation);
}

TEST(ImplPasidAlloc, InstanceFloorAndKnobTakeTheLarger) {
  OneDevice knob(20, 20, 7, 3);
  EXPECT_EQ(knob.sys.AllocGlobalPasid(knob.dev, std::nullopt).value, 7u);
  OneDevice inst(20, 20, 1, 9);
  EXPECT_EQ(inst.sys.AllocGlobalPasid(inst.dev, std::nullopt).value, 9u);
  EXPECT_EQ(inst.sys.AllocGlobalPasid(inst.dev, 8).err, Errno::kBadChoice);
  EXPECT_EQ(inst.sys.AllocGlobalPasid(inst.dev, 9).err, Errno::kBadChoice);  // taken
  EXPECT_EQ(inst.sys.AllocGlobalPasid(inst.dev, 0xFFFFF).value, 0xFFFFFu);
  EXPECT_EQ(inst.sys.AllocGlobalPasid(inst.dev, 0x100000).err, Errno::kBadChoice);
}

TEST(ImplPasidAlloc, WidthsBoundTheRange) {
  OneDevice none(20, 0);
  EXPECT_EQ(none.sys.AllocGlobalPasid(none.dev, std::nullopt).err, Errno::kEOPNOTSUPP);
  OneDevice no_ssid(0, 20);  // max_pasids 1: only PASID 0, below the floor
  EXPECT_EQ(no_ssid.sys.DeviceMaxPasids(no_ssid.dev), 1u);
  EXPECT_EQ(no_ssid.sys.AllocGlobalPasid(no_ssid.dev, std::nullopt).err, Errno::kENOSPC);
  OneDevice narrow(20, 1);  // PASIDs 0 and 1
  EXPECT_EQ(narrow.sys.AllocGlobalPasid(narrow.dev, std::nullopt).value, 1u);
  EXPECT_EQ(narrow.sys.AllocGlobalPasid(narrow.dev, std::nullopt).err, Errno::kENOSPC);
  OneDevice zero_floor(20, 20, 0, 0);
  EXPECT_EQ(zero_floor.sys.AllocGlobalPasid(zero_floor.dev, std::nullopt).value, 0u);
}

TEST(ImplPasidAlloc, ExhaustsTheWhole20BitSpace) {
  OneDevice s(20, 20);
  for (uint32_t want = 1; want < PasidBitmap::kSize; ++want) {
    auto r = s.sys.AllocGlobalPasid(s.dev, std::nullopt);
    ASSERT_TRUE(r.ok() && r.value == want) << want;
  }
  EXPECT_EQ(s.sys.AllocGlobalPasid(s.dev, std::nullopt).err, Errno::kENOSPC);
  EXPECT_EQ(s.sys.FreeGlobalPasid(PasidBitmap::kSize - 1), Errno::kOk);
  EXPECT_EQ(s.sys.AllocGlobalPasid(s.dev, std::nullopt).value, PasidBitmap::kSize - 1);
}

}  // namespace
}  // namespace smmuref::impl::api
