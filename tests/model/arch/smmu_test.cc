// Registers, stream table lookup, transaction flow, event and command queues through the Smmu
// entry points. Structures are written with hand-computed values from the spec's field
// descriptions (IHI0070 §5.1, §5.2, §5.4, §6.3, §7.3).
#include "smmuref/model/arch/smmu.h"

#include <gtest/gtest.h>

#include "smmuref/model/arch/cmdq.h"
#include "smmuref/model/arch/queue.h"

using namespace smmuref;
using model::arch::Smmu;
using spec::EventType;
using spec::Reg;
using spec::TxnOutcome;

namespace {

constexpr uint64_t kStrtab = 0x100000, kEvtq = 0x200000, kCmdq = 0x210000;
// CD: T0SZ=16, EPD1, V, IPS=0b101 (48 bits), AA64, R, A, ASID=1; TTB0 in DW1.
constexpr uint64_t kCdDw0 = 0x16205c0000010ull;

spec::Profile Load(const char* name, std::vector<std::string> o = {}) {
  auto p = spec::LoadProfile(name, o);
  EXPECT_TRUE(p.ok());
  return *p;
}

spec::Txn T(uint32_t sid, uint64_t addr, bool write = false, bool priv = true) {
  spec::Txn t;
  t.sid = sid;
  t.addr = addr;
  t.write = write;
  t.priv = priv;
  return t;
}

class SmmuTest : public ::testing::Test {
 protected:
  explicit SmmuTest(const char* profile = "full", std::vector<std::string> o = {})
      : smmu_(Load(profile, std::move(o))) {}
  void Enable(uint64_t strtab_cfg = 0x4, uint64_t evtq_log2 = 4) {
    smmu_.WriteReg(Reg::STRTAB_BASE, kStrtab);
    smmu_.WriteReg(Reg::STRTAB_BASE_CFG, strtab_cfg);
    smmu_.WriteReg(Reg::EVENTQ_BASE, kEvtq | evtq_log2);
    smmu_.WriteReg(Reg::CMDQ_BASE, kCmdq | 4);
    // C-REG-001: the queue indexes reset to UNKNOWN values; a driver programs them.
    for (Reg r : {Reg::CMDQ_PROD, Reg::CMDQ_CONS, Reg::EVENTQ_PROD, Reg::EVENTQ_CONS}) {
      smmu_.WriteReg(r, 0);
    }
    smmu_.WriteReg(Reg::CR0, 0xd);
  }
  void W(uint64_t pa, uint64_t v) { smmu_.memory().Write64(pa, v); }
  // A stage-1 STE at SID `sid` whose CD at 0x300000 maps VA 0x1000 -> 0x800000 (4K, level 0 start).
  void MapS1(uint32_t sid) {
    W(kStrtab + sid * 64, 0x30000b);
    W(0x300000, kCdDw0);
    W(0x300008, 0x400000);
    W(0x400000, 0x401003);
    W(0x401000, 0x402003);
    W(0x402000, 0x403003);
    W(0x403008, 0x800403);
  }
  // The outcome on current memory (the first of the allowed set), adopted.
  TxnOutcome One(const spec::Txn& t) {
    auto v = smmu_.Translate(t);
    EXPECT_TRUE(v.ok());
    smmu_.Commit(v->front());
    return v->front();
  }
  uint32_t EventCount() {
    model::arch::QueuePointer q{4};
    return q.Index(static_cast<uint32_t>(smmu_.ReadReg(Reg::EVENTQ_PROD)));
  }
  Smmu smmu_;
};

}  // namespace

