// The event queue producer: writes event records, wrap arithmetic, overflow [IHI0070 §7.1-§7.2].
// Tests: tests/model/arch/smmu_test.cc, corpus/vectors/evtq/*.vec
#pragma once

#include "smmuref/model/arch/memory.h"
#include "smmuref/model/arch/regs.h"
#include "smmuref/spec/observation.h"
#include "smmuref/spec/profile.h"

namespace smmuref::model::arch {

// Attempts to write `e` to the event queue: discarded if the queue is disabled or unwritable;
// if full, discarded and the overflow flag raised.
// Returns whether the record reached the queue.
bool WriteEvent(Registers& regs, Memory& mem, const spec::Profile& p, const spec::EventRecord& e);
// Whether event `e` may be merged into `prev`, the last record written to the queue
// (R-EVTQ-008, C-EVT-006): STE.MEV=1 (`mev`), or an event that may occur before an STE is
// located; Stall=0; identical in every defined field, InputAddr[11:0] aside for the types whose
// definition says so.
bool MayMergeEvent(const spec::EventRecord& e, const spec::EventRecord& prev, bool mev,
                   unsigned oas_bits);

// The event queue's producer state becomes UNKNOWN (EVENTQ_PROD, GERROR.EVENTQ_ABT_ERR): a record
// may have been written anywhere (C-EVT-005). Reads of it are not compared from then on.
void MarkEventQueueUnknown(Registers& regs);
// Whether the registers the event queue producer uses are all known.
bool EventQueueKnown(const Registers& regs, const spec::Profile& p);

}  // namespace smmuref::model::arch
