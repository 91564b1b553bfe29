// QEMU's SMMUv3 over qtest (conform/src/qemu_smmu.cc): trace parsing always; the live tests
// start qemu-system-aarch64 when it is installed and skip with a message when it is not.
#include "../../conform/src/qemu_smmu.h"

#include <gtest/gtest.h>

#include "smmuref/model/arch/regs.h"
#include "smmuref/spec/profile.h"

namespace smmuref::conform {
namespace {

TEST(QemuTrace, ParsesCompletedAndTerminatedTranslations) {
  const std::string ok =
      "1234@1.000001:smmuv3_translate_success smmuv3-iommu-memory-region-16-1 sid=0x10 "
      "iova=0x40500000 translated=0x41234000 perm=0x1";
  auto o = ParseTranslateTrace(ok, 0x10, 0x40500000);
  ASSERT_TRUE(o.has_value());
  EXPECT_TRUE(o->completed);
  EXPECT_EQ(o->pa, 0x41234000u);
  EXPECT_FALSE(ParseTranslateTrace(ok, 0x18, 0x40500000).has_value()) << "another StreamID";
  EXPECT_FALSE(ParseTranslateTrace(ok, 0x10, 0x40500004).has_value()) << "another address";
  auto bypass = ParseTranslateTrace(
      "smmuv3_translate_bypass r-16-1 sid=0x10 STE bypass iova:0x1234 is_write=0", 0x10, 0x1234);
  ASSERT_TRUE(bypass.has_value());
  EXPECT_TRUE(bypass->completed);
  EXPECT_EQ(bypass->pa, 0x1234u);
  auto abort = ParseTranslateTrace(
      "smmuv3_translate_abort r-16-1 sid=0x10 abort on iova:0x1234 is_write=1", 0x10, 0x1234);
  ASSERT_TRUE(abort.has_value());
  EXPECT_FALSE(abort->completed);
  EXPECT_FALSE(ParseTranslateTrace("smmuv3_record_event SMMU_EVT_C_BAD_STE sid=0x10", 0x10, 0)
                   .has_value());
}

class QemuLive : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string found;
    if (!FindOnPath("qemu-system-aarch64", &found)) {
      GTEST_SKIP() << "qemu-system-aarch64 is not installed (Debian package qemu-system-arm)";
    }
    QemuOptions o;
    o.sids = {0x10, 0x11};
    auto s = QemuSmmu::Start(o);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    q_ = std::move(*s);
  }
  void W64(uint64_t off, uint64_t v) { ASSERT_TRUE(q_->RegWrite(off, 8, v).ok()); }
  void W32(uint64_t off, uint64_t v) { ASSERT_TRUE(q_->RegWrite(off, 4, v).ok()); }
  void Mem(uint64_t pa, uint64_t v) {
    auto r = q_->MemWrite64(pa, v);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }
  // Linear stream table of 256 STEs, 16-entry queues, all in RAM; SMMUEN, EVENTQEN, CMDQEN.
  void Enable() {
    W64(0x80, kSt);
    W32(0x88, 8);
    W64(0xa0, kEq | 4);
    W64(0x90, kCq | 4);
    for (uint64_t off : {0x98, 0x9c, 0x100a8, 0x100ac}) W32(off, 0);
    W32(0x20, 0xd);
  }
  QemuDmaOutcome Dma(uint32_t sid, uint64_t iova, bool write) {
    auto r = q_->Dma(sid, iova, write);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : QemuDmaOutcome{};
  }
  static constexpr uint64_t kRam = QemuSmmu::kRamBase;
  static constexpr uint64_t kSt = kRam + 0x100000, kEq = kRam + 0x200000, kCq = kRam + 0x210000;
  std::unique_ptr<QemuSmmu> q_;
};

TEST_F(QemuLive, PresentsTheSmmuAndItsIdRegisters) {
  auto idr0 = q_->RegRead(0x0, 4);
  ASSERT_TRUE(idr0.ok()) << idr0.error().ToString();
  EXPECT_EQ(*idr0 & 0x2, 0x2u) << "IDR0.S1P";
  EXPECT_TRUE(q_->HasSid(0x11));
  EXPECT_FALSE(q_->HasSid(0x18));
  EXPECT_FALSE(q_->Dma(0x18, 0x1000, false).ok()) << "no PCI function at StreamID 0x18";
  EXPECT_FALSE(q_->MemWrite64(0x100000, 1).ok()) << "flash, not RAM";
}

