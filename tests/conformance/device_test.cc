// Conformance suite typed over every built-in device (model, impl): the same scenarios through
// the Device interface, on each implementation. A device's answer must be the one the spec
// requires; where the architecture allows several (caching), it must be one of them.
#include <gtest/gtest.h>

#include "smmuref/conform/device.h"
#include "smmuref/conform/evtq_reader.h"

using namespace smmuref;
using spec::EventType;
using spec::Reg;
using spec::TxnOutcome;

namespace {

struct ModelDevice {
  static constexpr const char* kName = "model";
};
#ifdef SMMUREF_HAVE_IMPL
struct ImplDevice {
  static constexpr const char* kName = "impl";
};
using Devices = ::testing::Types<ModelDevice, ImplDevice>;
#else
using Devices = ::testing::Types<ModelDevice>;
#endif

constexpr uint64_t kStrtab = 0x100000, kCmdq = 0x210000;
constexpr uint64_t kCdDw0 = 0x16205c0000010ull;  // T0SZ=16 EPD1 V IPS=48 AA64 R A ASID=1

template <typename T>
class DeviceConformance : public ::testing::Test {
 protected:
  void Reset(const char* profile = "full") {
    auto p = spec::LoadProfile(profile);
    ASSERT_TRUE(p.ok());
    profile_ = *p;
    auto d = conform::MakeDevice(T::kName, profile_);
    ASSERT_TRUE(d.ok());
    dev_ = std::move(*d);
  }
  void SetUp() override { Reset(); }
  void W(uint64_t pa, uint64_t v) { dev_->MemWrite64(pa, v); }
  void Enable() {
    dev_->RegWrite(Reg::STRTAB_BASE, kStrtab);
    dev_->RegWrite(Reg::STRTAB_BASE_CFG, 4);
    dev_->RegWrite(Reg::EVENTQ_BASE, 0x200004);
    dev_->RegWrite(Reg::CMDQ_BASE, kCmdq | 4);
    // C-REG-001: the queue indexes reset to UNKNOWN values; a driver programs them.
    for (Reg r : {Reg::CMDQ_PROD, Reg::CMDQ_CONS, Reg::EVENTQ_PROD, Reg::EVENTQ_CONS}) {
      dev_->RegWrite(r, 0);
    }
    dev_->RegWrite(Reg::CR0, 0xd);
  }
  void MapS1(uint32_t sid, uint64_t oa) {
    W(kStrtab + sid * 64, 0x30000b);
    W(0x300000, kCdDw0);
    W(0x300008, 0x400000);
    W(0x400000, 0x401003);
    W(0x401000, 0x402003);
    W(0x402000, 0x403003);
    W(0x403008, oa | 0x403);
  }
  void Cmd(uint64_t dw0, uint64_t dw1 = 0) {
    const uint64_t prod = dev_->RegRead(Reg::CMDQ_PROD);
    W(kCmdq + (prod & 15) * 16, dw0);
    W(kCmdq + (prod & 15) * 16 + 8, dw1);
    dev_->RegWrite(Reg::CMDQ_PROD, (prod + 1) & 31);
  }
  void Sync() {
    Cmd(0x46);
    dev_->ProcessCommands();
  }
  // Every outcome the device gives (the model: its allowed set; impl: its one outcome); adopts
  // the first.
  std::vector<TxnOutcome> Go(uint32_t sid, uint64_t addr, bool write = false, bool priv = true) {
    spec::Txn t;
    t.sid = sid;
    t.addr = addr;
    t.write = write;
    t.priv = priv;
    auto r = dev_->Translate(t);
    EXPECT_TRUE(r.ok());
    dev_->Adopt(r->front());
    return *r;
  }
  spec::Profile profile_;
  std::unique_ptr<conform::Device> dev_;
};

TYPED_TEST_SUITE(DeviceConformance, Devices);

TYPED_TEST(DeviceConformance, DisabledSmmuBypassesUnlessGbpaAborts) {
  // R-TXN-016, R-REG-004
  auto o = this->Go(0, 0x1234);
  EXPECT_EQ(o.front().kind, TxnOutcome::Kind::kOk);
  EXPECT_EQ(o.front().pa, 0x1234u);
  this->dev_->RegWrite(Reg::GBPA, (1u << 31) | (1u << 20));
  EXPECT_EQ(this->Go(0, 0x1234).front().kind, TxnOutcome::Kind::kAbort);
}

TYPED_TEST(DeviceConformance, StageOneTranslatesAndChecksPrivilege) {
  // R-WALK-004, R-PERM-001
  this->MapS1(3, 0x800000);
  this->Enable();
  auto ok = this->Go(3, 0x1234);
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok.front().pa, 0x800234u);
  auto denied = this->Go(3, 0x1234, false, false);
  ASSERT_TRUE(denied.front().event.has_value());
  EXPECT_EQ(denied.front().event->type, EventType::F_PERMISSION);
}

