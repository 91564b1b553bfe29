// Which fields each event record defines (spec/include/smmuref/spec/event_defined.def) and how
// records are compared: defined fields by name, UNKNOWN and IMPLEMENTATION DEFINED fields never, RES0 fields
// against zero (R-FAULT-009, C-EVT-001, C-EVT-002, C-EVT-003).
#include <gtest/gtest.h>

#include "smmuref/spec/observation.h"

using namespace smmuref::spec;

namespace {

bool Defines(EventType t, EventField f) {
  for (const auto& d : DefinedFields(t)) {
    if (d.field == f && d.when != FieldWhen::kImpDef && d.when != FieldWhen::kShared) return true;
  }
  return false;
}

EventRecord Translation(bool s2) {
  EventRecord e;
  e.type = EventType::F_TRANSLATION;
  e.sid = 3;
  e.input_addr = 0x1234;
  e.rnw = true;
  e.s2 = s2;
  e.cls = FaultClass::IN;
  e.ipa = s2 ? 0x5000 : 0;
  return e;
}

}  // namespace

TEST(EventFields, ConfigurationErrorsHaveNoInputAddr) {
  // R-FAULT-009: the review's first finding: these layouts have no InputAddr.
  for (EventType t : {EventType::C_BAD_STE, EventType::C_BAD_STREAMID, EventType::F_STE_FETCH,
                      EventType::C_BAD_CD, EventType::C_BAD_SUBSTREAMID,
                      EventType::F_STREAM_DISABLED, EventType::F_CD_FETCH}) {
    EXPECT_FALSE(Defines(t, EventField::InputAddr)) << EventTypeName(t);
    EXPECT_TRUE(Defines(t, EventField::StreamID)) << EventTypeName(t);
  }
  EXPECT_TRUE(Defines(EventType::F_TRANSLATION, EventField::InputAddr));
  EXPECT_TRUE(Defines(EventType::F_WALK_EABT, EventField::InputAddr));
  EXPECT_FALSE(Defines(EventType::F_STREAM_DISABLED, EventField::SSV));
  EXPECT_FALSE(Defines(EventType::C_BAD_SUBSTREAMID, EventField::SSV));
  EXPECT_TRUE(Defines(EventType::C_BAD_SUBSTREAMID, EventField::SubstreamID));
  EXPECT_TRUE(Defines(EventType::F_PERMISSION, EventField::TTRnW));
  EXPECT_FALSE(Defines(EventType::F_TRANSLATION, EventField::TTRnW));
}

TEST(EventFields, Res0FieldMustBeZeroAndIsNamed) {
  EventRecord model;
  model.type = EventType::C_BAD_STE;
  model.sid = 2;
  EventRecord device = model;
  device.input_addr = 0x1234;  // what the old model wrote
  EXPECT_EQ(EventFieldStatus(model, EventField::InputAddr), FieldStatus::kRes0);
  auto m = CompareEventRecords(device, model, 48);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->field, EventField::InputAddr);
  EXPECT_EQ(m->ToString("qemu"),
            "event C_BAD_STE field InputAddr is RES0 in this record: qemu wrote 0x1234, must be 0");
}

TEST(EventFields, DefinedFieldMismatchNamesTheField) {
  EventRecord device = Translation(false), model = Translation(false);
  device.input_addr = 0x9999;
  auto m = CompareEventRecords(device, model, 48);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->ToString(),
            "event F_TRANSLATION field InputAddr: device wrote 0x9999, the model allows 0x1234");
}

TEST(EventFields, UnknownFieldsAreNeverCompared) {
  // C-EVT-001: IPA of a stage-1 fault, SubstreamID with SSV=0, TTRnW with CLASS!=TT, STAG with
  // Stall=0 may hold anything.
  EventRecord model = Translation(false);
  EventRecord device = model;
  device.ipa = 0xabc000;
  device.ssid = 77;
  device.stag = 9;
  EXPECT_TRUE(EventsAgree(device, model, 48));
  EventRecord perm = model;
  perm.type = EventType::F_PERMISSION;
  EventRecord perm_dev = perm;
  perm_dev.ttrnw = true;
  EXPECT_TRUE(EventsAgree(perm_dev, perm, 48));
  perm.cls = perm_dev.cls = FaultClass::TT;
  EXPECT_FALSE(EventsAgree(perm_dev, perm, 48));  // with CLASS=TT TTRnW is defined
  // A stage-2 fault defines its IPA.
  EventRecord s2 = Translation(true), s2_dev = s2;
  s2_dev.ipa = 0x6000;
  EXPECT_FALSE(EventsAgree(s2_dev, s2, 48));
}

TEST(EventFields, FetchAddrIsComparedBelowTheOas) {
  // C-EVT-003: FetchAddr bits [51:OAS] are UNKNOWN in SMMUv3.1.
  EventRecord model;
  model.type = EventType::F_STE_FETCH;
  model.fetch_addr = 0x1000100000ull;  // above a 32-bit OAS
  EventRecord device = model;
  device.fetch_addr = 0x100000;
  EXPECT_TRUE(EventsAgree(device, model, 32));
  EXPECT_FALSE(EventsAgree(device, model, 48));
}

TEST(EventFields, ImplementationDefinedReasonIsNotCompared) {
  // C-EVT-002: DW1 of F_STE_FETCH holds the IMPLEMENTATION DEFINED Reason.
  EventRecord model;
  model.type = EventType::F_CD_FETCH;
  model.fetch_addr = 0x300000;
  EventRecord device = model;
  device.stag = 0x55;
  device.rnw = true;
  EXPECT_TRUE(EventsAgree(device, model, 48));
}

TEST(EventFields, RecordsPrintOnlyDefinedFields) {
  EventRecord e;
  e.type = EventType::C_BAD_STE;
  e.sid = 5;
  e.input_addr = 0x1234;
  EXPECT_EQ(ToString(e), "C_BAD_STE sid=0x5 ssv=0");
}
