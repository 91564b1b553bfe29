// Faults as values, and the one function that turns a fault into an event record and a
// transaction outcome [IHI0070 §3.12, §5.5, §7.3].
// Tests: tests/model/arch/smmu_test.cc
#pragma once

#include <cstdint>
#include <string>

#include "smmuref/spec/observation.h"

namespace smmuref::model::arch {

// Every reason a translation can fail, as produced by the lookup and walk steps.
struct Fault {
  spec::EventType type = spec::EventType::F_TRANSLATION;
  bool s2 = false;                           // stage-2 fault (translation faults only)
  spec::FaultClass cls = spec::FaultClass::IN;  // translation faults and F_WALK_EABT
  uint64_t ipa = 0;         // stage-2 faults: the IPA being translated (by class)
  uint64_t fetch_addr = 0;  // F_STE_FETCH, F_CD_FETCH, F_WALK_EABT: PA of the failed read
  bool ttrnw = false;       // F_PERMISSION with CLASS=TT: 1 = descriptor read
  int level = 0;            // walk level, for reports only
  bool silent = false;      // abort without any event (e.g. STE Config 0b0xx)
  const char* rule = "";    // rule id that decided it, e.g. "R-WALK-007"
};

// True for the four faults that obey the A/R/S fault configuration [IHI0070 §5.5]:
// F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION.
bool IsTranslationFault(spec::EventType t);

// How the stage that faulted is configured to respond [IHI0070 §5.5]: stage 1 uses CD.{A,R,S},
// stage 2 uses STE.{S2R,S2S} with an implied A=1. Stall is out of scope (STALL_MODEL=0b01 makes
// S=1 ILLEGAL), so S never reaches here.
struct FaultConfig {
  bool a = true;  // 1: abort; 0: RAZ/WI
  bool r = true;  // record the event
};

// Builds the event record for `fault` on transaction `txn` (R-FAULT-*), and the outcome:
// translation faults per `cfg`; every other fault aborts and records.
spec::TxnOutcome MakeFaultOutcome(const spec::Txn& txn, const Fault& fault, FaultConfig cfg);
spec::EventRecord MakeEventRecord(const spec::Txn& txn, const Fault& fault);

}  // namespace smmuref::model::arch