TEST_F(SmmuTest, IdRegistersDescribeTheProfileAndIgnoreWrites) {
  // R-REG-001: IDR0 for `full`: S2P|S1P|TTF=2|COHACC|ASID16|MSI|SEV|VMID16|CD2L|TTENDIAN=2|
  // STALL_MODEL=1|ST_LEVEL=1, by hand from §6.3.1.
  const uint64_t idr0 = 0x1 | 0x2 | (2 << 2) | (1 << 4) | (1 << 12) | (1 << 13) | (1 << 14) |
                        (1 << 18) | (1 << 19) | (2 << 21) | (1 << 24) | (1 << 27);
  EXPECT_EQ(smmu_.ReadReg(Reg::IDR0), idr0);
  EXPECT_EQ(smmu_.ReadReg(Reg::IDR1), 16u | (20u << 6) | (19u << 16) | (19u << 21));
  EXPECT_EQ(smmu_.ReadReg(Reg::IDR5), 5u | (7u << 4));
  EXPECT_EQ(smmu_.ReadReg(Reg::AIDR), 1u);
  smmu_.WriteReg(Reg::IDR0, 0);
  EXPECT_EQ(smmu_.ReadReg(Reg::IDR0), idr0);
}

TEST_F(SmmuTest, Cr0AckFollowsCr0) {
  // R-REG-003
  smmu_.WriteReg(Reg::CR0, 0x5);
  EXPECT_EQ(smmu_.ReadReg(Reg::CR0ACK), 0x5u);
  smmu_.WriteReg(Reg::CR0ACK, 0);
  EXPECT_EQ(smmu_.ReadReg(Reg::CR0ACK), 0x5u);
}

TEST_F(SmmuTest, GbpaChangesOnlyWithUpdate) {
  // R-REG-004, R-REG-002 (reset value 0: bypass), R-TXN-016
  EXPECT_EQ(One(T(0, 0x1234)).kind, TxnOutcome::Kind::kOk);
  smmu_.WriteReg(Reg::GBPA, 1u << 20);
  EXPECT_EQ(smmu_.ReadReg(Reg::GBPA), 0u);
  smmu_.WriteReg(Reg::GBPA, (1u << 31) | (1u << 20));
  EXPECT_EQ(smmu_.ReadReg(Reg::GBPA), 1u << 20);
  auto o = One(T(0, 0x1234));
  EXPECT_EQ(o.kind, TxnOutcome::Kind::kAbort);
  EXPECT_FALSE(o.event.has_value());
}

TEST_F(SmmuTest, DisabledSmmuAbortsAddressesBeyondOasSilently) {
  // R-TXN-016
  auto o = One(T(0, uint64_t{1} << 48));
  EXPECT_EQ(o.kind, TxnOutcome::Kind::kAbort);
  EXPECT_FALSE(o.event.has_value());
}

TEST_F(SmmuTest, StreamTableBaseIgnoresWritesWhileEnabled) {
  // R-REG-005
  Enable();
  smmu_.WriteReg(Reg::STRTAB_BASE, 0x999000);
  smmu_.WriteReg32(Reg::STRTAB_BASE, true, 1);
  EXPECT_EQ(smmu_.ReadReg(Reg::STRTAB_BASE), kStrtab);
}

TEST_F(SmmuTest, QueueBasesIgnoreWritesWhileTheirQueueIsEnabled) {
  // R-REG-006, R-REG-007
  Enable();
  smmu_.WriteReg(Reg::CMDQ_BASE, 0x777000);
  smmu_.WriteReg(Reg::CMDQ_CONS, 3);
  smmu_.WriteReg(Reg::EVENTQ_BASE, 0x777000);
  smmu_.WriteReg(Reg::EVENTQ_PROD, 3);
  EXPECT_EQ(smmu_.ReadReg(Reg::CMDQ_BASE), kCmdq | 4);
  EXPECT_EQ(smmu_.ReadReg(Reg::CMDQ_CONS), 0u);
  EXPECT_EQ(smmu_.ReadReg(Reg::EVENTQ_BASE), kEvtq | 4);
  EXPECT_EQ(smmu_.ReadReg(Reg::EVENTQ_PROD), 0u);
}

TEST_F(SmmuTest, TranslatesThroughALinearStreamTable) {
  // R-STRTAB-004, R-TXN-004
  Enable();
  MapS1(3);
  auto o = One(T(3, 0x1234));
  ASSERT_EQ(o.kind, TxnOutcome::Kind::kOk) << spec::ToString(o);
  EXPECT_EQ(o.pa, 0x800234u);
}

