// Bit kernels of the engine (impl/include/smmuref/impl/arch/kernels.h) on concrete uint64_t.
#include "smmuref/impl/arch/kernels.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace smmuref::impl::arch
