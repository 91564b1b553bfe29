// Registers: reset values the architecture leaves UNKNOWN or IMPLEMENTATION DEFINED, version-
// dependent CONSTRAINED UNPREDICTABLE writes, reserved bits that are not acknowledged or compared
// (R-REG-001..009; spec/choices.md C-REG-001..011, C-CMDQ-003, C-EVT-005).
#include "smmuref/model/arch/regs.h"

#include <gtest/gtest.h>

#include <set>

#include "smmuref/model/arch/smmu.h"

using namespace smmuref;
using model::arch::Smmu;
using spec::Reg;
using spec::TxnOutcome;

namespace {

spec::Profile Load(const char* name, std::vector<std::string> o = {}) {
  auto p = spec::LoadProfile(name, o);
  EXPECT_TRUE(p.ok()) << p.error().ToString();
  return *p;
}

constexpr uint64_t kStrtab = 0x100000, kEvtq = 0x200000, kCmdq = 0x210000;

void Bases(Smmu& s) {
  s.WriteReg(Reg::STRTAB_BASE, kStrtab);
  s.WriteReg(Reg::STRTAB_BASE_CFG, 0x4);
  s.WriteReg(Reg::EVENTQ_BASE, kEvtq | 4);
  s.WriteReg(Reg::CMDQ_BASE, kCmdq | 4);
}
void Indexes(Smmu& s) {
  for (Reg r : {Reg::CMDQ_PROD, Reg::CMDQ_CONS, Reg::EVENTQ_PROD, Reg::EVENTQ_CONS}) {
    s.WriteReg(r, 0);
  }
}

// The observation kinds (and event types) the model allows for `txn`.
std::set<std::string> Kinds(const Smmu& s, uint32_t sid, uint64_t addr) {
  spec::Txn t;
  t.sid = sid;
  t.addr = addr;
  auto r = s.Translate(t);
  EXPECT_TRUE(r.ok());
  std::set<std::string> out;
  for (const auto& o : *r) {
    std::string k = o.kind == TxnOutcome::Kind::kOk      ? "ok"
                    : o.kind == TxnOutcome::Kind::kAbort ? "abort"
                    : o.kind == TxnOutcome::Kind::kRazWi ? "raz"
                                                         : "unpredictable";
    if (o.event) k += std::string("+") + spec::EventTypeName(o.event->type);
    out.insert(k);
  }
  return out;
}

}  // namespace

TEST(RegisterReset, QueueAndTableRegistersAreUnknownUntilWritten) {
  // C-REG-001, R-REG-002
  Smmu s(Load("full"));
  for (Reg r : {Reg::CMDQ_PROD, Reg::CMDQ_CONS, Reg::EVENTQ_PROD, Reg::EVENTQ_CONS,
                Reg::STRTAB_BASE, Reg::CMDQ_BASE, Reg::EVENTQ_BASE, Reg::CR1}) {
    EXPECT_NE(s.RegUnknownMask(r), 0u) << spec::RegName(r);
  }
  EXPECT_EQ(s.RegUnknownMask(Reg::CR0) & 0xd, 0u);  // CR0 resets to 0
  Bases(s);
  Indexes(s);
  EXPECT_EQ(s.RegUnknownMask(Reg::CMDQ_PROD) & 0x1f, 0u);  // index and wrap of 16 entries
}

TEST(RegisterReset, ACommandQueueEnabledWithUnknownIndexesIsUnconstrained) {
  // C-REG-001, C-CMDQ-003: nothing is guaranteed to be consumed; CONS and CMDQ_ERR are UNKNOWN.
  Smmu s(Load("full"));
  Bases(s);
  s.WriteReg(Reg::EVENTQ_PROD, 0);
  s.WriteReg(Reg::EVENTQ_CONS, 0);
  s.WriteReg(Reg::CR0, 0xd);
  s.memory().Write64(kCmdq, 0x46);
  s.WriteReg(Reg::CMDQ_PROD, 1);
  s.ProcessCommands();
  EXPECT_NE(s.RegUnknownMask(Reg::CMDQ_CONS) & 0x1f, 0u);
  EXPECT_NE(s.RegUnknownMask(Reg::GERROR) & 1, 0u);
}

