// Tests for impl/driver/memory.cc, the driver's table memory over the model device's bus:
// blocks aligned to their size and inside the range, zeroed when handed out (also on reuse),
// buddies merged back (never past the range), exhaustion, InUse accounting, OrderFor, and
// Publish cleaning exactly what it is asked to for a non-coherent walker and nothing for a
// coherent one [IHI0070 §3.16.1].
#include "smmuref/impl/driver/memory.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "smmuref/conform/device.h"

namespace smmuref::impl::driver {
namespace {

constexpr uint64_t kBase = 0x4000'0000;

std::unique_ptr<conform::Device> ModelDevice() {
  auto dev = conform::MakeDevice("model", *spec::LoadProfile("full"));
  EXPECT_TRUE(dev.ok());
  return std::move(*dev);
}

// A bus that forwards everything and records the cleans.
class CleanLog final : public spec::Bus {
 public:
  explicit CleanLog(spec::Bus& bus) : bus_(bus) {}
  void MemWrite64(uint64_t pa, uint64_t value) override { bus_.MemWrite64(pa, value); }
  uint64_t MemRead64(uint64_t pa) override { return bus_.MemRead64(pa); }
  void MemClean(uint64_t pa, uint64_t len) override {
    cleans.emplace_back(pa, len);
    bus_.MemClean(pa, len);
  }
  uint64_t RegRead(spec::Reg r) override { return bus_.RegRead(r); }
  void RegWrite(spec::Reg r, uint64_t v) override { bus_.RegWrite(r, v); }
  void RegWrite32(spec::Reg r, bool high, uint32_t v) override { bus_.RegWrite32(r, high, v); }
  void ProcessCommands() override { bus_.ProcessCommands(); }
  std::vector<std::pair<uint64_t, uint64_t>> cleans;