TEST_F(SmmuTest, StreamIdBeyondTableIsBadStreamIdRecordedOnlyWithRecinvsid) {
  // R-STRTAB-001, R-STRTAB-002, R-FAULT-003
  Enable();
  auto silent = One(T(16, 0x1000));
  EXPECT_EQ(silent.kind, TxnOutcome::Kind::kAbort);
  EXPECT_FALSE(silent.event.has_value());
  smmu_.WriteReg(Reg::CR2, 2);
  auto rec = One(T(16, 0x1000));
  ASSERT_TRUE(rec.event.has_value());
  EXPECT_EQ(rec.event->type, EventType::C_BAD_STREAMID);
  EXPECT_EQ(EventCount(), 1u);
}

TEST_F(SmmuTest, Log2SizeIsCappedBySidsize) {
  // R-STRTAB-001: LOG2SIZE=20 with SIDSIZE=16 makes SID 0x10000 out of range.
  smmu_.WriteReg(Reg::CR2, 2);
  Enable(20);
  auto o = One(T(0x10000, 0));
  ASSERT_TRUE(o.event.has_value());
  EXPECT_EQ(o.event->type, EventType::C_BAD_STREAMID);
}

TEST_F(SmmuTest, TwoLevelStreamTableFindsTheSte) {
  // R-STRTAB-006, R-STRTAB-010: LOG2SIZE=8, SPLIT=6: L1 entry 1 covers SIDs 64..127.
  Enable((1u << 16) | (6u << 6) | 8);
  W(kStrtab + 8, 0x500000 | 3);  // Span=3: 4 STEs
  W(0x500000 + 2 * 64, 0x9);     // SID 66: bypass
  EXPECT_EQ(One(T(66, 0x4321)).pa, 0x4321u);
}

TEST_F(SmmuTest, TwoLevelSpanRulesGiveBadStreamId) {
  // R-STRTAB-008, R-STRTAB-009
  smmu_.WriteReg(Reg::CR2, 2);
  Enable((1u << 16) | (6u << 6) | 8);
  W(kStrtab + 8, 0x500000 | 3);
  auto beyond = One(T(64 + 4, 0));  // index 4 >= 2^(3-1)
  ASSERT_TRUE(beyond.event.has_value());
  EXPECT_EQ(beyond.event->type, EventType::C_BAD_STREAMID);
  W(kStrtab + 16, 0x500000 | 8);  // Span 8 > SPLIT+1
  auto big = One(T(128, 0));
  ASSERT_TRUE(big.event.has_value());
  EXPECT_EQ(big.event->type, EventType::C_BAD_STREAMID);
  auto zero = One(T(192, 0));  // Span 0
  ASSERT_TRUE(zero.event.has_value());
  EXPECT_EQ(zero.event->type, EventType::C_BAD_STREAMID);
}

TEST_F(SmmuTest, ReservedSplitBehavesAsSixAndReservedFmtAsLinear) {
  // R-STRTAB-005, R-STRTAB-003
  Enable((1u << 16) | (7u << 6) | 8);  // SPLIT=7 -> 6
  W(kStrtab + 8, 0x500000 | 2);
  W(0x500000 + 64, 0x9);  // SID 65
  EXPECT_EQ(One(T(65, 0x10)).kind, TxnOutcome::Kind::kOk);
  smmu_.WriteReg(Reg::CR0, 0);
  smmu_.WriteReg(Reg::STRTAB_BASE_CFG, (2u << 16) | 4);  // FMT=2 reserved -> linear
  smmu_.WriteReg(Reg::CR0, 0xd);
  W(kStrtab + 5 * 64, 0x9);
  EXPECT_EQ(One(T(5, 0x20)).pa, 0x20u);
}

