// What the comparison with Linux's io-pgtable-arm (Linux 6.12, tests/kernel) found where the
// model decides differently on purpose, pinned on both sides: if a future source package changes
// the kernel's answer, these fail and the decision is looked at again (R-MAP-005, R-MAP-012).
// Plain agreements found worth naming (split on partial unmap in 6.12, WARN on an empty entry,
// an emptied table counted by a block-sized unmap, a block replacing a live table) are here too.
#include <gtest/gtest.h>

#include "kernel_pair.h"

namespace smmuref::kernel {
namespace {

constexpr TableConfig k4k48{"4K+2M+1G ias48", 1, 0x40201000, 48, 48};
constexpr TableConfig k4k32{"4K+2M+1G ias32", 1, 0x40201000, 32, 40};
constexpr int kRw = 3;

TEST(IoPgtableFinding, RunWhosePaCrossesOasInOneCallIsMappedByTheKernelRefusedByTheModel) {
  KernelPair p(k4k48);
  ASSERT_TRUE(p.ok());
  // R-MAP-005: one map_pages call of two 4K pages; io-pgtable-arm checks only the first PA
  // against 2^OAS and writes the second page's PA 2^48 into the descriptor, where bit 48 folds
  // into bit 12 (paddr_to_iopte): the page is silently mapped to PA 0x1000.
  const uint64_t pa = (uint64_t{1} << 48) - 0x1000;
  EXPECT_EQ(p.KernelMap(0x10000, pa, 0x2000, kRw), 0);
  EXPECT_EQ(p.KernelIovaToPhys(0x11000), 0x1000u);
  EXPECT_EQ(p.ModelMap(0x10000, pa, 0x2000, kRw), api::Errno::kERANGE);
  EXPECT_EQ(p.ModelIovaToPhys(0x10000), 0u);
}

TEST(IoPgtableFinding, IovaBeyondIasAliasesInTheKernelAndIsZeroInTheModel) {
  KernelPair p(k4k48);
  ASSERT_TRUE(p.ok());
  std::string why;
  ASSERT_TRUE(p.Map(0x200000, 0x80200000, 0x200000, kRw, &why)) << why;
  // R-MAP-012: arm_lpae_iova_to_phys drops the IOVA bits above IAS
  EXPECT_EQ(p.KernelIovaToPhys((uint64_t{1} << 48) + 0x200010), 0x80200010u);
  EXPECT_EQ(p.ModelIovaToPhys((uint64_t{1} << 48) + 0x200010), 0u);
}

TEST(IoPgtableFinding, TopLevelRunPastIasInsideOnePageIsMappedByTheKernel) {
  KernelPair p(k4k32);
  ASSERT_TRUE(p.ok());
  // R-MAP-005: IAS 32 leaves a 4-entry top table, but a call may fill a page's worth of 1G
  // entries: [0, 8G) maps "successfully" although the table reaches 4G only.
  EXPECT_EQ(p.KernelMap(0, 0, uint64_t{8} << 30, kRw), 0);
  EXPECT_EQ(p.ModelMap(0, 0, uint64_t{8} << 30, kRw), api::Errno::kERANGE);
}

TEST(IoPgtableAgreement, PartialBlockUnmapSplitsIn612AndEmptyEntriesWarn) {
  KernelPair p(k4k48);
  ASSERT_TRUE(p.ok());
  std::string why;
  ASSERT_TRUE(p.Map(0x40000000, 0x40000000, 0x40000000, kRw, &why)) << why;
  // R-MAP-011 (split): 1G -> 2M blocks -> 4K pages less the one unmapped
  ASSERT_TRUE(p.Unmap(0x40001000, 0x1000, &why)) << why;
  ASSERT_TRUE(p.IovaToPhys(0x40001000, &why)) << why;
  ASSERT_TRUE(p.IovaToPhys(0x40002000, &why)) << why;
  EXPECT_EQ(p.model().LeafAt(p.domain(), 0x40200000)->second.size, 0x200000u);
  // R-MAP-009: unmapping the hole again WARNs on both sides
  ASSERT_TRUE(p.Unmap(0x40001000, 0x1000, &why)) << why;
}

TEST(IoPgtableAgreement, EmptiedTableIsCountedAndABlockReplacesALiveTable) {
  KernelPair p(k4k48);
  ASSERT_TRUE(p.ok());
  std::string why;
  // R-MAP-016: the 2M entry keeps its emptied table until a 2M step frees it
  ASSERT_TRUE(p.Map(0x200000, 0x1000, 0x1000, kRw, &why)) << why;
  ASSERT_TRUE(p.Unmap(0x200000, 0x1000, &why)) << why;
  ASSERT_TRUE(p.Unmap(0x200000, 0x200000, &why)) << why;
  // R-MAP-006: a 2M block over a table with a live 4K leaf replaces it
  ASSERT_TRUE(p.Map(0x401000, 0x5000, 0x1000, kRw, &why)) << why;
  ASSERT_TRUE(p.Map(0x400000, 0x80400000, 0x200000, kRw, &why)) << why;
  ASSERT_TRUE(p.IovaToPhys(0x401000, &why)) << why;
  EXPECT_EQ(p.ModelIovaToPhys(0x401000), 0x80401000u);
}

}  // namespace
}  // namespace smmuref::kernel
