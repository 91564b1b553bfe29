// Cross-checks of the API encodings (proofs/encodings/api.cc) against the API model: PgSize
// (iommu_pgsize) on biased bitmaps, addresses and sizes, and the PASID range of a device
// (MaxPasids, MinPasid with the min_pasid knob and the instance floor) through a System with
// one instance and one device, 100,000 samples each.
#include <gtest/gtest.h>

#include "harness.h"
#include "proofs/encodings/api.h"
#include "smmuref/model/api/instance.h"
#include "smmuref/model/api/map.h"
#include "smmuref/model/api/system.h"

namespace smmuref::proofs::cross {
namespace {

namespace mapi = model::api;

TEST(CrossApi, PgSizeMatchesIommuPgsizeModel) {
  const Bv bitmap = Bv::Var("bitmap"), iova = Bv::Var("iova"), pa = Bv::Var("pa"),
           size = Bv::Var("size");
  const PgSizeTerms t = PgSizeTerm(bitmap, iova, pa, size);
  CrossCheck check({{"bitmap", bitmap.expr()}, {"iova", iova.expr()}, {"pa", pa.expr()},
                    {"size", size.expr()}},
                   {{"R-MAP-004 pgsize", t.pgsize.expr()}, {"R-MAP-004 count", t.count.expr()},
                    {"MinPageSize", MinPageSizeTerm(bitmap).expr()}});
  Rng rng(501);
  static const std::vector<uint64_t> kBitmaps = {0x40201000, 0x20010000, 0x2004000, 0x1000,
                                                 0x40000000, 0x60201000, 0xfffff000};
  for (uint64_t n = 0; n < kSamples; ++n) {
    const uint64_t bm = rng.Chance(60) ? kBitmaps[rng.Below(kBitmaps.size())] : rng.Biased(64);
    const unsigned align = static_cast<unsigned>(12 + rng.Below(20));
    const uint64_t io = rng.Chance(70) ? (rng.Next() >> 16) & ~((uint64_t{1} << align) - 1) : rng.Biased(64);
    const uint64_t p = rng.Chance(50) ? io : ((rng.Next() >> 16) & ~((uint64_t{1} << align) - 1));
    const uint64_t sz = rng.Chance(80) ? (uint64_t{1} << rng.Below(40)) * (1 + rng.Below(5)) : rng.Biased(64);
    const mapi::PgSizeChoice c = mapi::PgSize(bm, io, p, sz);
    const std::string diff = check.Compare({bm, io, p, sz}, {c.pgsize, c.count, mapi::MinPageSize(bm)});
    ASSERT_EQ(diff, "") << "sample " << n;
  }
}

TEST(CrossApi, PasidRangeMatchesTheSystem) {
  const Bv db = Bv::Var("device_bits"), ib = Bv::Var("instance_bits"), knob = Bv::Var("min_pasid"),
           floor = Bv::Var("instance_floor");
  const PasidRangeTerms t = PasidRangeTerm(db, ib, knob, floor);
  CrossCheck check({{"device_bits", db.expr()}, {"instance_bits", ib.expr()},
                    {"min_pasid", knob.expr()}, {"instance_floor", floor.expr()}},
                   {{"R-API-012 count", t.count.expr()}, {"R-API-011 lowest PASID", t.lo.expr()},
                    {"range non-empty", Flag(t.ok).expr()}});
  Rng rng(502);
  for (uint64_t n = 0; n < kSamples; ++n) {
    mapi::System sys;
    mapi::Knobs k;
    k.min_pasid = static_cast<uint32_t>(rng.Biased(20, {0, 1, 2, 0xfffff}));
    ASSERT_EQ(sys.SetKnobs(k), mapi::Errno::kOk);
    mapi::InstanceCaps caps;
    caps.pasid_bits = static_cast<uint32_t>(rng.Below(21));
    caps.min_pasid = static_cast<uint32_t>(rng.Biased(20, {0, 1, 2}));
    const auto inst = sys.RegisterInstance(caps);
    ASSERT_TRUE(inst.ok());
    mapi::DeviceDesc d;
    d.instance = inst.value;
    d.sids = {1};
    d.pasid_bits = static_cast<uint32_t>(rng.Below(33));
    const auto dev = sys.ProbeDevice(d);
    ASSERT_TRUE(dev.ok());
    const uint64_t count = sys.DeviceMaxPasids(dev.value);
    const uint64_t lo = sys.MinPasid(inst.value);
    const bool ok = count != 0 && lo <= count - 1;
    // The allocator hands out the lowest PASID of the range, or refuses an empty one.
    const auto got = sys.AllocGlobalPasid(dev.value, std::nullopt);
    ASSERT_EQ(got.ok(), ok) << "sample " << n;
    if (ok) {
      ASSERT_EQ(got.value, lo);
    }
    const std::string diff =
        check.Compare({d.pasid_bits, caps.pasid_bits, k.min_pasid, caps.min_pasid}, {count, lo, ok});
    ASSERT_EQ(diff, "") << "sample " << n;
  }
}

}  // namespace
}  // namespace smmuref::proofs::cross