TEST_F(SmmuTest, StructureFetchAbortsRecordTheirAddress) {
  // R-STRTAB-007, R-TXN-009, R-FAULT-008, R-MEM-002
  Enable();
  smmu_.memory().AddAbortRange(kStrtab + 2 * 64, 64);
  auto ste = One(T(2, 0));
  ASSERT_TRUE(ste.event.has_value());
  EXPECT_EQ(ste.event->type, EventType::F_STE_FETCH);
  EXPECT_EQ(ste.event->fetch_addr, kStrtab + 2 * 64);
  MapS1(3);
  smmu_.memory().AddAbortRange(0x300000, 64);
  auto cd = One(T(3, 0x1000));
  ASSERT_TRUE(cd.event.has_value());
  EXPECT_EQ(cd.event->type, EventType::F_CD_FETCH);
  EXPECT_EQ(cd.event->fetch_addr, 0x300000u);
}

TEST_F(SmmuTest, UnwrittenMemoryReadsAsZero) {
  // R-MEM-001: an STE never written is V=0.
  Enable();
  auto o = One(T(7, 0));
  ASSERT_TRUE(o.event.has_value());
  EXPECT_EQ(o.event->type, EventType::C_BAD_STE);
  EXPECT_EQ(smmu_.memory().Peek64(0xdead000), 0u);
}

TEST_F(SmmuTest, ConfigZeroAbortsWithoutEventAndBypassChecksOas) {
  // R-TXN-017, R-TXN-007, R-FAULT-001
  Enable();
  W(kStrtab + 64, 0x1);  // V=1 Config=0
  auto silent = One(T(1, 0));
  EXPECT_EQ(silent.kind, TxnOutcome::Kind::kAbort);
  EXPECT_FALSE(silent.event.has_value());
  W(kStrtab + 128, 0x9);  // bypass
  auto big = One(T(2, uint64_t{1} << 48));
  ASSERT_TRUE(big.event.has_value());
  EXPECT_EQ(big.event->type, EventType::F_ADDR_SIZE);
  EXPECT_FALSE(big.event->s2);
  EXPECT_EQ(big.event->cls, spec::FaultClass::IN);
}

TEST_F(SmmuTest, SubstreamOnStageOneDisabledSteIsBadSubstreamId) {
  // R-TXN-006, R-FAULT-005
  Enable();
  W(kStrtab + 64, 0x9);
  spec::Txn t = T(1, 0);
  t.ssv = true;
  t.ssid = 5;
  auto o = One(t);
  ASSERT_TRUE(o.event.has_value());
  EXPECT_EQ(o.event->type, EventType::C_BAD_SUBSTREAMID);
  EXPECT_FALSE(o.event->ssv);
  EXPECT_EQ(o.event->ssid, 5u);
}

TEST_F(SmmuTest, FaultConfigChoosesRazWiAndRecording) {
  // R-FAULT-002, R-TXN-015
  Enable();
  MapS1(3);
  W(0x300000, kCdDw0 & ~(uint64_t{1} << 46));  // A=0, R=1
  auto raz = One(T(3, 0x5000));
  EXPECT_EQ(raz.kind, TxnOutcome::Kind::kRazWi);
  ASSERT_TRUE(raz.event.has_value());
  EXPECT_EQ(raz.event->type, EventType::F_TRANSLATION);
  W(0x300000, kCdDw0 & ~(uint64_t{1} << 45));  // A=1, R=0
  auto quiet = One(T(3, 0x5000));
  EXPECT_EQ(quiet.kind, TxnOutcome::Kind::kAbort);
  EXPECT_FALSE(quiet.event.has_value());
}

TEST_F(SmmuTest, PrivcfgIsIgnoredWithoutAttrPermsOvr) {
  // R-STE-027: full has ATTR_PERMS_OVR=0, so PRIVCFG/INSTCFG are RES0.
  Enable();
  MapS1(3);
  W(kStrtab + 3 * 64 + 8, (uint64_t{2} << 48) | (uint64_t{3} << 50));
  auto o = One(T(3, 0x5000, false, true));
  ASSERT_TRUE(o.event.has_value());
  EXPECT_TRUE(o.event->pnu);
  EXPECT_FALSE(o.event->ind);
}

