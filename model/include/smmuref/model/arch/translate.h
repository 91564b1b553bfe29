// The path of one client transaction through the SMMU: global bypass, stream table, STE,
// substream selection, CD, stage 1, stage 2, and the fault that stops it [IHI0070 §3.3, §3.4,
// §5.2, §7.3 (priority)]. Every structure read goes through a Fetcher, so the same function
// yields each allowed outcome when the fetcher offers cached values.
// Tests: tests/model/arch/smmu_test.cc and every vector in corpus/vectors/.
#pragma once

#include "smmuref/model/arch/memory.h"
#include "smmuref/model/arch/strtab.h"
#include "smmuref/spec/observation.h"
#include "smmuref/spec/profile.h"

namespace smmuref::model::arch {

struct TranslateContext {
  const spec::Profile* p = nullptr;
  bool smmuen = false;      // CR0.SMMUEN
  bool gbpa_abort = false;  // GBPA.ABORT
  bool e2h = false;         // CR2.E2H
  StrtabRegs strtab;
  // Register state the transaction depends on that is UNKNOWN (Registers::UnknownMask): each
  // alternative is enumerated, or, for the stream table base, any outcome is allowed.
  bool gbpa_abort_unknown = false;
  bool e2h_unknown = false;
  bool recinvsid_unknown = false;
  bool strtab_unknown = false;
  // The last record written to the event queue, if merging into it is still possible
  // (C-EVT-006); null otherwise.
  const spec::EventRecord* last_record = nullptr;
};

spec::TxnOutcome TranslateTxn(const TranslateContext& ctx, const spec::Txn& txn, Fetcher& fetch);

}  // namespace smmuref::model::arch
