// The driver's SMMU runtime (impl/driver/smmu.h) over the model device: probe refusals and the
// stream-table format it picks, the command queue wrapping with every command consumed, a
// command error reported (not ignored) and skipped, ASIDs invalidated before reuse, unmap
// finishing its invalidation before it returns, and the ID-register-dependent STE fields.
// Isolation end to end is tests/e2e/driver_e2e_test.cc.
#include "smmuref/impl/driver/smmu.h"

#include <gtest/gtest.h>

#include "smmuref/conform/device.h"
#include "smmuref/spec/profile.h"

namespace smmuref::impl::driver {
namespace {

namespace sa = spec::api;
using spec::Reg;

constexpr uint64_t kTables = 0x4000'0000, kTablesSize = 0x0100'0000;

std::unique_ptr<conform::Device> Model(const std::vector<std::string>& overrides = {},
                                       const std::string& profile = "full") {
  auto p = spec::LoadProfile(profile, overrides);
  SMMUREF_CHECK(p.ok(), "test profile");
  auto dev = conform::MakeDevice("model", *p);
  SMMUREF_CHECK(dev.ok(), "model device");
  return std::move(*dev);
}

SmmuConfig Config() {
  SmmuConfig c;
  c.table_base = kTables;
  c.table_size = kTablesSize;
  return c;
}

uint64_t Opcode(const Command& c) { return c[0] & 0xff; }
uint64_t AsidOf(const Command& c) { return c[0] >> 48; }

// Turns the first command with opcode `from` into reserved opcode 0 as the driver writes it.
class BreakOneCommand : public spec::Bus {
 public:
  BreakOneCommand(spec::Bus& next, uint64_t from) : next_(next), from_(from) {}
  void MemWrite64(uint64_t pa, uint64_t v) override {
    if (armed_ && pa >= queue_ && pa < queue_ + 0x1000 && pa % 16 == 0 && (v & 0xff) == from_) {
      v &= ~uint64_t{0xff};
      armed_ = false;
    }
    next_.MemWrite64(pa, v);
  }
  uint64_t MemRead64(uint64_t pa) override { return next_.MemRead64(pa); }
  void MemClean(uint64_t pa, uint64_t len) override { next_.MemClean(pa, len); }
  uint64_t RegRead(Reg r) override { return next_.RegRead(r); }
  void RegWrite(Reg r, uint64_t v) override {
    if (r == Reg::CMDQ_BASE) queue_ = v & 0x00ff'ffff'ffff'ffe0;
    next_.RegWrite(r, v);
  }
  void RegWrite32(Reg r, bool high, uint32_t v) override { next_.RegWrite32(r, high, v); }
  void ProcessCommands() override { next_.ProcessCommands(); }

 private:
  spec::Bus& next_;
  uint64_t from_, queue_ = 0;
  bool armed_ = true;
};

// An SMMU whose IDR0 reads with some bits cleared (what no built-in profile can express).
class ClearIdr0 : public BreakOneCommand {
 public:
  ClearIdr0(spec::Bus& next, uint64_t bits) : BreakOneCommand(next, 0x100), bits_(bits) {}
  uint64_t RegRead(Reg r) override {
    const uint64_t v = BreakOneCommand::RegRead(r);
    return r == Reg::IDR0 ? v & ~bits_ : v;
  }