class SmmuOverrideTest : public SmmuTest {
 protected:
  SmmuOverrideTest() : SmmuTest("full", {"attr_perms_ovr=1"}) {}
};

TEST_F(SmmuOverrideTest, EventRecordsCarryTheRawAddressAndOverriddenAttributes) {
  // R-FAULT-004, R-FAULT-006, R-TXN-002, R-TXN-003
  Enable();
  MapS1(3);
  W(kStrtab + 3 * 64 + 8, (uint64_t{2} << 48) | (uint64_t{3} << 50));  // PRIVCFG=unpriv, INSTCFG=instr
  auto o = One(T(3, 0x5000, false, true));
  ASSERT_TRUE(o.event.has_value());
  EXPECT_EQ(o.event->input_addr, 0x5000u);
  EXPECT_FALSE(o.event->pnu);
  EXPECT_TRUE(o.event->ind);
  EXPECT_TRUE(o.event->rnw);
  auto w = One(T(3, 0x5000, true, true));
  ASSERT_TRUE(w.event.has_value());
  EXPECT_FALSE(w.event->ind);  // writes are data
  EXPECT_FALSE(w.event->rnw);
}

TEST_F(SmmuTest, EventQueueDisabledDiscardsWithoutOverflow) {
  // R-EVTQ-001
  Enable();
  smmu_.WriteReg(Reg::CR0, 0x9);  // SMMUEN|CMDQEN
  One(T(7, 0));
  EXPECT_EQ(smmu_.ReadReg(Reg::EVENTQ_PROD), 0u);
}

TEST_F(SmmuTest, FullEventQueueTogglesOverflowOnceUntilAcknowledged) {
  // R-EVTQ-002, R-EVTQ-003, R-EVTQ-004: a 2-entry queue.
  Enable(0x4, 1);
  One(T(7, 0));
  One(T(7, 0));
  EXPECT_EQ(smmu_.ReadReg(Reg::EVENTQ_PROD), 0x2u);  // index 0, wrap 1: full
  One(T(7, 0));
  EXPECT_EQ(smmu_.ReadReg(Reg::EVENTQ_PROD), 0x80000002u);
  One(T(7, 0));
  EXPECT_EQ(smmu_.ReadReg(Reg::EVENTQ_PROD), 0x80000002u);  // still pending: no second toggle
  smmu_.WriteReg(Reg::EVENTQ_CONS, 0x80000002u);            // consume both, acknowledge
  One(T(7, 0));
  EXPECT_EQ(smmu_.ReadReg(Reg::EVENTQ_PROD), 0x80000003u);
  // The record landed in slot 0 of the second lap.
  EXPECT_EQ(smmu_.memory().Peek64(kEvtq) & 0xff, 0x04u);
}

TEST_F(SmmuTest, EventQueueWriteAbortRaisesEventqAbtErr) {
  // R-EVTQ-006, R-EVTQ-005, R-REG-008
  Enable();
  smmu_.memory().AddAbortRange(kEvtq, 32);
  One(T(7, 0));
  EXPECT_EQ(smmu_.ReadReg(Reg::GERROR) & 4, 4u);
  EXPECT_EQ(smmu_.ReadReg(Reg::EVENTQ_PROD), 0u);
  smmu_.memory().Clear();
  smmu_.WriteReg(Reg::CR0, 0);  // queue registers are written while the queues are disabled
  Enable();
  One(T(7, 0));  // unwritable until acknowledged
  EXPECT_EQ(smmu_.ReadReg(Reg::EVENTQ_PROD), 0u);
  smmu_.WriteReg(Reg::GERRORN, 4);
  One(T(7, 0));
  EXPECT_EQ(smmu_.ReadReg(Reg::EVENTQ_PROD), 1u);
}

