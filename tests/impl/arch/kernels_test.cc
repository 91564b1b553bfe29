// Bit kernels of the engine (impl/include/smmuref/impl/arch/kernels.h, config_kernels.h) on
// concrete uint64_t, and instantiated with the stand-in symbolic type (standin.h) so that a
// kernel with a branch on a U value does not build. The full-width proofs that the kernels meet
// the spec are in proofs/equiv/.
#include "smmuref/impl/arch/kernels.h"

#include <gtest/gtest.h>

#include "smmuref/impl/arch/config_kernels.h"
#include "smmuref/impl/arch/layout.h"
#include "standin.h"

namespace smmuref::impl::arch {
namespace {

using U = uint64_t;

TEST(Kernels, LowMaskCoversZeroToFullWidth) {
  EXPECT_EQ(LowMask<U>(0), 0u);
  EXPECT_EQ(LowMask<U>(1), 1u);
  EXPECT_EQ(LowMask<U>(12), 0xfffu);
  EXPECT_EQ(LowMask<U>(63), ~U{0} >> 1);
  EXPECT_EQ(LowMask<U>(64), ~U{0});
}

TEST(Kernels, ExtractBitsTakesInclusiveRange) {
  EXPECT_EQ(ExtractBits<U>(0x16205c0000019ull, 5, 0), 25u);
  EXPECT_EQ(ExtractBits<U>(0x16205c0000019ull, 63, 48), 1u);
  EXPECT_EQ(ExtractBits<U>(~U{0}, 63, 0), ~U{0});
}

TEST(Kernels, StartLevelFollowsInputSizeAndGranule) {
  EXPECT_EQ(StartLevel<U>(48, 12), 0u);
  EXPECT_EQ(StartLevel<U>(39, 12), 1u);
  EXPECT_EQ(StartLevel<U>(30, 12), 2u);
  EXPECT_EQ(StartLevel<U>(48, 14), 0u);
  EXPECT_EQ(StartLevel<U>(47, 14), 1u);
  EXPECT_EQ(StartLevel<U>(48, 16), 1u);
  EXPECT_EQ(StartLevel<U>(42, 16), 2u);
}

TEST(Kernels, LevelIndexSelectsStrideBits) {
  const U va = 0x0000123456789000ull;
  EXPECT_EQ(LevelIndex<U>(va, 3, 12), (va >> 12) & 511);
  EXPECT_EQ(LevelIndex<U>(va, 1, 12), (va >> 30) & 511);
  EXPECT_EQ(LevelIndex<U>(va, 2, 16), (va >> 29) & 8191);
  // A partial start table (IA=39 at level 1 with 4KB) and a concatenated one (2 extra bits).
  EXPECT_EQ(StartIndex<U>(va, 1, 12, 39), (va >> 30) & 511);
  EXPECT_EQ(StartIndex<U>(0x1c0000000ull, 1, 12, 34), 7u);
}

TEST(Kernels, OutputAddressTakesLowBitsFromInput) {
  EXPECT_EQ(OutputAddress<U>(0x10010000, 0x40201040, 12), 0x10010040u);
  EXPECT_EQ(OutputAddress<U>(0x40000000, 0x1234567, 21), 0x40034567u);
  EXPECT_TRUE(ExceedsBits<U>(U{1} << 44, 44));
  EXPECT_FALSE(ExceedsBits<U>((U{1} << 44) - 1, 44));
}

TEST(Kernels, AccessBitSeparatesPrivilegeAndKind) {
  EXPECT_EQ(AccessBit<U>(0, 0, 1), U{kPermPrivR});
  EXPECT_EQ(AccessBit<U>(1, 1, 1), U{kPermPrivW});  // writes are data
  EXPECT_EQ(AccessBit<U>(0, 1, 1), U{kPermPrivX});
  EXPECT_EQ(AccessBit<U>(0, 0, 0), U{kPermUserR});
  EXPECT_EQ(AccessBit<U>(1, 0, 0), U{kPermUserW});
  EXPECT_EQ(AccessBit<U>(0, 1, 0), U{kPermUserX});
}

TEST(Kernels, S1PermsEl1FollowApTable) {
  // AP=0b00: privileged RW, no EL0; privileged exec allowed.
  EXPECT_EQ(S1PermsEl1<U>(0, 0, 0, 0, 0, 0, 0, 0), U{kPermPrivR | kPermPrivW | kPermPrivX | kPermUserX});
  // AP=0b01: RW at both, implicit PXN.
  EXPECT_EQ(S1PermsEl1<U>(1, 0, 0, 0, 0, 0, 0, 0) & kPermPrivX, 0u);
  EXPECT_NE(S1PermsEl1<U>(1, 0, 0, 0, 0, 0, 0, 0) & kPermUserW, 0u);
  // AP=0b11 read-only at both; APTable[1] removes writes; APTable[0] removes EL0.
  EXPECT_EQ(S1PermsEl1<U>(3, 0, 0, 0, 0, 0, 0, 0) & (kPermPrivW | kPermUserW), 0u);
  EXPECT_EQ(S1PermsEl1<U>(0, 0, 0, 2, 0, 0, 0, 0) & kPermPrivW, 0u);
  EXPECT_EQ(S1PermsEl1<U>(1, 0, 0, 1, 0, 0, 0, 0) & (kPermUserR | kPermUserW), 0u);
  // PAN blocks privileged data access to EL0-accessible memory, not fetches.
  const U pan = S1PermsEl1<U>(3, 1, 0, 0, 0, 0, 0, 1);
  EXPECT_EQ(pan & (kPermPrivR | kPermPrivW), 0u);
  EXPECT_NE(pan & kPermPrivX, 0u);
  // WXN: writable memory is not executable.
  EXPECT_EQ(S1PermsEl1<U>(0, 0, 0, 0, 0, 0, 1, 0) & kPermPrivX, 0u);
  EXPECT_EQ(S1PermsEl1<U>(0, 0, 1, 0, 0, 1, 0, 0) & kPermPrivX, 0u);
}

TEST(Kernels, S1PermsEl2HaveOnePrivilegeLevel) {
  const U rw = S1PermsEl2<U>(0, 0, 0, 0, 0);
  EXPECT_EQ(rw, U{0x3f});
  const U ro_xn = S1PermsEl2<U>(2, 1, 0, 0, 0);
  EXPECT_EQ(ro_xn, U{kPermPrivR | kPermUserR});
}

TEST(Kernels, S2PermsWithAndWithoutXnx) {
  EXPECT_EQ(S2Perms<U>(1, 0, 1) & (kPermPrivW | kPermUserW), 0u);
  EXPECT_EQ(S2Perms<U>(2, 0, 1) & (kPermPrivR | kPermUserR), 0u);
  // XNX: 0b01 not privileged, 0b11 not unprivileged, 0b10 neither.
  EXPECT_EQ(S2Perms<U>(3, 1, 1) & (kPermPrivX | kPermUserX), U{kPermUserX});
  EXPECT_EQ(S2Perms<U>(3, 3, 1) & (kPermPrivX | kPermUserX), U{kPermPrivX});
  EXPECT_EQ(S2Perms<U>(3, 2, 1) & (kPermPrivX | kPermUserX), 0u);
  // Without XNX only XN[1] counts.
  EXPECT_EQ(S2Perms<U>(3, 1, 0) & (kPermPrivX | kPermUserX), U{kPermPrivX | kPermUserX});
  EXPECT_EQ(MergePerms<U>(0x3f, S2Perms<U>(1, 2, 1)), U{kPermPrivR | kPermUserR});
}

TEST(Kernels, QueueArithmeticWrapsIntoWrapBit) {
  EXPECT_EQ(QueueNext<U>(0x7, 3), 0x8u);
  EXPECT_EQ(QueueNext<U>(0xf, 3), 0x0u);
  EXPECT_TRUE(QueueEmpty<U>(0x5, 0x5, 3));
  EXPECT_TRUE(QueueFull<U>(0xd, 0x5, 3));
  EXPECT_FALSE(QueueFull<U>(0x6, 0x5, 3));
  // QS=0: one slot, bit 0 is the wrap flag.
  EXPECT_EQ(QueueNext<U>(0, 0), 1u);
  EXPECT_EQ(QueueNext<U>(1, 0), 0u);
  EXPECT_TRUE(QueueFull<U>(1, 0, 0));
  EXPECT_EQ(QueueIndex<U>(0x1d, 4), 0xdu);
}


TEST(Kernels, SelectAndMasksAreBranchFree) {
  EXPECT_EQ((Select<bool, U>(true, 5, 9)), 5u);
  EXPECT_EQ((Select<bool, U>(false, 5, 9)), 9u);
  EXPECT_EQ(MaskIf<U>(true), ~U{0});
  EXPECT_EQ(MaskIf<U>(false), 0u);
  EXPECT_EQ(Min<U>(3, 7), 3u);
  EXPECT_EQ(Max<U>(3, 7), 7u);
  EXPECT_EQ(FieldGet<U>(0x3c0, layout::GenMask(9, 6)), 0xfu);
  EXPECT_EQ(FieldPrep<U>(layout::GenMask(9, 6), 0x1f), 0x3c0u);  // bit 4 of the value dropped
}

TEST(Kernels, DescriptorClassificationPerLevelAndGranule) {
  EXPECT_TRUE(BlockAllowed<U>(12, 1));
  EXPECT_FALSE(BlockAllowed<U>(12, 0));
  EXPECT_FALSE(BlockAllowed<U>(16, 1));
  EXPECT_TRUE(BlockAllowed<U>(14, 2));
  EXPECT_EQ(ClassifyDescriptor<U>(0x0, 2, true), U{kDescInvalid});
  EXPECT_EQ(ClassifyDescriptor<U>(0x3, 2, true), U{kDescTable});
  EXPECT_EQ(ClassifyDescriptor<U>(0x1, 2, true), U{kDescLeaf});
  EXPECT_EQ(ClassifyDescriptor<U>(0x1, 0, false), U{kDescInvalid});
  EXPECT_EQ(ClassifyDescriptor<U>(0x3, 3, false), U{kDescLeaf});  // a page
  EXPECT_EQ(ClassifyDescriptor<U>(0x1, 3, true), U{kDescInvalid});  // reserved at level 3
}

TEST(Kernels, InputRangeFollowsHalfAndTbi) {
  EXPECT_TRUE(InputInRange<U>(0x0000ffffffffffffull, 48, 0, 0));
  EXPECT_FALSE(InputInRange<U>(0x0001000000000000ull, 48, 0, 0));
  EXPECT_TRUE(InputInRange<U>(0xffff800000000000ull, 48, 0, 1));
  EXPECT_FALSE(InputInRange<U>(0x5a00000000001000ull, 48, 0, 0));
  EXPECT_TRUE(InputInRange<U>(0x5a00000000001000ull, 48, 1, 0));  // TBI: top byte ignored
}

TEST(Kernels, RangeTlbiCoversNumTimesScaleGranules) {
  // TG=4KB (1), NUM=3, SCALE=1: 4 x 2 x 4KB from the address.
  const U cmd0 = FieldPrep<U>(layout::cmd::kNUM.mask, 3) | FieldPrep<U>(layout::cmd::kSCALE.mask, 1);
  const U cmd1 = 0x40000000ull | FieldPrep<U>(layout::cmd::kTG.mask, 1);
  const TlbiRange<U> r = TlbiAddressRange<U>(cmd0, cmd1, layout::cmd::kAddr.mask, 1);
  EXPECT_EQ(r.addr, 0x40000000u);
  EXPECT_EQ(r.size, 0x8000u);
  EXPECT_EQ(TlbiAddressRange<U>(cmd0, cmd1, layout::cmd::kAddr.mask, 0).size, 1u);  // no RIL
  EXPECT_TRUE(RangesOverlap<U>(0x40007000, 0x1000, r.addr, r.size));
  EXPECT_FALSE(RangesOverlap<U>(0x40008000, 0x1000, r.addr, r.size));
  // A range running past 2^56 also reaches the entries of its wrapped part.
  EXPECT_TRUE(RangesOverlap<U>(0x0, 0x1000, (U{1} << 56) - 0x1000, 0x2000));
  EXPECT_FALSE(RangesOverlap<U>(0x1000, 0x1000, (U{1} << 56) - 0x1000, 0x2000));
}

TEST(Kernels, TlbiScopesPerOpcode) {
  const U asid = U{5} << 48, vmid = U{7} << 32;
  const TlbiScopeWords<U> nh_asid = TlbiScope<U>(layout::cmd::kTlbiNhAsid, asid | vmid | 0x11, 0, 1, 1, 1, 0);
  EXPECT_EQ(nh_asid.asid, 5u);
  EXPECT_EQ(nh_asid.vmid, 7u);
  EXPECT_EQ(nh_asid.keep_global, 1u);
  EXPECT_EQ(nh_asid.match_addr, 0u);
  const TlbiScopeWords<U> el2 = TlbiScope<U>(layout::cmd::kTlbiEl2Va, 0x22, 0x40000000, 1, 1, 1, 0);
  EXPECT_EQ(el2.match_vmid, 0u);
  EXPECT_EQ(el2.match_addr, 1u);
  EXPECT_EQ(el2.regimes, U{RegimeMask(kRegimeS1El2) | RegimeMask(kRegimeS1El2E2h)});
  const TlbiScopeWords<U> ipa = TlbiScope<U>(layout::cmd::kTlbiS2Ipa, 0x2a, 0x40000000, 1, 1, 1, 0);
  EXPECT_EQ(ipa.walk_regimes, U{RegimeMask(kRegimeS2)});
  EXPECT_EQ(TlbiScope<U>(layout::cmd::kSync, 0x46, 0, 1, 1, 1, 0).regimes, 0u);
  EXPECT_EQ(TableAttrBits<U>(U{3} << 61 | U{1} << 59), 0xbu);
}

TEST(Kernels, TagMatchesAsidUnlessGlobal) {
  EXPECT_TRUE(TlbTagMatches<U>(1, 7, 3, 0, 1, 7, 3));
  EXPECT_FALSE(TlbTagMatches<U>(1, 7, 3, 0, 1, 7, 4));
  EXPECT_TRUE(TlbTagMatches<U>(1, 7, 3, 1, 1, 7, 4));  // global
  EXPECT_FALSE(TlbTagMatches<U>(1, 8, 3, 1, 1, 7, 3));  // VMID always
  // NH_ASID keeps global entries; NH_VA (match_asid without keep_global) takes them.
  EXPECT_FALSE(ScopeTagMatches<U>(1, 0, 3, 1, 2, 0, 0, 1, 1, 3));
  EXPECT_TRUE(ScopeTagMatches<U>(1, 0, 3, 1, 2, 0, 0, 1, 0, 3));
  EXPECT_FALSE(ScopeTagMatches<U>(1, 0, 3, 0, 2, 0, 0, 1, 0, 4));
  EXPECT_FALSE(ScopeTagMatches<U>(2, 0, 3, 0, 2, 0, 0, 0, 0, 0));  // regime not in scope
}

ProfileWords<U> Full() {
  ProfileWords<U> p{};
  p.arch_minor = 1;
  p.s1p = p.s2p = 1;
  p.ttf = 2;
  p.asid16 = p.vmid16 = p.cd2l = 1;
  p.ttendian = 2;
  p.stall_model = 1;
  p.ssidsize = 20;
  p.had = 1;
  p.oas = 48;
  p.gran4k = p.gran16k = p.gran64k = 1;
  return p;
}

TEST(Kernels, SteDecodeOfTheReadmeStage1Ste) {
  const U ste[8] = {0x30000b, 0, 0, 0, 0, 0, 0, 0};  // V=1 Config=0b101 CD at 0x300000
  const SteWords<U> d = DecodeSteWords<U>(ste, Full());
  EXPECT_EQ(d.valid, 1u);
  EXPECT_EQ(d.abort, 0u);
  EXPECT_EQ(d.illegal, 0u);
  EXPECT_EQ(d.s1, 1u);
  EXPECT_EQ(d.s2, 0u);
  EXPECT_EQ(d.cd_ptr, 0x300000u);
  EXPECT_EQ(d.cd_ptr_bits, 48u);
}

TEST(Kernels, SteDecodeReportsEveryViolatedRule) {
  // Stage 2 with S2TG reserved (0b11) and S2VMID above 8 bits without VMID16.
  U ste[8] = {0xd, 0, 0, 0, 0, 0, 0, 0};  // V=1 Config=0b110
  ste[2] = FieldPrep<U>(layout::ste::kS2TG.mask, 3) | FieldPrep<U>(layout::ste::kS2AA64.mask, 1) |
           0x1ff;
  ProfileWords<U> p = Full();
  p.vmid16 = 0;
  const SteWords<U> d = DecodeSteWords<U>(ste, p);
  EXPECT_EQ(d.illegal, (U{1} << kSte017) | (U{1} << kSte022));
  // Concatenated 4KB stage 2: S2T0SZ=24 (40 bits) from level 1 resolves 10 bits, 2 tables.
  U ok[8] = {0xd, 0, 0, 0x1234000, 0, 0, 0, 0};
  ok[2] = FieldPrep<U>(layout::ste::kS2T0SZ.mask, 24) | FieldPrep<U>(layout::ste::kS2SL0.mask, 1) |
          FieldPrep<U>(layout::ste::kS2PS.mask, 5) | FieldPrep<U>(layout::ste::kS2AA64.mask, 1);
  const SteWords<U> s2 = DecodeSteWords<U>(ok, Full());
  EXPECT_EQ(s2.illegal, 0u);
  EXPECT_EQ(s2.s2_start_level, 1u);
  EXPECT_EQ(s2.s2_ia_bits, 40u);
  EXPECT_EQ(s2.s2_ttb, 0x1234000u & ~U{0x1fff});
}

TEST(Kernels, CdDecodeChecksEnabledHalvesOnly) {
  // The README's CD: T0SZ=16 EPD1 V IPS=48 bits AA64 R A ASID=1; TTB1 fields are ignored.
  const U cd[8] = {0x16205c0000010ull, 0x400000, 0xffffffffffffffffull, 0, 0, 0, 0, 0};
  const CdContextWords<U> ctx{0, 0, 0, 1};
  const CdWords<U> c = DecodeCdWords<U>(cd, Full(), ctx);
  EXPECT_EQ(c.valid, 1u);
  EXPECT_EQ(c.illegal, 0u);
  EXPECT_EQ(c.half[0].enabled, 1u);
  EXPECT_EQ(c.half[1].enabled, 0u);
  EXPECT_EQ(c.half[0].start_level, 0u);
  EXPECT_EQ(c.asid, 1u);
  // A non-zero reserved TG0 is R-CD-011.
  const U bad[8] = {0x16205c00000d0ull, 0x400000, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(DecodeCdWords<U>(bad, Full(), ctx).illegal, U{1} << kCd011);
}

TEST(Kernels, CdTableGeometry) {
  EXPECT_EQ(LocateCdWords<U>(0x300040, 0, 0, 5).addr, 0x300040u);  // single CD
  EXPECT_EQ(LocateCdWords<U>(0x300040, 4, 0, 5).addr, 0x300000u + 5 * 64);
  const CdLocationWords<U> l1 = LocateCdWords<U>(0x300000, 8, 1, 0x85);
  EXPECT_EQ(l1.two_level, 1u);
  EXPECT_EQ(l1.addr, 0x300000u + 2 * 8);
  const CdLeafWords<U> leaf = CdFromL1CdWords<U>(0x500001, 48, 1, 0x85);
  EXPECT_EQ(leaf.ok, 1u);
  EXPECT_EQ(leaf.addr, 0x500000u + 5 * 64);
  EXPECT_EQ(CdFromL1CdWords<U>(0x500000, 48, 1, 0x85).ok, 0u);  // V=0
}

// Compile-only: every kernel instantiates with the stand-in symbolic type (standin.h), whose
// booleans cannot convert to bool. Never called; building this file is the check.
[[maybe_unused]] void SymbolicSafe() {
  using W = standin::Word;
  const W w(1);
  const ProfileWords<W> p{};
  const W raw[8] = {};
  (void)MaskIf<W>(w == w);
  (void)Min<W>(w, w);
  (void)ExtractBits<W>(w, w, w);
  (void)Get<W>(raw, layout::ste::kV);
  (void)FieldPrep<W>(1, w);
  (void)StartLevel<W>(w, w);
  (void)LevelIndex<W>(w, w, w);
  (void)StartIndex<W>(w, w, w, w);
  (void)OutputAddress<W>(w, w, w);
  (void)ExceedsBits<W>(w, w);
  (void)ClassifyDescriptor<W>(w, w, BlockAllowed<W>(w, w));
  (void)InputInRange<W>(w, w, w, w);
  (void)AccessBit<W>(w, w, w);
  (void)S1PermsEl1<W>(w, w, w, w, w, w, w, w);
  (void)S1PermsEl2<W>(w, w, w, w, w);
  (void)MergePerms<W>(S2Perms<W>(w, w, w), w);
  (void)QueueIndex<W>(w, w);
  (void)QueueNext<W>(w, w);
  (void)QueueEmpty<W>(w, w, w);
  (void)QueueFull<W>(w, w, w);
  (void)TlbiAddressRange<W>(w, w, w, w);
  for (unsigned op : {0x10u, 0x12u, 0x2au, 0x46u}) (void)TlbiScope<W>(op, w, w, w, w, w, w);
  (void)TableAttrBits<W>(w);
  (void)RangesOverlap<W>(w, w, w, w);
  (void)TlbTagMatches<W>(w, w, w, w, w, w, w);
  (void)ScopeTagMatches<W>(w, w, w, w, w, w, w, w, w, w);
  (void)EffectiveOutputBits<W>(w, p);
  (void)DecodeSteWords<W>(raw, p);
  (void)DecodeCdWords<W>(raw, p, CdContextWords<W>{w, w, w, w});
  (void)LocateCdWords<W>(w, w, w, w);
  (void)CdFromL1CdWords<W>(w, w, w, w);
}

}  // namespace
}  // namespace smmuref::impl::arch
