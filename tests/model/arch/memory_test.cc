// Model memory (model/arch/memory.cc): never-written words read as zero (R-MEM-001), abort
// ranges (R-MEM-002) and cleaning for a non-coherent walker (R-CACHE-010), up to the top of the
// 64-bit address space without wrapping.
#include "smmuref/model/arch/memory.h"

#include <gtest/gtest.h>

using smmuref::model::arch::Memory;

TEST(Memory, NeverWrittenWordsReadAsZero) {
  Memory m;
  EXPECT_EQ(m.Peek64(0x1000), 0u);
  m.Write64(0x1000, 7);
  EXPECT_EQ(m.Peek64(0x1000), 7u);
}

TEST(Memory, CleanOfTheLastWordEndsInsteadOfWrapping) {
  Memory m;
  m.Write64(0xfffffffffffffff8, 1);
  m.Write64(0, 2);
  m.Clean(0xfffffffffffffff8, 8);  // looped forever when the loop index wrapped past 2^64
  EXPECT_NE(m.CleanedAt(0xfffffffffffffff8), 0u);
  EXPECT_EQ(m.CleanedAt(0), 0u) << "a clean at the top of memory must not wrap to address 0";
}

TEST(Memory, CleanPastTheTopIsClippedAt2To64) {
  Memory m;
  m.Write64(0xfffffffffffffff0, 1);
  m.Write64(0x8, 2);
  m.Clean(0xfffffffffffffff0, 0x100);
  EXPECT_NE(m.CleanedAt(0xfffffffffffffff0), 0u);
  EXPECT_EQ(m.CleanedAt(0x8), 0u);
}

TEST(Memory, CleanCoversPartialWordsAtBothEnds) {
  Memory m;
  m.Write64(0x1000, 1);
  m.Write64(0x1008, 2);
  m.Write64(0x1010, 3);
  m.Clean(0x1004, 5);  // bytes 0x1004..0x1008
  EXPECT_NE(m.CleanedAt(0x1000), 0u);
  EXPECT_NE(m.CleanedAt(0x1008), 0u);
  EXPECT_EQ(m.CleanedAt(0x1010), 0u);
  m.Clean(0x1010, 0);
  EXPECT_EQ(m.CleanedAt(0x1010), 0u) << "an empty range cleans nothing";
}

TEST(Memory, AbortRangeAtTheTopOfMemory) {
  Memory m;
  m.AddAbortRange(0xfffffffffffffff8, 8);
  EXPECT_TRUE(m.Aborts(0xfffffffffffffff8));
  EXPECT_FALSE(m.Aborts(0));
}