namespace {
void PutCmd(Smmu& s, uint64_t dw0, uint64_t dw1) {
  const uint64_t prod = s.ReadReg(Reg::CMDQ_PROD);
  s.memory().Write64(kCmdq + (prod & 15) * 16, dw0);
  s.memory().Write64(kCmdq + (prod & 15) * 16 + 8, dw1);
  s.WriteReg(Reg::CMDQ_PROD, (prod + 1) & 31);
}
}  // namespace

TEST_F(SmmuTest, CommandsAreConsumedUntilEmpty) {
  // R-CMDQ-001, R-CMDQ-002
  Enable();
  PutCmd(smmu_, 0x03 | (uint64_t{5} << 32), 1);  // CFGI_STE SID 5 leaf
  PutCmd(smmu_, 0x46, 0);                        // SYNC
  smmu_.ProcessCommands();
  EXPECT_EQ(smmu_.ReadReg(Reg::CMDQ_CONS), 2u);
}

TEST_F(SmmuTest, IllegalCommandStopsTheQueueUntilAcknowledged) {
  // R-CMDQ-003, R-CMDQ-009, R-CMDQ-001, R-REG-008
  Enable();
  PutCmd(smmu_, 0x46, 0);
  PutCmd(smmu_, 0x7f, 0);  // reserved opcode
  PutCmd(smmu_, 0x46, 0);
  smmu_.ProcessCommands();
  EXPECT_EQ(smmu_.ReadReg(Reg::CMDQ_CONS), 1u | (1u << 24));
  EXPECT_EQ(smmu_.ReadReg(Reg::GERROR) & 1, 1u);
  smmu_.ProcessCommands();
  EXPECT_EQ(smmu_.ReadReg(Reg::CMDQ_CONS) & 0xfffff, 1u);
  // Software replaces the command and acknowledges; consumption resumes.
  smmu_.memory().Write64(kCmdq + 16, 0x46);
  smmu_.WriteReg(Reg::GERRORN, 1);
  smmu_.ProcessCommands();
  EXPECT_EQ(smmu_.ReadReg(Reg::CMDQ_CONS) & 0xfffff, 3u);
}

TEST_F(SmmuTest, CommandLegalityFollowsTheProfile) {
  // R-CMDQ-004, R-CMDQ-005, R-CMDQ-006
  const auto full = Load("full");
  const auto v32 = Load("full-v32");
  const auto s1 = Load("s1only-nossid");
  const auto s2 = Load("s2only");
  using model::arch::CheckCommand;
  using model::arch::kCerrorIll;
  using model::arch::kCerrorNone;
  const uint64_t ssec[2] = {0x03 | (1u << 10), 0};  // CFGI_STE has SSec
  const uint64_t sync_bit10[2] = {0x46 | (1u << 10), 0};  // SYNC has none: bit 10 is reserved
  EXPECT_EQ(CheckCommand(sync_bit10, full), kCerrorNone);
  EXPECT_EQ(CheckCommand(ssec, full), kCerrorIll);
  const uint64_t el2[2] = {0x20, 0};
  EXPECT_EQ(CheckCommand(el2, full), kCerrorIll);
  EXPECT_EQ(CheckCommand(el2, v32), kCerrorNone);
  const uint64_t s2ipa[2] = {0x2a, 0};
  EXPECT_EQ(CheckCommand(s2ipa, s1), kCerrorIll);
  EXPECT_EQ(CheckCommand(s2ipa, full), kCerrorNone);
  const uint64_t cfgi_cd[2] = {0x05, 0};
  EXPECT_EQ(CheckCommand(cfgi_cd, s2), kCerrorIll);
  const uint64_t sync_cs3[2] = {0x46 | (3u << 12), 0};
  EXPECT_EQ(CheckCommand(sync_cs3, full), kCerrorIll);
  const uint64_t resume[2] = {0x44, 0};
  EXPECT_EQ(CheckCommand(resume, full), kCerrorIll);
}

