// Event records from faults: the model writes exactly the fields each layout defines
// (R-FAULT-004..009), and the four translation faults follow their stage's fault configuration
// (R-FAULT-001..003).
#include "smmuref/model/arch/fault.h"

#include <gtest/gtest.h>

using namespace smmuref;
using model::arch::Fault;
using model::arch::FaultConfig;
using model::arch::MakeEventRecord;
using model::arch::MakeFaultOutcome;
using spec::EventType;
using spec::FaultClass;

namespace {

spec::Txn Txn() {
  spec::Txn t;
  t.sid = 7;
  t.ssv = true;
  t.ssid = 3;
  t.addr = 0xff00000000001234ull;
  t.priv = true;
  return t;
}

Fault Of(EventType type) {
  Fault f;
  f.type = type;
  f.cls = FaultClass::IN;
  return f;
}

}  // namespace

TEST(MakeEventRecord, ConfigurationErrorsCarryNoInputAddrOrAttributes) {
  // R-FAULT-009: C_BAD_STE has StreamID, SSV and SubstreamID only.
  const auto e = MakeEventRecord(Txn(), Of(EventType::C_BAD_STE));
  EXPECT_EQ(e.sid, 7u);
  EXPECT_TRUE(e.ssv);
  EXPECT_EQ(e.ssid, 3u);
  EXPECT_EQ(e.input_addr, 0u);
  EXPECT_FALSE(e.rnw || e.pnu || e.s2);
}

TEST(MakeEventRecord, StreamDisabledRecordsOnlyTheStreamId) {
  const auto e = MakeEventRecord(Txn(), Of(EventType::F_STREAM_DISABLED));
  EXPECT_EQ(e.sid, 7u);
  EXPECT_FALSE(e.ssv);
  EXPECT_EQ(e.ssid, 0u);
  EXPECT_EQ(e.input_addr, 0u);
}

TEST(MakeEventRecord, BadSubstreamIdHasNoSsv) {
  // R-FAULT-005
  const auto e = MakeEventRecord(Txn(), Of(EventType::C_BAD_SUBSTREAMID));
  EXPECT_FALSE(e.ssv);
  EXPECT_EQ(e.ssid, 3u);
}

TEST(MakeEventRecord, FetchAbortRecordsTheFetchAddressOnly) {
  // R-FAULT-008
  Fault f = Of(EventType::F_CD_FETCH);
  f.fetch_addr = 0x300040;
  const auto e = MakeEventRecord(Txn(), f);
  EXPECT_EQ(e.fetch_addr, 0x300040u);
  EXPECT_EQ(e.input_addr, 0u);
  EXPECT_FALSE(e.rnw);
}

TEST(MakeEventRecord, TranslationFaultRecordsRawInputAddrAndNoStage1Ipa) {
  // R-FAULT-004, R-FAULT-006, R-FAULT-007; C-EVT-001: the IPA of a stage-1 fault is UNKNOWN and
  // written as 0.
  Fault f = Of(EventType::F_TRANSLATION);
  f.ipa = 0x5000;
  const auto e = MakeEventRecord(Txn(), f);
  EXPECT_EQ(e.input_addr, 0xff00000000001234ull);
  EXPECT_TRUE(e.rnw);
  EXPECT_TRUE(e.pnu);
  EXPECT_EQ(e.ipa, 0u);
  f.s2 = true;
  EXPECT_EQ(MakeEventRecord(Txn(), f).ipa, 0x5000u);
}

TEST(MakeEventRecord, TtrnwOnlyWithClassTt) {
  Fault f = Of(EventType::F_PERMISSION);
  f.s2 = true;
  f.ttrnw = true;
  EXPECT_FALSE(MakeEventRecord(Txn(), f).ttrnw);
  f.cls = FaultClass::TT;
  EXPECT_TRUE(MakeEventRecord(Txn(), f).ttrnw);
}

TEST(MakeFaultOutcome, TranslationFaultsFollowTheStageFaultConfiguration) {
  // R-FAULT-001, R-FAULT-002, R-FAULT-003
  const auto raz = MakeFaultOutcome(Txn(), Of(EventType::F_ACCESS), FaultConfig{false, false});
  EXPECT_EQ(raz.kind, spec::TxnOutcome::Kind::kRazWi);
  EXPECT_FALSE(raz.event.has_value());
  const auto bad = MakeFaultOutcome(Txn(), Of(EventType::C_BAD_CD), FaultConfig{false, false});
  EXPECT_EQ(bad.kind, spec::TxnOutcome::Kind::kAbort);
  EXPECT_TRUE(bad.event.has_value());
  Fault silent = Of(EventType::C_BAD_STE);
  silent.silent = true;
  EXPECT_FALSE(MakeFaultOutcome(Txn(), silent, FaultConfig{}).event.has_value());
}
