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
void WriteEvent(Registers& regs, Memory& mem, const spec::Profile& p, const spec::EventRecord& e);

}  // namespace smmuref::model::arch