// spec/profiles/qemu-7-2.profile says what QEMU 7.2 presents: the model's ID registers for it
// are QEMU's, read from the device.
TEST_F(QemuLive, TheQemuProfilePresentsQemusIdRegisters) {
  auto p = spec::LoadProfile("qemu-7-2");
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  const std::pair<spec::Reg, uint64_t> regs[] = {
      {spec::Reg::IDR0, 0x0}, {spec::Reg::IDR1, 0x4}, {spec::Reg::IDR2, 0x8},
      {spec::Reg::IDR3, 0xc}, {spec::Reg::IDR4, 0x10}, {spec::Reg::IDR5, 0x14},
      {spec::Reg::AIDR, 0x1c}};
  for (auto [r, off] : regs) {
    auto v = q_->RegRead(off, 4);
    ASSERT_TRUE(v.ok()) << v.error().ToString();
    EXPECT_EQ(model::arch::EncodeIdr(r, *p), *v) << "ID register at offset " << off;
  }
}

TEST_F(QemuLive, BypassCompletesAtTheInputAddressAndAnInvalidSteRecordsCBadSte) {
  Enable();
  Mem(kSt + 0x10 * 64, 0x9);  // STE V=1 Config=bypass
  QemuDmaOutcome o = Dma(0x10, kRam + 0x500008, false);
  EXPECT_TRUE(o.completed);
  EXPECT_EQ(o.pa, kRam + 0x500008);
  // StreamID 0x11's STE is zero (invalid): terminated, C_BAD_STE (0x04) in the event queue.
  o = Dma(0x11, kRam + 0x500000, true);
  EXPECT_FALSE(o.completed);
  auto prod = q_->RegRead(0x100a8, 4);
  ASSERT_TRUE(prod.ok());
  EXPECT_EQ(*prod & 0xf, 1u);
  auto rec = q_->MemRead64(kEq);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(*rec & 0xff, 0x04u);
  EXPECT_EQ(*rec >> 32, 0x11u);
}

TEST_F(QemuLive, StageOneTranslatesThroughACdAndPageTablesAndAClientWriteLeavesTablesIntact) {
  Enable();
  const uint64_t cd = kRam + 0x300000, l0 = kRam + 0x400000;
  // STE: V, Config=S1 (0b101), S1ContextPtr = cd. CD: T0SZ=16, TG0=4K, EPD1, V, IPS=48 bits,
  // AA64, R, A, ASID 1; TTB0 = l0. Four levels of tables map VA 0x1000 to the STE table's page.
  Mem(kSt + 0x10 * 64, cd | 0xb);
  Mem(cd, 16 | (1ull << 30) | (1ull << 31) | (5ull << 32) | (1ull << 41) | (1ull << 45) |
              (1ull << 46) | (1ull << 48));
  Mem(cd + 8, l0);
  Mem(l0, (l0 + 0x1000) | 3);
  Mem(l0 + 0x1000, (l0 + 0x2000) | 3);
  Mem(l0 + 0x2000, (l0 + 0x3000) | 3);
  Mem(l0 + 0x3000 + 8, kSt | 0x403);  // VA page 1 -> the stream table's first page, AF=1
  QemuDmaOutcome o = Dma(0x10, 0x1000 + 0x400, true);  // lands on STE 0x10's first word
  ASSERT_TRUE(o.completed);
  EXPECT_EQ(o.pa, kSt + 0x400);
  auto ste = q_->MemRead64(kSt + 0x400);
  ASSERT_TRUE(ste.ok());
  EXPECT_EQ(*ste, cd | 0xb) << "the adapter puts back what the client write overwrote";
  o = Dma(0x10, 0x2000, false);  // VA page 2 has no leaf: translation fault
  EXPECT_FALSE(o.completed);
}

}  // namespace
}  // namespace smmuref::conform