TEST_F(SmmuTest, CommandFetchAbortIsCerrorAbt) {
  // R-CMDQ-008
  Enable();
  smmu_.memory().AddAbortRange(kCmdq, 16);
  PutCmd(smmu_, 0x46, 0);
  smmu_.ProcessCommands();
  EXPECT_EQ(smmu_.ReadReg(Reg::CMDQ_CONS), 2u << 24);
}

TEST_F(SmmuTest, SyncWithIrqWritesMsiData) {
  // R-CMDQ-007: CS=SIG_IRQ, MSIData=0x1234 in DW0[63:32], MSIAddr=0x600004 in DW1[55:2].
  Enable();
  PutCmd(smmu_, 0x46 | (1u << 12) | (uint64_t{0x1234} << 32), 0x600004);
  smmu_.ProcessCommands();
  EXPECT_EQ(smmu_.memory().Peek64(0x600000), uint64_t{0x1234} << 32);
}

TEST_F(SmmuTest, ConfigurationFaultsComeBeforeWalkFaults) {
  // R-TXN-001, R-TXN-014: an ILLEGAL CD is reported even though the walk would also fault.
  Enable();
  MapS1(3);
  W(0x300000, kCdDw0 & ~(uint64_t{1} << 31));  // CD.V=0
  auto o = One(T(3, 0x5000));
  ASSERT_TRUE(o.event.has_value());
  EXPECT_EQ(o.event->type, EventType::C_BAD_CD);
}

namespace {
// STE for SID 4 with S1CDMax=2 (4 CDs, linear table at 0x300000) and the given S1DSS; CD[0] maps
// VA 0x1000 -> 0x800000 and CD[1] has V=0.
void MapSubstreams(SmmuTest* t, Smmu& s, unsigned s1dss) {
  s.memory().Write64(kStrtab + 4 * 64, 0x30000b | (uint64_t{2} << 59));
  s.memory().Write64(kStrtab + 4 * 64 + 8, s1dss);
  s.memory().Write64(0x300000, kCdDw0);
  s.memory().Write64(0x300008, 0x400000);
  s.memory().Write64(0x400000, 0x401003);
  s.memory().Write64(0x401000, 0x402003);
  s.memory().Write64(0x402000, 0x403003);
  s.memory().Write64(0x403008, 0x800403);
}
spec::Txn Sub(uint32_t ssid) {
  spec::Txn t = T(4, 0x1234);
  t.ssv = true;
  t.ssid = ssid;
  return t;
}
}  // namespace

TEST_F(SmmuTest, S1dssTerminateDisablesTrafficWithoutSubstream) {
  // R-TXN-012 (0b00), and SubstreamID 0 uses CD[0]
  Enable();
  MapSubstreams(this, smmu_, 0);
  auto o = One(T(4, 0x1234));
  ASSERT_TRUE(o.event.has_value());
  EXPECT_EQ(o.event->type, EventType::F_STREAM_DISABLED);
  EXPECT_EQ(One(Sub(0)).pa, 0x800234u);
}

TEST_F(SmmuTest, S1dssBypassSkipsStageOneForTrafficWithoutSubstream) {
  // R-TXN-012 (0b01), R-TXN-005: the IAS check of a bypassed stage 1
  Enable();
  MapSubstreams(this, smmu_, 1);
  EXPECT_EQ(One(T(4, 0x1234)).pa, 0x1234u);
  auto big = One(T(4, uint64_t{1} << 48));
  ASSERT_TRUE(big.event.has_value());
  EXPECT_EQ(big.event->type, EventType::F_ADDR_SIZE);
  EXPECT_FALSE(big.event->s2);
  EXPECT_EQ(big.event->cls, spec::FaultClass::IN);
}

TEST_F(SmmuTest, S1dssSubstream0ReservesCdZeroForTrafficWithoutSubstream) {
  // R-TXN-012 (0b10), R-TXN-011
  Enable();
  MapSubstreams(this, smmu_, 2);
  EXPECT_EQ(One(T(4, 0x1234)).pa, 0x800234u);
  auto o = One(Sub(0));
  ASSERT_TRUE(o.event.has_value());
  EXPECT_EQ(o.event->type, EventType::F_STREAM_DISABLED);
  // R-FAULT-009: F_STREAM_DISABLED records only the StreamID; SSV and SubstreamID are RES0.
  EXPECT_FALSE(o.event->ssv);
  EXPECT_EQ(o.event->ssid, 0u);
}