 private:
  spec::Bus& bus_;
};

TEST(TableMemory, BlocksAreAlignedToTheirSizeAndInsideTheRange) {
  auto dev = ModelDevice();
  TableMemory mem(*dev, kBase, 0x40'0000, true);
  for (unsigned order = 3; order <= 20; ++order) {
    const std::optional<uint64_t> pa = mem.Alloc(order);
    ASSERT_TRUE(pa) << order;
    EXPECT_EQ(*pa % (uint64_t{1} << order), 0u) << order;
    EXPECT_GE(*pa, kBase);
    EXPECT_LE(*pa + (uint64_t{1} << order), kBase + 0x40'0000);
  }
  EXPECT_FALSE(mem.Alloc(23)) << "larger than the range";
}

TEST(TableMemory, ABlockIsZeroWhenHandedOutAgain) {
  auto dev = ModelDevice();
  TableMemory mem(*dev, kBase, 0x1'0000, true);
  const uint64_t pa = *mem.Alloc(12);
  for (uint64_t off = 0; off < 0x1000; off += 8) mem.Write(pa + off, 0xdead'0000 | off);
  mem.Free(pa, 12);
  const uint64_t again = *mem.Alloc(12);
  EXPECT_EQ(again, pa);
  for (uint64_t off = 0; off < 0x1000; off += 8) ASSERT_EQ(mem.Read(again + off), 0u) << off;
}

TEST(TableMemory, BuddiesMergeBackIntoTheWholeRange) {
  auto dev = ModelDevice();
  TableMemory mem(*dev, kBase, 0x1'0000, true);
  std::set<uint64_t> pages;
  for (int i = 0; i < 16; ++i) {
    const std::optional<uint64_t> pa = mem.Alloc(12);
    ASSERT_TRUE(pa);
    EXPECT_TRUE(pages.insert(*pa).second) << "handed out twice";
  }
  EXPECT_EQ(mem.InUse(), 0x1'0000u);
  EXPECT_FALSE(mem.Alloc(12)) << "exhausted";
  EXPECT_FALSE(mem.Alloc(3));
  // Freed in an order that leaves no buddy pair until the end.
  for (uint64_t pa : pages) {
    if ((pa >> 12) % 2 == 0) mem.Free(pa, 12);
  }
  EXPECT_FALSE(mem.Alloc(13)) << "no two free buddies yet";
  for (uint64_t pa : pages) {
    if ((pa >> 12) % 2 == 1) mem.Free(pa, 12);
  }
  EXPECT_EQ(mem.InUse(), 0u);
  EXPECT_EQ(mem.Alloc(16), std::optional<uint64_t>(kBase)) << "merged back to 64 KB";
}

TEST(TableMemory, ARangeOfMixedBlocksNeverMergesPastItsEnds) {
  // [0x30000, 0x80000): a 64 KB block, then a 256 KB one.
  auto dev = ModelDevice();
  TableMemory mem(*dev, 0x3'0000, 0x5'0000, true);
  EXPECT_EQ(mem.Alloc(18), std::optional<uint64_t>(0x4'0000));
  EXPECT_FALSE(mem.Alloc(18));
  EXPECT_FALSE(mem.Alloc(17));
  EXPECT_EQ(mem.Alloc(16), std::optional<uint64_t>(0x3'0000));
  mem.Free(0x3'0000, 16);
  mem.Free(0x4'0000, 18);
  // The 64 KB block's buddy (0x20000) is outside the range: it stays a 64 KB block, and a
  // 128 KB one comes out of the 256 KB block.
  EXPECT_EQ(mem.Alloc(17), std::optional<uint64_t>(0x4'0000));
  EXPECT_EQ(mem.Alloc(16), std::optional<uint64_t>(0x3'0000));
  EXPECT_EQ(mem.Alloc(17), std::optional<uint64_t>(0x6'0000));
  EXPECT_FALSE(mem.Alloc(16));
}

TEST(TableMemory, InUseCountsWhatIsHandedOut) {
  auto dev = ModelDevice();
  TableMemory mem(*dev, kBase, 0x10'0000, true);
  const uint64_t a = *mem.Alloc(16), b = *mem.Alloc(12), c = *mem.Alloc(6);
  EXPECT_EQ(mem.InUse(), 0x1'0000u + 0x1000 + 0x40);
  mem.Free(b, 12);
  mem.Free(c, 6);
  EXPECT_EQ(mem.InUse(), 0x1'0000u);
  mem.Free(a, 16);
  EXPECT_EQ(mem.InUse(), 0u);
}

TEST(TableMemory, OrderForIsTheSmallestBlockHoldingTheBytes) {
  EXPECT_EQ(TableMemory::OrderFor(1), 3u);
  EXPECT_EQ(TableMemory::OrderFor(8), 3u);
  EXPECT_EQ(TableMemory::OrderFor(9), 4u);
  EXPECT_EQ(TableMemory::OrderFor(0x1000), 12u);
  EXPECT_EQ(TableMemory::OrderFor(0x1001), 13u);
}

TEST(TableMemory, PublishCleansForANonCoherentWalkerOnly) {
  auto dev = ModelDevice();
  CleanLog log(*dev);
  TableMemory coherent(log, kBase, 0x1'0000, true);
  coherent.Publish(*coherent.Alloc(12), 8);
  EXPECT_TRUE(log.cleans.empty());
  TableMemory noncoherent(log, kBase + 0x1'0000, 0x1'0000, false);
  const uint64_t pa = *noncoherent.Alloc(12);
  // The zeroed block is cleaned as it is handed out, so a walker never sees what it held.
  EXPECT_EQ(log.cleans, (std::vector<std::pair<uint64_t, uint64_t>>{{pa, 0x1000}}));
  noncoherent.Write(pa + 0x18, 1);
  noncoherent.Publish(pa + 0x18, 8);
  EXPECT_EQ(log.cleans.back(), (std::pair<uint64_t, uint64_t>{pa + 0x18, 8}));
  EXPECT_FALSE(coherent.coherent() == noncoherent.coherent());
}

}  // namespace
}  // namespace smmuref::impl::driver
