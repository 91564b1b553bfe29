// Event record merging (R-EVTQ-008, C-EVT-006 [IHI0070 §7.3.1]): which events may be merged into
// the last record written, and that a merged outcome writes no record.
#include "smmuref/model/arch/evtq.h"

#include <gtest/gtest.h>

#include "smmuref/model/arch/smmu.h"

using namespace smmuref;
using model::arch::MayMergeEvent;
using spec::EventRecord;
using spec::EventType;

namespace {

EventRecord Translation(uint64_t addr) {
  EventRecord e;
  e.type = EventType::F_TRANSLATION;
  e.sid = 3;
  e.rnw = true;
  e.cls = spec::FaultClass::IN;
  e.input_addr = addr;
  return e;
}

}  // namespace

TEST(EventMerging, TranslationFaultsMergeOnlyWithMevAndIgnoreTheLowTwelveAddressBits) {
  const EventRecord a = Translation(0x5000);
  EXPECT_TRUE(MayMergeEvent(Translation(0x5ff8), a, true, 48));
  EXPECT_FALSE(MayMergeEvent(Translation(0x5ff8), a, false, 48));  // STE.MEV=0
  EXPECT_FALSE(MayMergeEvent(Translation(0x6000), a, true, 48));   // another page
  EventRecord w = Translation(0x5000);
  w.rnw = false;
  EXPECT_FALSE(MayMergeEvent(w, a, true, 48));  // RnW differs
  EventRecord stalled = Translation(0x5000), prev_stalled = a;
  stalled.stall = prev_stalled.stall = true;
  EXPECT_FALSE(MayMergeEvent(stalled, prev_stalled, true, 48));  // Stall=1: never merged
}

TEST(EventMerging, EventsBeforeAnSteIsLocatedMayAlwaysBeMerged) {
  EventRecord bad;
  bad.type = EventType::C_BAD_STE;
  bad.sid = 5;
  EventRecord other = bad;
  other.input_addr = 0x7000;  // not a C_BAD_STE field: RES0 in the record, not compared
  EXPECT_TRUE(MayMergeEvent(bad, bad, false, 48));
  other.sid = 6;
  EXPECT_FALSE(MayMergeEvent(other, bad, false, 48));
  EventRecord c = bad;
  c.type = EventType::C_BAD_CD;  // after the STE: needs MEV
  EXPECT_FALSE(MayMergeEvent(c, c, false, 48));
  EXPECT_TRUE(MayMergeEvent(c, c, true, 48));
}

TEST(EventMerging, AMergedOutcomeWritesNoRecord) {
  auto p = spec::LoadProfile("full");
  ASSERT_TRUE(p.ok());
  model::arch::Smmu s(*p);
  s.WriteReg(spec::Reg::STRTAB_BASE, 0x100000);
  s.WriteReg(spec::Reg::STRTAB_BASE_CFG, 0x4);
  s.WriteReg(spec::Reg::EVENTQ_BASE, 0x200004);
  for (spec::Reg r : {spec::Reg::EVENTQ_PROD, spec::Reg::EVENTQ_CONS}) s.WriteReg(r, 0);
  s.WriteReg(spec::Reg::CR0, 0x5);
  spec::Txn t;
  t.sid = 5;  // its STE is zero: C_BAD_STE
  auto first = s.Translate(t);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);  // nothing written yet to merge into
  s.Commit(first->front());
  EXPECT_EQ(s.ReadReg(spec::Reg::EVENTQ_PROD), 1u);
  auto second = s.Translate(t);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 2u);
  EXPECT_FALSE((*second)[0].merged);
  ASSERT_TRUE((*second)[1].merged);
  s.Commit((*second)[1]);
  EXPECT_EQ(s.ReadReg(spec::Reg::EVENTQ_PROD), 1u);
  // Reprogramming the queue ends merging into the old record.
  s.WriteReg(spec::Reg::CR0, 0x1);
  s.WriteReg(spec::Reg::CR0, 0x5);
  auto third = s.Translate(t);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->size(), 1u);
}
