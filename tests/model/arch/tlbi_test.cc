// TLB invalidation scopes where the architecture guarantees less than the operands suggest, and
// the time an invalidation may take effect (spec/choices.md C-CACHE-006..016, C-CMDQ-002;
// rules R-TLBI-*, R-SYNC-003).
#include <gtest/gtest.h>

#include <set>

#include "smmuref/model/arch/cache.h"
#include "smmuref/model/arch/cmdq.h"
#include "smmuref/model/arch/smmu.h"

using namespace smmuref;
using model::arch::FetchKind;
using model::arch::FetchTag;
using model::arch::Invalidation;
using model::arch::Smmu;
using spec::Reg;
using spec::TxnOutcome;

namespace {

spec::Profile Load(const char* name, std::vector<std::string> o = {}) {
  auto p = spec::LoadProfile(name, o);
  EXPECT_TRUE(p.ok()) << p.error().ToString();
  return *p;
}

Invalidation Decode(uint64_t dw0, uint64_t dw1, const spec::Profile& p, int e2h = 0) {
  const uint64_t cmd[2] = {dw0, dw1};
  Invalidation inv;
  EXPECT_TRUE(model::arch::DecodeInvalidation(cmd, p, &inv, e2h));
  return inv;
}

FetchTag Leaf(uint64_t va, uint16_t asid = 1) {
  FetchTag t;
  t.va = va;
  t.asid = asid;
  t.level = 3;
  t.granule_shift = 12;
  return t;
}

bool Covers(const Invalidation& inv, const FetchTag& t, const spec::Profile& p, bool leaf = true) {
  return model::arch::Covers(inv, FetchKind::kS1Desc, t, leaf, false, p);
}

}  // namespace

TEST(TlbiScope, ATaggedVaGuaranteesNothingACanonicalOneMatchesTheEntry) {
  // C-CACHE-010: entries are held without the top byte; a TLBI VA with a tag may be ignored.
  const auto p = Load("full");
  const auto tagged = Decode(0x1000000000012ull, 0xab00000000001000ull, p);  // NH_VA ASID 1
  EXPECT_TRUE(tagged.none);
  const auto plain = Decode(0x1000000000012ull, 0x1000, p);
  EXPECT_FALSE(plain.none);
  EXPECT_TRUE(Covers(plain, Leaf(0xab00000000001000ull), p)) << "a TBI-tagged access's entry";
}

TEST(TlbiScope, UpperAsidAndVmidBitsWithoutSixteenBitSupportGuaranteeNothing) {
  // C-CACHE-008, C-CACHE-009
  const auto p8 = Load("full", {"asid16=0", "vmid16=0"});
  EXPECT_TRUE(Decode((uint64_t{0x101} << 48) | 0x11, 0, p8).none);  // NH_ASID ASID 0x101
  EXPECT_FALSE(Decode((uint64_t{0x10} << 48) | 0x11, 0, p8).none);  // ASID 0x10
  EXPECT_TRUE(Decode(0x0000010000000010ull, 0, p8).none);  // NH_ALL VMID 0x100
  const auto s1 = Load("s1only-nossid");
  EXPECT_TRUE(Decode(0x0000000500000010ull, 0, s1).none);  // VMID 5 without stage 2
  EXPECT_FALSE(Decode(0x10, 0, s1).none);
}

TEST(TlbiScope, IpaBeyondTheIasGuaranteesNothing) {
  // C-CACHE-011
  const auto p = Load("full");
  EXPECT_TRUE(Decode(0x2a, uint64_t{1} << 48, p).none);  // S2_IPA IPA 2^48, IAS 48
  EXPECT_FALSE(Decode(0x2a, 0x1000, p).none);
}

TEST(TlbiScope, MisalignedTtlRangesAreUnpredictable) {
  // C-CACHE-012: TG=4KB TTL=2 (level-2 blocks) with Address[20:12] not zero.
  const auto p = Load("full-v32");
  const uint64_t range = (uint64_t{1} << 10) | (uint64_t{2} << 8);  // DW1: TG=01, TTL=2
  EXPECT_TRUE(Decode(0x1000000000012ull | (1u << 12), range | 0x201000, p).none);
  EXPECT_FALSE(Decode(0x1000000000012ull | (1u << 12), range | 0x200000, p).none);
}

TEST(TlbiScope, TtlLeavesTableEntriesAtAndBelowItsLevel) {
  // C-CACHE-014: TTL=3: leaf entries of level 3 and table entries of levels 0-2.
  const auto p = Load("full-v32");
  const auto inv = Decode(0x1000000000012ull | (1u << 12),
                          (uint64_t{1} << 10) | (uint64_t{3} << 8) | 0x1000, p);
  FetchTag table = Leaf(0x1000);
  table.level = 2;
  EXPECT_TRUE(Covers(inv, table, p, false));
  EXPECT_TRUE(Covers(inv, Leaf(0x1000), p));
  const auto ttl2 = Decode(0x1000000000012ull | (1u << 12),
                           (uint64_t{1} << 10) | (uint64_t{2} << 8) | 0x200000, p);
  EXPECT_FALSE(Covers(ttl2, table, p, false)) << "level-2 table entries are not required";
}

