// The driver's descriptor builders (impl/driver/pgtable.cc) against the model: tables, pages and
// blocks built for every granule and level are walked by model/arch (S1Translate, S2Translate
// through a CD and an STE from the driver's builders, decoded by the model), and leaf attributes
// are judged by the model's permission, access-flag and TLB-eligibility functions.
#include "smmuref/impl/driver/pgtable.h"

#include <gtest/gtest.h>

#include <random>

#include "smmuref/impl/driver/cd.h"
#include "smmuref/impl/driver/ste.h"
#include "smmuref/model/arch/cd.h"
#include "smmuref/model/arch/perm.h"
#include "smmuref/model/arch/ste.h"
#include "smmuref/model/arch/walk.h"
#include "smmuref/spec/tables.h"

namespace smmuref::impl::driver {
namespace {

namespace arch = model::arch;
namespace desc = layout::desc;

constexpr uint64_t kTables = 0x1000'0000;  // table k of a walk at kTables + k * kStride
constexpr uint64_t kStride = 0x10'0000;    // aligned for 16 concatenated 64KB tables

const spec::Profile& Full() {
  static const spec::Profile p = *spec::LoadProfile("full");
  return p;
}

uint64_t Mask(unsigned bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

// Writes the tables of a walk of `ia` (ia_bits wide) from `start` to `leaf_level` with the
// driver's TableDesc, and `leaf` at the last level. Indexes come from the driver's LevelShift.
void BuildWalk(arch::Memory& mem, unsigned g, unsigned ia_bits, int start, int leaf_level,
               uint64_t ia, uint64_t leaf) {
  uint64_t table = kTables;
  for (int level = start; level <= leaf_level; ++level) {
    const unsigned lsb = LevelShift(g, level);
    const unsigned width = level == start ? ia_bits - lsb : g - 3;
    const uint64_t addr = table + ((ia >> lsb) & Mask(width)) * 8;
    if (level == leaf_level) {
      mem.Write64(addr, leaf);
      return;
    }
    const uint64_t next = kTables + static_cast<uint64_t>(level - start + 1) * kStride;
    mem.Write64(addr, TableDesc(next, g));
    table = next;
  }
}

arch::CdConfig S1Context(unsigned g) {
  Cd cd;
  cd.ttb0.enabled = true;
  cd.ttb0.granule_shift = g;
  cd.ttb0.tsz = 16;
  cd.ttb0.ttb = kTables;
  return arch::DecodeCd(cd.Words().data(), Full(), arch::CdContext{});
}

const unsigned kGranules[3] = {12, 14, 16};

// For every level from `start` that can hold a leaf (a page at level 3, a block where
// BlockAllowed says so), random walks: `leaf(oa, level)` written at the end of the tables
// BuildWalk writes for a random input, then `translate(fetch, input)` must give oa with the
// input's low bits.
template <typename MakeLeaf, typename Translate>
void CheckLeafWalks(unsigned g, unsigned ia_bits, int start, std::mt19937_64& rng,
                    MakeLeaf leaf, Translate translate) {
  for (int level = std::max(start, 1); level <= 3; ++level) {
    if (level < 3 && !BlockAllowed(g, level)) continue;
    const unsigned shift = LevelShift(g, level);
    for (int i = 0; i < 20; ++i) {
      arch::Memory mem;
      arch::CurrentMemoryFetcher fetch(mem);
      const uint64_t ia = rng() & Mask(ia_bits);
      const uint64_t oa = rng() & layout::Bits(47, shift);
      BuildWalk(mem, g, ia_bits, start, level, ia, leaf(oa, level));
      const arch::Step<uint64_t> out = translate(fetch, ia);
      ASSERT_TRUE(std::holds_alternative<uint64_t>(out)) << "g=" << g << " level=" << level;
      EXPECT_EQ(std::get<uint64_t>(out), oa | (ia & Mask(shift)));
    }
  }
}

TEST(Pgtable, Stage1PagesAndBlocksTranslateThroughTheModelWalk) {
  std::mt19937_64 rng(4);
  for (unsigned g : kGranules) {
    const arch::CdConfig cd = S1Context(g);
    const auto leaf = [g](uint64_t oa, int level) {
      const S1Leaf l{.oa = oa};
      return level == 3 ? S1PageDesc(l, g) : S1BlockDesc(l, g, level);
    };
    const auto translate = [&cd](arch::Fetcher& fetch, uint64_t va) {
      return arch::S1Translate(cd, arch::StreamWorld::kNsEl1, va, arch::Access{.priv = true},
                               nullptr, Full(), fetch, arch::FetchTag{});
    };
    CheckLeafWalks(g, 48, arch::S1StartLevel(48, g), rng, leaf, translate);
  }
}

TEST(Pgtable, BlockLevelsAreTheOnesTheModelWalks) {
  // A block-type descriptor (bits [1:0] = 0b01) at every level: the model's walk accepts it
  // exactly where the driver's BlockAllowed says so.
  for (unsigned g : kGranules) {
    const arch::CdConfig cd = S1Context(g);
    const int start = arch::S1StartLevel(48, g);
    for (int level = std::max(start, 0); level <= 3; ++level) {
      arch::Memory mem;
      arch::CurrentMemoryFetcher fetch(mem);
      const uint64_t va = 0x1234'5678'9000 & Mask(48);
      S1Leaf leaf;
      leaf.oa = uint64_t{1} << 47;  // aligned to every level's size
      const uint64_t block = S1PageDesc(leaf, g) & ~desc::kTableOrPage;
      BuildWalk(mem, g, 48, start, level, va, block);
      const auto out = arch::S1Translate(cd, arch::StreamWorld::kNsEl1, va,
                                         arch::Access{.priv = true}, nullptr, Full(), fetch,
                                         arch::FetchTag{});
      EXPECT_EQ(std::holds_alternative<uint64_t>(out), BlockAllowed(g, level))
          << "g=" << g << " level=" << level;
    }
  }
}

TEST(Pgtable, Stage1LeafAttributesAreTheModelsPermissions) {
  const arch::CdConfig cd = S1Context(12);
  const arch::S1TableAttrs none;
  const auto check = [&](const S1Leaf& l, arch::Access a) {
    return arch::CheckS1Permission(S1PageDesc(l, 12), none, arch::StreamWorld::kNsEl1, cd, a) ==
           nullptr;
  };
  S1Leaf l;
  l.ap = desc::kApRoAll;
  EXPECT_TRUE(check(l, {.priv = false}));
  EXPECT_FALSE(check(l, {.write = true, .priv = true}));
  l.ap = desc::kApRwPriv;
  EXPECT_TRUE(check(l, {.write = true, .priv = true}));
  EXPECT_FALSE(check(l, {.priv = false}));
  l.ap = desc::kApRwAll;
  EXPECT_TRUE(check(l, {.write = true, .priv = false}));
  l.ap = desc::kApRoAll;
  l.uxn = true;
  EXPECT_FALSE(check(l, {.instr = true, .priv = false}));
  EXPECT_TRUE(check(l, {.instr = true, .priv = true}));
  l.pxn = true;
  EXPECT_FALSE(check(l, {.instr = true, .priv = true}));
  // AF, nG, AttrIndx and SH.
  S1Leaf f;
  f.af = false;
  EXPECT_TRUE(arch::S1AccessFlagFaults(S1PageDesc(f, 12), false));
  EXPECT_FALSE(arch::S1AccessFlagFaults(S1PageDesc(S1Leaf{}, 12), false));
  for (bool ng : {false, true}) {
    S1Leaf n;
    n.ng = ng;
    n.attr_indx = 5;
    n.sh = desc::kShOuter;
    const uint64_t d = S1PageDesc(n, 16);
    const arch::TlbEligibility e = arch::DescriptorTlbEligibility(true, d, 3, 16, false, 48);
    EXPECT_TRUE(e.cacheable && e.leaf);
    EXPECT_EQ(e.global, !ng);
    EXPECT_EQ(spec::Get(&d, spec::desc_s1::AttrIndx), 5u);
    EXPECT_EQ(spec::Get(&d, spec::desc_s1::SH), desc::kShOuter);
  }
  // Table attributes: APTable[1] forbids writes below (hierarchical, HAD=0).
  arch::S1TableAttrs attrs;
  arch::AccumulateTableAttrs(TableDesc(0x1000, 12, {.pxn = true, .uxn = false, .ap = 2}), false,
                             &attrs);
  EXPECT_TRUE(attrs.no_write && attrs.pxn && !attrs.uxn && !attrs.no_el0);
}

TEST(Pgtable, Stage2PagesAndBlocksTranslateThroughTheModelWalk) {
  std::mt19937_64 rng(5);
  for (unsigned g : kGranules) {
    SteStage2 s2;
    s2.granule_shift = g;
    s2.t0sz = 24;  // 40-bit IPA
    s2.sl0 = 1;    // 4KB: level 1 (2 concatenated tables); 16KB: level 2 (16); 64KB: level 2
    s2.ttb = kTables;
    const Entry ste = Ste::Stage2(s2).Words();
    ASSERT_TRUE(arch::SteIllegalReasons(ste.data(), Full()).empty()) << g;
    const arch::SteConfig c = arch::DecodeSte(ste.data(), Full(), false);
    const auto leaf = [g](uint64_t oa, int level) {
      const S2Leaf l{.oa = oa};
      return level == 3 ? S2PageDesc(l, g) : S2BlockDesc(l, g, level);
    };
    const auto translate = [&c](arch::Fetcher& fetch, uint64_t ipa) {
      return arch::S2Translate(c.s2cfg, ipa, arch::Access{.write = true}, spec::FaultClass::IN,
                               Full(), fetch, arch::FetchTag{});
    };
    CheckLeafWalks(g, 40, c.s2cfg.start_level, rng, leaf, translate);
  }
}

TEST(Pgtable, Stage2LeafAttributesAreTheModelsPermissions) {
  S2Leaf l;
  l.s2ap = desc::kS2ApRead;
  EXPECT_EQ(arch::CheckS2Permission(S2PageDesc(l, 12), {.write = false}, true), nullptr);
  EXPECT_NE(arch::CheckS2Permission(S2PageDesc(l, 12), {.write = true}, true), nullptr);
  l.s2ap = desc::kS2ApWrite;
  EXPECT_EQ(arch::CheckS2Permission(S2PageDesc(l, 12), {.write = true}, true), nullptr);
  EXPECT_NE(arch::CheckS2Permission(S2PageDesc(l, 12), {.write = false}, true), nullptr);
  l.s2ap = desc::kS2ApRead | desc::kS2ApWrite;
  l.xn = 0b10;  // not executable at any level
  EXPECT_NE(arch::CheckS2Permission(S2PageDesc(l, 12), {.instr = true, .priv = true}, true),
            nullptr);
  l.xn = 0;
  EXPECT_EQ(arch::CheckS2Permission(S2PageDesc(l, 12), {.instr = true, .priv = true}, true),
            nullptr);
  EXPECT_FALSE(arch::S2LeafIsDevice(S2PageDesc(l, 12)));
  l.mem_attr = desc::kS2MemAttrDevice_nGnRE;
  EXPECT_TRUE(arch::S2LeafIsDevice(S2PageDesc(l, 12)));
  l.af = false;
  EXPECT_TRUE(arch::S2AccessFlagFaults(S2PageDesc(l, 12), false));
}

TEST(Pgtable, LevelShiftsArePerGranule) {
  EXPECT_EQ(LevelShift(12, 3), 12u);
  EXPECT_EQ(LevelShift(12, 2), 21u);
  EXPECT_EQ(LevelShift(12, 1), 30u);
  EXPECT_EQ(LevelShift(14, 2), 25u);
  EXPECT_EQ(LevelShift(16, 2), 29u);
  EXPECT_EQ(LevelShift(16, 1), 42u);
}

}  // namespace
}  // namespace smmuref::impl::driver
