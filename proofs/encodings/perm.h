// The model's permission checks as Z3 terms (model/arch/perm.cc): the hierarchical table
// attributes, the stage-1 check in EL1&0-type and single-privilege (NS-EL2) StreamWorlds with
// WXN, PAN and implicit PXN, the stage-2 check with and without IDR3.XNX, the access flag, and
// the merge of the two stages [IHI0070 §5.2 S2PTW, §5.4 WXN/PAN/HADx/AFFD; DDI0487 D8.4-D8.5].
// Tests: proofs/cross/perm_test.cc, tests/proofs/equiv_main.cc
#pragma once

#include "../lib/bv.h"

namespace smmuref::proofs {

// The access after STE overrides; each a 0/1 term (instr only for reads, R-TXN-003).
struct AccessTerms {
  Bv write, instr, priv;
};

// S1TableAttrs collected from the table descriptors above the leaf (each 0/1).
struct TableAttrTerms {
  Bv no_write, no_el0, uxn, pxn;
};
// R-PERM-007..009: one table descriptor folded into `attrs` (nothing when `had`).
TableAttrTerms AccumulateTableAttrsTerm(const Bv& table_desc, const Bv& had,
                                        const TableAttrTerms& attrs);

// Whether CheckS1Permission permits the access (world 1 = NS-EL2; wxn/pan from the CD).
Bool S1PermitsTerm(const Bv& leaf, const TableAttrTerms& table, const Bv& world, const Bv& wxn,
                   const Bv& pan, const AccessTerms& a);
// Whether CheckS2Permission permits the access.
Bool S2PermitsTerm(const Bv& leaf, const AccessTerms& a, const Bv& xnx);
// R-PERM-010: AF == 0 faults unless AFFD.
Bool AccessFlagFaultsTerm(const Bv& leaf, const Bv& affd);
// The two stages in order: stage 1 first, then stage 2; permitted only when both permit.
Bool MergedPermitsTerm(const Bool& s1, const Bool& s2);

}  // namespace smmuref::proofs