TEST_F(SmmuTest, SubstreamBeyondS1CdMaxIsBadSubstreamId) {
  // R-TXN-010; CD[1] invalid gives C_BAD_CD (R-TXN-014)
  Enable();
  MapSubstreams(this, smmu_, 0);
  auto o = One(Sub(4));
  ASSERT_TRUE(o.event.has_value());
  EXPECT_EQ(o.event->type, EventType::C_BAD_SUBSTREAMID);
  auto cd = One(Sub(1));
  ASSERT_TRUE(cd.event.has_value());
  EXPECT_EQ(cd.event->type, EventType::C_BAD_CD);
}

TEST_F(SmmuTest, InvalidL1CdIsBadSubstreamId) {
  // R-TXN-013: S1Fmt=0b01 (2-level, 4KB leaves), S1CDMax=8; L1CD[0] valid, L1CD[1] V=0.
  Enable();
  MapSubstreams(this, smmu_, 0);
  W(kStrtab + 4 * 64, 0x30001b | (uint64_t{8} << 59));
  W(0x300000, 0x600001);  // L1CD[0] -> leaf at 0x600000
  W(0x600000 + 3 * 64, kCdDw0);
  W(0x600000 + 3 * 64 + 8, 0x400000);
  EXPECT_EQ(One(Sub(3)).pa, 0x800234u);
  auto o = One(Sub(64));
  ASSERT_TRUE(o.event.has_value());
  EXPECT_EQ(o.event->type, EventType::C_BAD_SUBSTREAMID);
}

TEST_F(SmmuTest, NestedCdFetchFaultIsStageTwoClassCd) {
  // R-TXN-008, R-FAULT-007: Config 0b111 whose stage 2 (4K, S2T0SZ=25, SL0=1, S2R=1) has no
  // mapping for the CD's IPA 0x300000.
  Enable();
  W(kStrtab + 5 * 64, 0x30000f);
  W(kStrtab + 5 * 64 + 16, (uint64_t{25} << 32) | (uint64_t{1} << 38) | (uint64_t{5} << 48) | (uint64_t{1} << 51) |
                               (uint64_t{1} << 58));
  W(kStrtab + 5 * 64 + 24, 0x700000);
  auto o = One(T(5, 0x1000));
  ASSERT_TRUE(o.event.has_value()) << spec::ToString(o);
  EXPECT_EQ(o.event->type, EventType::F_TRANSLATION) << spec::ToString(o);
  EXPECT_TRUE(o.event->s2);
  EXPECT_EQ(o.event->cls, spec::FaultClass::CD);
  EXPECT_EQ(o.event->ipa, 0x300000u);
}

TEST_F(SmmuTest, GbpaKeepsItsAttributeFields) {
  // R-REG-004: SHCFG[13:12]=0b01 and ABORT written with UPDATE; reserved bits [30:21] dropped.
  smmu_.WriteReg(Reg::GBPA, (1u << 31) | (1u << 12) | (1u << 25));
  EXPECT_EQ(smmu_.ReadReg(Reg::GBPA), 1u << 12);
}

TEST_F(SmmuTest, AbortedSyncMsiRaisesMsiCmdqAbtErr) {
  // R-CMDQ-011
  Enable();
  smmu_.memory().AddAbortRange(0x600000, 8);
  PutCmd(smmu_, 0x46 | (1u << 12) | (uint64_t{0x1234} << 32), 0x600004);
  smmu_.ProcessCommands();
  EXPECT_EQ(smmu_.ReadReg(Reg::GERROR) & (1u << 4), 1u << 4);
  EXPECT_EQ(smmu_.ReadReg(Reg::CMDQ_CONS), 1u);
}