TEST(TlbiScope, ARangeDoesNotReachIntoTheOtherHalf) {
  // C-CACHE-013
  const auto p = Load("full-v32");
  // NH_VA ASID 1 range from 0x7fffffffe000 over 32 pages (NUM=31, SCALE=0, TG=4KB).
  const auto inv = Decode(0x1000000000012ull | (31u << 12), (uint64_t{1} << 10) | 0x7fffffffe000ull, p);
  EXPECT_FALSE(inv.none);
  EXPECT_TRUE(Covers(inv, Leaf(0x7fffffffe000ull), p));
  EXPECT_FALSE(Covers(inv, Leaf(0xffff800000000000ull), p));
}

TEST(TlbiScope, El2FormsActOnTheWorldE2hSelects) {
  // C-CACHE-016, R-TLBI-008
  const auto p = Load("full-v32");
  FetchTag el2 = Leaf(0x1000, 0);
  el2.el2 = true;
  el2.world = static_cast<unsigned>(model::arch::StreamWorld::kNsEl2);
  FetchTag e2h = Leaf(0x1000, 5);
  e2h.el2 = true;
  e2h.world = static_cast<unsigned>(model::arch::StreamWorld::kNsEl2E2H);
  const auto va_e2h0 = Decode(0x0005000000000022ull, 0x1000, p, 0);  // EL2_VA ASID 5
  EXPECT_TRUE(Covers(va_e2h0, el2, p));
  EXPECT_FALSE(Covers(va_e2h0, e2h, p));
  const auto va_e2h1 = Decode(0x0005000000000022ull, 0x1000, p, 1);
  EXPECT_TRUE(Covers(va_e2h1, e2h, p));
  EXPECT_FALSE(Covers(va_e2h1, el2, p));
  EXPECT_TRUE(Decode(0x0005000000000022ull, 0x1000, p, -1).none);
  const auto asid = Decode(0x0005000000000021ull, 0, p, 1);  // EL2_ASID 5
  EXPECT_TRUE(Covers(asid, e2h, p));
  EXPECT_FALSE(Covers(asid, el2, p)) << "NS-EL2 entries have no ASID";
}

TEST(CommandTiming, AnInvalidationMayBeConsumedWhenItsProdWriteIsMade) {
  // C-CMDQ-002, C-CACHE-006: a value fetched after the PROD write that published a TLBI may
  // survive it, although the queue is processed only later.
  Smmu s(Load("full"));
  auto W = [&](uint64_t pa, uint64_t v) { s.memory().Write64(pa, v); };
  W(0x1000c0, 0x30000b);
  W(0x300000, 0x16205c0000010ull);
  W(0x300008, 0x400000);
  W(0x400000, 0x401003);
  W(0x401000, 0x402003);
  W(0x402000, 0x403003);
  W(0x403008, 0x800403);
  s.WriteReg(Reg::STRTAB_BASE, 0x100000);
  s.WriteReg(Reg::STRTAB_BASE_CFG, 4);
  s.WriteReg(Reg::EVENTQ_BASE, 0x200004);
  s.WriteReg(Reg::CMDQ_BASE, 0x210004);
  for (Reg r : {Reg::CMDQ_PROD, Reg::CMDQ_CONS, Reg::EVENTQ_PROD, Reg::EVENTQ_CONS}) {
    s.WriteReg(r, 0);
  }
  s.WriteReg(Reg::CR0, 0xd);
  W(0x403008, 0x900403);                               // remap
  W(0x210000, 0x1000000000012ull);                     // TLBI_NH_VA ASID 1 VA 0x1000
  W(0x210008, 0x1000);
  W(0x210010, 0x46);                                   // CMD_SYNC
  W(0x210018, 0);
  s.WriteReg(Reg::CMDQ_PROD, 2);
  EXPECT_NE(s.RegUnknownMask(Reg::CMDQ_CONS) & 0x1f, 0u) << "CONS may already have moved";
  W(0x403008, 0xa00403);                               // remap again, after the PROD write
  s.ProcessCommands();
  spec::Txn t;
  t.sid = 3;
  t.addr = 0x1000;
  t.priv = true;
  std::set<uint64_t> pas;
  const auto outcomes = s.Translate(t);
  ASSERT_TRUE(outcomes.ok());
  for (const auto& o : *outcomes) {
    EXPECT_EQ(o.kind, TxnOutcome::Kind::kOk) << spec::ToString(o);
    pas.insert(o.pa);
  }
  EXPECT_EQ(pas, (std::set<uint64_t>{0x900000, 0xa00000}))
      << "0x900000 may have been fetched after the TLBI was consumed; 0x800000 not";
  EXPECT_EQ(s.RegUnknownMask(Reg::CMDQ_CONS) & 0x1f, 0u);
}

TEST(TlbiScope, OverInvalidationIsAlwaysAllowed) {
  // C-CACHE-007: a device may invalidate more than a command requires; what it then returns is
  // the current value, which every read allows. A TLBI of another ASID leaves ASID 1's stale
  // entry allowed, and the current one.
  const auto p = Load("full");
  const auto other = Decode((uint64_t{2} << 48) | 0x11, 0, p);  // NH_ASID ASID 2
  EXPECT_FALSE(Covers(other, Leaf(0x1000, 1), p));
  Smmu s(p);
  model::arch::FetchTag tag = Leaf(0x1000);
  const auto c = model::arch::WordCandidates(s.memory(), s.cache(), p, FetchKind::kS1Desc, tag,
                                             0x403008);
  ASSERT_FALSE(c.empty());
  EXPECT_TRUE(c.front().current);
}