TEST(RegisterReset, AnEventQueueWithUnknownIndexesRecordsNothingKnown) {
  // C-REG-001, C-EVT-005
  Smmu s(Load("full"));
  Bases(s);
  s.WriteReg(Reg::CR0, 0x5);
  spec::Txn t;
  t.sid = 2;  // V=0 STE: C_BAD_STE
  auto r = s.Translate(t);
  ASSERT_TRUE(r.ok());
  s.Commit(r->front());
  EXPECT_NE(s.RegUnknownMask(Reg::EVENTQ_PROD) & 0x1f, 0u);
}

TEST(RegisterReset, RecinvsidUnknownAllowsBothForABadStreamId) {
  // C-REG-001: CR2.RECINVSID resets to UNKNOWN.
  Smmu s(Load("full"));
  Bases(s);
  Indexes(s);
  s.WriteReg(Reg::CR0, 0xd);
  EXPECT_EQ(Kinds(s, 99, 0), (std::set<std::string>{"abort", "abort+C_BAD_STREAMID"}));
  s.WriteReg(Reg::CR2, 0);
  EXPECT_EQ(Kinds(s, 99, 0), (std::set<std::string>{"abort"}));
}

TEST(GbpaReset, AnyAllowsBypassAndAbortAPinnedValueOneOfThem) {
  // C-REG-002 (profile field gbpa_abort_reset)
  EXPECT_EQ(Kinds(Smmu(Load("full")), 1, 0x1000), (std::set<std::string>{"ok", "abort"}));
  EXPECT_EQ(Kinds(Smmu(Load("full", {"gbpa_abort_reset=1"})), 1, 0x1000),
            (std::set<std::string>{"abort"}));
  Smmu bypass(Load("full", {"gbpa_abort_reset=0"}));
  EXPECT_EQ(Kinds(bypass, 1, 0x1000), (std::set<std::string>{"ok"}));
  // An update makes GBPA known.
  Smmu s(Load("full"));
  s.WriteReg32(Reg::GBPA, false, 0x80100000u);  // UPDATE | ABORT
  EXPECT_EQ(Kinds(s, 1, 0x1000), (std::set<std::string>{"abort"}));
  EXPECT_EQ(s.RegUnknownMask(Reg::GBPA) & (1u << 20), 0u);
}

TEST(GbpaWrite, WithoutUpdateIsIgnoredInV32AndOpenInV31) {
  // R-REG-004, C-REG-003
  Smmu v32(Load("full-v32", {"gbpa_abort_reset=0"}));
  v32.WriteReg32(Reg::GBPA, false, 0x100000u);  // ABORT without UPDATE
  EXPECT_EQ(Kinds(v32, 1, 0x1000), (std::set<std::string>{"ok"}));
  Smmu v31(Load("full", {"gbpa_abort_reset=0"}));
  v31.WriteReg32(Reg::GBPA, false, 0x100000u);
  EXPECT_EQ(Kinds(v31, 1, 0x1000), (std::set<std::string>{"ok", "abort"}));
  EXPECT_NE(v31.RegUnknownMask(Reg::GBPA) & (1u << 20), 0u);
}

TEST(GuardedWrites, StreamTableBaseWhileEnabledIsIgnoredInV32AndUnknownInV31) {
  // R-REG-005, C-REG-005
  for (const char* name : {"full-v32", "full"}) {
    Smmu s(Load(name));
    Bases(s);
    Indexes(s);
    s.memory().Write64(kStrtab + 64, 0x9);  // SID 1 bypass
    s.WriteReg(Reg::CR0, 0xd);
    s.WriteReg(Reg::STRTAB_BASE, 0x700000);
    const bool v31 = std::string(name) == "full";
    EXPECT_EQ(s.ReadReg(Reg::STRTAB_BASE), kStrtab) << name;
    EXPECT_EQ(s.RegUnknownMask(Reg::STRTAB_BASE) != 0xffffffffffffffffull, !v31) << name;
    EXPECT_EQ(Kinds(s, 1, 0x1000),
              v31 ? std::set<std::string>{"unpredictable"} : std::set<std::string>{"ok"})
        << name;
  }
}