 private:
  uint64_t bits_;
};

TEST(Smmu, ProbeRefusesAnSmmuWithoutAArch64TablesOrStages) {
  auto dev = Model();
  ClearIdr0 aarch32_only(*dev, uint64_t{0b10} << 2);  // IDR0.TTF = 0b00
  auto smmu = Smmu::Probe(aarch32_only, Config());
  ASSERT_FALSE(smmu.ok());
  EXPECT_EQ(smmu.error().kind, spec::ErrorKind::kNotImplemented);
  EXPECT_NE(smmu.error().message.find("TTF"), std::string::npos) << smmu.error().message;
  ClearIdr0 no_stages(*dev, 0b11);  // IDR0.S1P = S2P = 0
  auto none = Smmu::Probe(no_stages, Config());
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("neither stage"), std::string::npos);
}

TEST(Smmu, ProbePicksTheStreamTableFormatFromTheIdRegisters) {
  auto two = Model();
  ASSERT_TRUE(Smmu::Probe(*two, Config()).ok());
  // 2-level, SPLIT=8, LOG2SIZE=SIDSIZE=16 [IHI0070 §6.3.24].
  EXPECT_EQ(two->RegRead(Reg::STRTAB_BASE_CFG), (1u << 16) | (8u << 6) | 16u);
  auto linear = Model({"st_level=0", "sidsize=6"});
  ASSERT_TRUE(Smmu::Probe(*linear, Config()).ok());
  EXPECT_EQ(linear->RegRead(Reg::STRTAB_BASE_CFG), 6u);
  EXPECT_EQ(linear->RegRead(Reg::CR0ACK), 0xdu);  // SMMUEN, EVENTQEN, CMDQEN
}

TEST(Smmu, TheCommandQueueWrapsAndTheDeviceConsumesEveryCommand) {
  auto dev = Model();
  auto smmu = Smmu::Probe(*dev, Config());
  ASSERT_TRUE(smmu.ok()) << smmu.error().ToString();
  DomainHandle a, b;
  ASSERT_EQ((*smmu)->AllocDomain(DomainKind::kStage1, 0, &a), sa::Errno::kOk);
  ASSERT_EQ((*smmu)->AllocDomain(DomainKind::kIdentity, 0, &b), sa::Errno::kOk);
  for (int i = 0; i < 200; ++i) ASSERT_EQ((*smmu)->Attach(7, i % 2 ? a : b), sa::Errno::kOk);
  EXPECT_GT((*smmu)->command_log().size(), 600u);  // the 256-entry queue wrapped
  EXPECT_EQ(dev->RegRead(Reg::CMDQ_CONS), dev->RegRead(Reg::CMDQ_PROD));
  EXPECT_EQ((*smmu)->device_error(), std::nullopt);
}

TEST(Smmu, ACommandErrorIsReportedAndTheQueueResumes) {
  auto dev = Model();
  auto smmu = Smmu::Probe(*dev, Config());
  ASSERT_TRUE(smmu.ok());
  BreakOneCommand broken(*dev, 0x03);  // CMD_CFGI_STE
  // A second driver instance over the breaking bus: probe again (a reset) so its commands pass
  // through it.
  auto drv = Smmu::Probe(broken, Config());
  ASSERT_TRUE(drv.ok()) << drv.error().ToString();
  DomainHandle d;
  ASSERT_EQ((*drv)->AllocDomain(DomainKind::kIdentity, 0, &d), sa::Errno::kOk);
  ASSERT_EQ((*drv)->Attach(3, d), sa::Errno::kOk);
  ASSERT_TRUE((*drv)->device_error().has_value());
  EXPECT_NE((*drv)->device_error()->find("CERROR=1"), std::string::npos) << *(*drv)->device_error();
  // Acknowledged (GERRORN = GERROR) and drained: later commands go through.
  EXPECT_EQ(dev->RegRead(Reg::GERROR) & 1, dev->RegRead(Reg::GERRORN) & 1);
  ASSERT_EQ((*drv)->Attach(4, d), sa::Errno::kOk);
  // RD caught up with WR (CONS.ERR keeps the last error's code, UNKNOWN once acknowledged).
  EXPECT_EQ(dev->RegRead(Reg::CMDQ_CONS) & 0xfffff, dev->RegRead(Reg::CMDQ_PROD));
}

TEST(Smmu, AFreedAsidIsInvalidatedBeforeItIsReused) {
  auto dev = Model();
  auto smmu = Smmu::Probe(*dev, Config());
  ASSERT_TRUE(smmu.ok());
  DomainHandle d1, d2;
  ASSERT_EQ((*smmu)->AllocDomain(DomainKind::kStage1, 0, &d1), sa::Errno::kOk);
  ASSERT_EQ((*smmu)->Attach(1, d1), sa::Errno::kOk);
  EXPECT_EQ((*smmu)->FreeDomain(d1), sa::Errno::kEBUSY);
  DomainHandle blocked;
  ASSERT_EQ((*smmu)->AllocDomain(DomainKind::kBlocked, 0, &blocked), sa::Errno::kOk);
  ASSERT_EQ((*smmu)->Attach(1, blocked), sa::Errno::kOk);
  ASSERT_EQ((*smmu)->FreeDomain(d1), sa::Errno::kOk);
  const auto& log = (*smmu)->command_log();
  ASSERT_GE(log.size(), 2u);
  EXPECT_EQ(Opcode(log[log.size() - 2]), 0x11u);  // CMD_TLBI_NH_ASID
  EXPECT_EQ(AsidOf(log[log.size() - 2]), 1u);
  EXPECT_EQ(Opcode(log.back()), 0x46u);  // CMD_SYNC
  ASSERT_EQ((*smmu)->AllocDomain(DomainKind::kStage1, 0, &d2), sa::Errno::kOk);
  ASSERT_EQ((*smmu)->Attach(1, d2), sa::Errno::kOk);
  // d2 took ASID 1 again: CD 0 carries it.
  bool cd_with_asid1 = false;
  for (const auto& c : log)
    if (Opcode(c) == 0x05) cd_with_asid1 = true;  // CMD_CFGI_CD for the new CD
  EXPECT_TRUE(cd_with_asid1);
}

TEST(Smmu, UnmapEndsWithItsInvalidationAndASync) {
  auto dev = Model();
  auto smmu = Smmu::Probe(*dev, Config());
  ASSERT_TRUE(smmu.ok());
  DomainHandle d;
  ASSERT_EQ((*smmu)->AllocDomain(DomainKind::kStage1, 0x40201000, &d), sa::Errno::kOk);
  EXPECT_EQ((*smmu)->MapPages(d, 0x5000, 0x1'0000'0000, 0x1000, 3, sa::kProtRead).bytes, 0x3000u);
  const size_t before = (*smmu)->command_log().size();
  EXPECT_EQ((*smmu)->UnmapPages(d, 0x5000, 0x1000, 3).bytes, 0x3000u);
  const auto& log = (*smmu)->command_log();
  ASSERT_EQ(log.size(), before + 4);  // one TLBI_NH_VA per page, then CMD_SYNC
  for (size_t i = before; i < before + 3; ++i) {
    EXPECT_EQ(Opcode(log[i]), 0x12u);
    EXPECT_EQ(log[i][1] & ~uint64_t{0xfff}, 0x5000u + (i - before) * 0x1000);
  }
  EXPECT_EQ(Opcode(log.back()), 0x46u);
  // Arguments io-pgtable never sees: EINVAL, nothing done.
  EXPECT_EQ((*smmu)->UnmapPages(d, 0x5800, 0x1000, 1).err, sa::Errno::kEINVAL);
  EXPECT_EQ((*smmu)->MapPages(d, 0x5000, 0x1'0000'0800, 0x1000, 1, sa::kProtRead).err,
            sa::Errno::kEINVAL);
  EXPECT_EQ((*smmu)->MapPages(d, 0x5000, 0x1'0000'0000, 0x4000, 1, sa::kProtRead).err,
            sa::Errno::kEINVAL);  // 16K is not a size of this domain
}

TEST(Smmu, AFreedDomainGivesBackEveryTable) {
  auto dev = Model();
  auto smmu = Smmu::Probe(*dev, Config());
  ASSERT_TRUE(smmu.ok());
  const uint64_t before = (*smmu)->TableMemoryInUse();
  DomainHandle d;
  ASSERT_EQ((*smmu)->AllocDomain(DomainKind::kStage1, 0x40201000, &d), sa::Errno::kOk);
  EXPECT_EQ((*smmu)->KindOf(d), DomainKind::kStage1);
  EXPECT_EQ((*smmu)->MapPages(d, 0x40'0000, 0x1'0000'0000, 0x1000, 4, sa::kProtRead).bytes,
            0x4000u);
  EXPECT_EQ((*smmu)->IovaToPhys(d, 0x40'1008), 0x1'0000'1008u);
  EXPECT_GT((*smmu)->TableMemoryInUse(), before);
  // A block over the table: the table goes (after its walk-cache flush), the block maps.
  EXPECT_EQ((*smmu)->MapPages(d, 0x40'0000, 0x1'0020'0000, 0x20'0000, 1, sa::kProtRead).bytes,
            0x20'0000u);
  EXPECT_EQ((*smmu)->IovaToPhys(d, 0x40'1008), 0x1'0020'1008u);
  ASSERT_EQ((*smmu)->FreeDomain(d), sa::Errno::kOk);
  EXPECT_EQ((*smmu)->TableMemoryInUse(), before);
  EXPECT_EQ((*smmu)->IovaToPhys(d, 0x40'1008), std::nullopt);  // no such domain now
}

TEST(Smmu, ShcfgIsWrittenOnlyWhenTheSmmuImplementsTheOverride) {
  for (bool ovr : {false, true}) {
    auto dev = Model({ovr ? "attr_types_ovr=1" : "attr_types_ovr=0"});
    auto smmu = Smmu::Probe(*dev, Config());
    ASSERT_TRUE(smmu.ok());
    DomainHandle d;
    ASSERT_EQ((*smmu)->AllocDomain(DomainKind::kIdentity, 0, &d), sa::Errno::kOk);
    ASSERT_EQ((*smmu)->Attach(1, d), sa::Errno::kOk);
    // SID 1's STE: level-2 table from the level-1 descriptor, STE 1 in it; SHCFG is DW1[45:44].
    const uint64_t strtab = dev->RegRead(Reg::STRTAB_BASE) & 0x00ff'ffff'ffff'ffc0;
    const uint64_t l2 = dev->MemRead64(strtab) & 0x00ff'ffff'ffff'ffc0;
    const uint64_t dw1 = dev->MemRead64(l2 + 64 + 8);
    EXPECT_EQ((dw1 >> 44) & 3, ovr ? 1u : 0u) << "ATTR_TYPES_OVR=" << ovr;
  }
}

}  // namespace
}  // namespace smmuref::impl::driver
