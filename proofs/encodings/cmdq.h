// The model's command-queue decisions as Z3 terms (model/arch/cmdq.cc, queue.h): the CERROR_ILL
// checks of every command (reserved opcodes, SSec, missing features, CMD_SYNC CS, the reserved
// range form, and with the cmd_res0_ill choice every non-zero reserved field), and the circular
// queue arithmetic (index, wrap, next, empty, full) [IHI0070 §3.5.1, §4.1-§4.7, §7.1].
// Tests: proofs/cross/cmdq_test.cc, tests/proofs/equiv_main.cc
#pragma once

#include "../lib/bv.h"
#include "profile.h"

namespace smmuref::proofs {

// CheckCommand: 0 none, 1 CERROR_ILL. `res0_ill` is 1 when the profile pins the
// cmd_res0_ill choice (C-CMDQ-001) to 1.
Bv CheckCommandTerm(const Bv* cmd, const ProfileTerms& p, const Bv& res0_ill);

// QueuePointer over 32-bit register values, for a queue of 2^log2size entries.
struct QueueTerms {
  Bv index, wrap, value, next;
};
QueueTerms QueuePointerTerm(const Bv& reg, const Bv& log2size);
Bool QueueEmptyTerm(const Bv& prod, const Bv& cons, const Bv& log2size);
Bool QueueFullTerm(const Bv& prod, const Bv& cons, const Bv& log2size);

}  // namespace smmuref::proofs