TEST(GuardedWrites, QueueBasesWhileEnabledMakeTheQueueUnconstrainedInV31) {
  // R-REG-006, R-REG-007, C-REG-006, C-REG-007
  Smmu s(Load("full"));
  Bases(s);
  Indexes(s);
  s.WriteReg(Reg::CR0, 0xd);
  s.WriteReg(Reg::CMDQ_BASE, 0x400004);
  s.WriteReg(Reg::EVENTQ_BASE, 0x500004);
  EXPECT_EQ(s.RegUnknownMask(Reg::CMDQ_BASE), ~uint64_t{0});
  EXPECT_EQ(s.RegUnknownMask(Reg::EVENTQ_BASE), ~uint64_t{0});
  s.memory().Write64(kCmdq, 0x46);
  s.WriteReg(Reg::CMDQ_PROD, 1);
  s.ProcessCommands();
  EXPECT_NE(s.RegUnknownMask(Reg::CMDQ_CONS) & 0x1f, 0u);
  Smmu v32(Load("full-v32"));
  Bases(v32);
  Indexes(v32);
  v32.WriteReg(Reg::CR0, 0xd);
  v32.WriteReg(Reg::CMDQ_BASE, 0x400004);
  EXPECT_EQ(v32.ReadReg(Reg::CMDQ_BASE), kCmdq | 4);
  EXPECT_EQ(v32.RegUnknownMask(Reg::CMDQ_BASE) & 0xffff, 0u);
}

TEST(ReservedBits, AcknowledgeRegistersEchoOnlyTheFieldsThatExist) {
  // R-REG-009, C-REG-009: without PRI and ATS, CR0.PRIQEN and ATSCHK are RES0.
  Smmu s(Load("full"));
  s.WriteReg(Reg::CR0, 0x1f);
  EXPECT_EQ(s.ReadReg(Reg::CR0ACK), 0xdu);
  s.WriteReg(Reg::IRQ_CTRL, 0x7);
  EXPECT_EQ(s.ReadReg(Reg::IRQ_CTRLACK), 0x5u);
  EXPECT_EQ(s.RegUnknownMask(Reg::CR0ACK) & 0x12, 0x12u);  // not compared
  EXPECT_EQ(s.RegUnknownMask(Reg::IIDR), 0xffffffffu);
}

TEST(UnknownFields, CmdqConsErrOnlyWhileCmdqErrIsActive) {
  // C-REG-010
  Smmu s(Load("full"));
  Bases(s);
  Indexes(s);
  s.WriteReg(Reg::CR0, 0xd);
  EXPECT_EQ(s.RegUnknownMask(Reg::CMDQ_CONS) & 0x7f000000u, 0x7f000000u);
  s.memory().Write64(kCmdq, 0xff);  // reserved opcode: CERROR_ILL
  s.WriteReg(Reg::CMDQ_PROD, 1);
  s.ProcessCommands();
  EXPECT_EQ(s.ReadReg(Reg::GERROR) & 1, 1u);
  EXPECT_EQ(s.RegUnknownMask(Reg::CMDQ_CONS) & 0x7f000000u, 0u);
}

TEST(UnknownFields, AddressBitsAboveTheOasAreNotCompared) {
  // C-REG-011
  Smmu s(Load("s1only-nossid"));  // OAS 44 bits
  EXPECT_EQ(s.RegUnknownMask(Reg::STRTAB_BASE) & (uint64_t{1} << 50), uint64_t{1} << 50);
  s.WriteReg(Reg::STRTAB_BASE, kStrtab);
  EXPECT_EQ(s.RegUnknownMask(Reg::STRTAB_BASE) & 0xfffffffffc0ull, 0u);
  EXPECT_NE(s.RegUnknownMask(Reg::STRTAB_BASE) & (uint64_t{1} << 50), 0u);
}
