// Stream table lookup: addresses at or above the OAS (R-STRTAB-011, C-STRTAB-001) and queue
// addresses truncated to the OAS (R-CMDQ-012, R-EVTQ-007).
#include "smmuref/model/arch/strtab.h"

#include <gtest/gtest.h>

#include <set>

#include "smmuref/model/arch/smmu.h"

using namespace smmuref;
using model::arch::Smmu;
using spec::Reg;
using spec::TxnOutcome;

namespace {

spec::Profile Oas44() {
  auto p = spec::LoadProfile("s1only-nossid");  // OAS 44 bits
  EXPECT_TRUE(p.ok());
  return *p;
}

void Program(Smmu& s, uint64_t strtab_base, uint64_t queue_high) {
  s.WriteReg(Reg::STRTAB_BASE, strtab_base);
  s.WriteReg(Reg::STRTAB_BASE_CFG, 0x4);
  s.WriteReg(Reg::EVENTQ_BASE, queue_high | 0x200004);
  s.WriteReg(Reg::CMDQ_BASE, queue_high | 0x210004);
  for (Reg r : {Reg::CMDQ_PROD, Reg::CMDQ_CONS, Reg::EVENTQ_PROD, Reg::EVENTQ_CONS}) {
    s.WriteReg(r, 0);
  }
  s.WriteReg(Reg::CR2, 0x2);
}

}  // namespace

TEST(StrtabAddressSize, AnSteAddressBeyondTheOasIsTruncatedOrFaults) {
  // R-STRTAB-011, C-STRTAB-001
  Smmu s(Oas44());
  Program(s, uint64_t{1} << 48 | 0x100000, 0);
  s.memory().Write64(0x100040, 0x9);  // SID 1 bypasses in the truncated table
  s.WriteReg(Reg::CR0, 0xd);
  spec::Txn t;
  t.sid = 1;
  t.addr = 0x1234;
  const auto r = s.Translate(t);
  ASSERT_TRUE(r.ok());
  std::set<std::string> kinds;
  for (const auto& o : *r) {
    if (o.kind == TxnOutcome::Kind::kOk) kinds.insert("ok");
    if (o.event && o.event->type == spec::EventType::F_STE_FETCH) {
      kinds.insert("fetch");
      EXPECT_EQ(o.event->fetch_addr, (uint64_t{1} << 48) | 0x100040) << "the calculated address";
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"ok", "fetch"}));
}

TEST(StrtabAddressSize, QueueAddressesAreTruncatedToTheOas) {
  // R-CMDQ-012, R-EVTQ-007
  Smmu s(Oas44());
  Program(s, 0x100000, uint64_t{1} << 50);
  s.WriteReg(Reg::CR0, 0xd);
  s.memory().Write64(0x210000, 0x46);  // CMD_SYNC at the truncated queue address
  s.WriteReg(Reg::CMDQ_PROD, 1);
  s.ProcessCommands();
  EXPECT_EQ(s.ReadReg(Reg::CMDQ_CONS), 1u);
  EXPECT_EQ(s.ReadReg(Reg::GERROR), 0u);
  spec::Txn t;
  t.sid = 20;  // beyond LOG2SIZE: C_BAD_STREAMID, recorded at the truncated event queue address
  const auto r = s.Translate(t);
  ASSERT_TRUE(r.ok());
  s.Commit(r->front());
  EXPECT_EQ(s.memory().Peek64(0x200000) & 0xff, 0x02u);
}