TYPED_TEST(DeviceConformance, InvalidSteRecordsCBadSteInTheQueue) {
  // R-STE-001, R-EVTQ-004, R-FAULT-005
  this->Enable();
  this->Go(7, 0x5000, true);
  auto rec = conform::PopEvent(*this->dev_, this->profile_);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->type, EventType::C_BAD_STE);
  EXPECT_EQ(rec->sid, 7u);
  EXPECT_FALSE(rec->rnw);
  EXPECT_FALSE(conform::PeekEvent(*this->dev_, this->profile_).has_value());
}

TYPED_TEST(DeviceConformance, ReservedOpcodeStopsTheCommandQueue) {
  // R-CMDQ-003, R-CMDQ-009
  this->Enable();
  this->Cmd(0x46);
  this->Cmd(0x7f);
  this->dev_->ProcessCommands();
  EXPECT_EQ(this->dev_->RegRead(Reg::CMDQ_CONS), 1u | (1u << 24));
  EXPECT_EQ(this->dev_->RegRead(Reg::GERROR) & 1, 1u);
}

TYPED_TEST(DeviceConformance, RemapIsVisibleAfterTlbiAndSync) {
  // R-CACHE-002, R-TLBI-003, R-SYNC-001: before the invalidation either page may be used; after
  // it only the new one.
  this->MapS1(3, 0x800000);
  this->Enable();
  this->Go(3, 0x1000);
  this->W(0x403008, 0x900403);
  for (const auto& o : this->Go(3, 0x1000)) {
    EXPECT_TRUE(o.pa == 0x800000 || o.pa == 0x900000) << spec::ToString(o);
  }
  this->Cmd(0x12 | (uint64_t{1} << 48), 0x1000);
  this->Sync();
  auto after = this->Go(3, 0x1000);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after.front().pa, 0x900000u);
}

TYPED_TEST(DeviceConformance, OverflowingEventQueueTogglesOvflgOnce) {
  // R-EVTQ-003: a 2-entry queue.
  this->Enable();
  this->dev_->RegWrite(Reg::CR0, 0x9);
  this->dev_->RegWrite(Reg::EVENTQ_BASE, 0x200001);
  this->dev_->RegWrite(Reg::CR0, 0xd);
  for (int i = 0; i < 4; ++i) this->Go(7, 0);
  EXPECT_EQ(this->dev_->RegRead(Reg::EVENTQ_PROD), 0x80000002u);
}

TYPED_TEST(DeviceConformance, StageTwoOnlyStreamTranslatesIpas) {
  // R-WALK-014, R-WALK-015: 4KB, S2T0SZ=32, S2SL0=1 (start level 1), IPA 0x2000 -> 0x700000.
  this->Reset("s2only");
  this->W(kStrtab + 2 * 64, 0xd);  // V=1 Config=0b110
  this->W(kStrtab + 2 * 64 + 16, (uint64_t{32} << 32) | (uint64_t{1} << 38) | (uint64_t{5} << 48) |
                                     (uint64_t{1} << 51) | (uint64_t{1} << 58));
  this->W(kStrtab + 2 * 64 + 24, 0x500000);
  this->W(0x500000, 0x501003);
  this->W(0x501000, 0x502003);
  this->W(0x502010, 0x7007ff);
  this->Enable();
  auto o = this->Go(2, 0x2345, true);
  ASSERT_EQ(o.front().kind, TxnOutcome::Kind::kOk) << spec::ToString(o.front());
  EXPECT_EQ(o.front().pa, 0x700345u);
  auto beyond = this->Go(2, uint64_t{1} << 32);
  ASSERT_TRUE(beyond.front().event.has_value());
  EXPECT_EQ(beyond.front().event->type, EventType::F_TRANSLATION);
  EXPECT_TRUE(beyond.front().event->s2);
}

}  // namespace
