// Fault configuration (terminate/record) and event records [IHI0070 §5.5, §7.3].
// Tests: tests/model/arch/smmu_test.cc, corpus/vectors/fault/*.vec
#include "smmuref/model/arch/fault.h"

#include "smmuref/spec/coverage.h"

namespace smmuref::model::arch {

using spec::EventType;

bool IsTranslationFault(EventType t) {
  return t == EventType::F_TRANSLATION || t == EventType::F_ADDR_SIZE ||
         t == EventType::F_ACCESS || t == EventType::F_PERMISSION;
}

namespace {
bool IsFetchFault(EventType t) {
  return t == EventType::F_STE_FETCH || t == EventType::F_CD_FETCH ||
         t == EventType::F_WALK_EABT || t == EventType::F_VMS_FETCH;
}
}  // namespace

spec::EventRecord MakeEventRecord(const spec::Txn& txn, const Fault& fault) {
  spec::EventRecord e;
  e.type = fault.type;
  e.sid = txn.sid;
  e.input_addr = txn.addr;  // R-FAULT-004: InputAddr is the raw input address, top byte included.
  if (txn.addr >> 56) SMMUREF_RULE("R-FAULT-004");
  if (fault.type == EventType::C_BAD_SUBSTREAMID) {
    // R-FAULT-005: C_BAD_SUBSTREAMID has no SSV bit; its SubstreamID is always valid.
    SMMUREF_RULE("R-FAULT-005");
    e.ssid = txn.ssid;
  } else {
    e.ssv = txn.ssv;
    e.ssid = txn.ssv ? txn.ssid : 0;
  }
  // R-FAULT-006: translation faults and F_WALK_EABT record the access attributes (after STE
  // overrides); writes are always data accesses.
  if (IsTranslationFault(fault.type) || fault.type == EventType::F_WALK_EABT) {
    SMMUREF_RULE("R-FAULT-006");
    e.rnw = !txn.write;
    e.ind = txn.instr && !txn.write;
    e.pnu = txn.priv;
    e.cls = fault.cls;
  }
  if (IsTranslationFault(fault.type)) {
    // R-FAULT-007: S2 says which stage faulted; IPA is recorded for stage-2 faults only.
    SMMUREF_RULE("R-FAULT-007");
    e.s2 = fault.s2;
    if (fault.s2) e.ipa = fault.ipa & ((uint64_t{1} << 56) - 1) & ~uint64_t{0xfff};
    e.ttrnw = fault.type == EventType::F_PERMISSION && fault.cls == spec::FaultClass::TT &&
              fault.ttrnw;
  }
  if (IsFetchFault(fault.type)) {
    // R-FAULT-008: fetch faults record the PA of the failed access in FetchAddr[55:3].
    SMMUREF_RULE("R-FAULT-008");
    // C-EVT-003: the calculated address is recorded whole; bits [51:OAS] are UNKNOWN in a
    // device's record and compared below the OAS only.
    e.fetch_addr = fault.fetch_addr & ((uint64_t{1} << 56) - 1) & ~uint64_t{7};
    if (fault.type == EventType::F_WALK_EABT) e.s2 = fault.s2;
  }
  // R-FAULT-009: the record carries only the fields its layout defines; every other named field
  // is RES0 (spec/include/smmuref/spec/event_defined.def, the one table every comparison uses).
  // C-EVT-001 / C-EVT-002: fields the architecture leaves UNKNOWN in this record (SubstreamID
  // with SSV=0, IPA of a stage-1 fault, TTRnW with CLASS!=TT, STAG with Stall=0) and the
  // IMPLEMENTATION DEFINED Reason are written as 0 here and never compared.
  SMMUREF_RULE("R-FAULT-009");
  for (size_t i = 0; i < static_cast<size_t>(spec::EventField::kCount); ++i) {
    const auto f = static_cast<spec::EventField>(i);
    if (spec::EventFieldStatus(e, f) != spec::FieldStatus::kDefined) spec::SetEventField(e, f, 0);
  }
  return e;
}

spec::TxnOutcome MakeFaultOutcome(const spec::Txn& txn, const Fault& fault, FaultConfig cfg) {
  spec::TxnOutcome o;
  o.rule = fault.rule;
  if (fault.silent) {
    // R-FAULT-003: some terminations record nothing (STE Config 0b0xx, C_BAD_STREAMID with
    // CR2.RECINVSID=0); they always abort.
    SMMUREF_RULE("R-FAULT-003");
    o.kind = spec::TxnOutcome::Kind::kAbort;
    return o;
  }
  if (IsTranslationFault(fault.type)) {
    // R-FAULT-002: the four translation faults obey the fault configuration of the stage that
    // faulted: A chooses abort or RAZ/WI, R chooses whether the event is recorded.
    SMMUREF_RULE("R-FAULT-002");
    o.kind = cfg.a ? spec::TxnOutcome::Kind::kAbort : spec::TxnOutcome::Kind::kRazWi;
    if (cfg.r) o.event = MakeEventRecord(txn, fault);
    return o;
  }
  // R-FAULT-001: every other fault aborts the transaction and records an event.
  SMMUREF_RULE("R-FAULT-001");
  o.kind = spec::TxnOutcome::Kind::kAbort;
  o.event = MakeEventRecord(txn, fault);
  return o;
}

}  // namespace smmuref::model::arch
