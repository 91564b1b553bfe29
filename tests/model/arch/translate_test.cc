// The transaction path where the architecture allows several outcomes: a CD-table pointer beyond
// the IAS with stage 2 enabled (C-STE-002, C-CD-002; R-STE-011, R-CD-023).
#include "smmuref/model/arch/translate.h"

#include <gtest/gtest.h>

#include <set>

#include "smmuref/model/arch/smmu.h"

using namespace smmuref;
using model::arch::Smmu;
using spec::Reg;

namespace {

// Event types (or "ok") the model allows.
std::set<std::string> Events(const Smmu& s, uint32_t sid, bool ssv, uint32_t ssid) {
  spec::Txn t;
  t.sid = sid;
  t.ssv = ssv;
  t.ssid = ssid;
  t.addr = 0x1000;
  const auto r = s.Translate(t);
  EXPECT_TRUE(r.ok());
  std::set<std::string> out;
  for (const auto& o : *r) out.insert(o.event ? spec::EventTypeName(o.event->type) : "ok");
  return out;
}

class NestedPointers : public ::testing::Test {
 protected:
  NestedPointers() : smmu_(*spec::LoadProfile("full")) {
    auto W = [&](uint64_t pa, uint64_t v) { smmu_.memory().Write64(pa, v); };
    // SID 7: nested, S1ContextPtr = IPA 2^50 (beyond the 48-bit IAS).
    W(0x1001c0, (uint64_t{1} << 50) | 0xf);
    W(0x1001d0, 0x40d005800000001ull);  // S2VMID=1 S2T0SZ=24 S2SL0=1 4KB S2PS=48 S2AA64 S2R
    W(0x1001d8, 0x800000);
    // SID 8: nested, 2-level CD table (S1Fmt=0b10, S1CDMax=11) whose L1CD points beyond the IAS.
    W(0x100200, 0x5800000040a0002full);
    W(0x100210, 0x40d005800000001ull);
    W(0x100218, 0x800000);
    W(0x800008, 0xa00003);
    W(0xa00028, 0x12004fd);  // S2 block IPA 0x40a00000 -> PA 0x1200000
    W(0x1200000, (uint64_t{1} << 50) | 1);
    smmu_.WriteReg(Reg::STRTAB_BASE, 0x100000);
    smmu_.WriteReg(Reg::STRTAB_BASE_CFG, 4);
    smmu_.WriteReg(Reg::EVENTQ_BASE, 0x200004);
    smmu_.WriteReg(Reg::CMDQ_BASE, 0x210004);
    for (Reg r : {Reg::CMDQ_PROD, Reg::CMDQ_CONS, Reg::EVENTQ_PROD, Reg::EVENTQ_CONS}) {
      smmu_.WriteReg(r, 0);
    }
    smmu_.WriteReg(Reg::CR0, 0xd);
  }
  Smmu smmu_;
};

}  // namespace

TEST_F(NestedPointers, S1ContextPtrBeyondTheIasIsIllegalOrAStage2Fault) {
  // C-STE-002, R-STE-011
  EXPECT_EQ(Events(smmu_, 7, false, 0), (std::set<std::string>{"C_BAD_STE", "F_TRANSLATION"}));
}

TEST_F(NestedPointers, L1CdPointerBeyondTheIasIsABadSubstreamOrAStage2Fault) {
  // C-CD-002, R-CD-023
  EXPECT_EQ(Events(smmu_, 8, true, 1),
            (std::set<std::string>{"C_BAD_SUBSTREAMID", "F_TRANSLATION"}));
}
