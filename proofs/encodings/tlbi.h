// The model's TLB invalidation scopes as Z3 terms (model/arch/cmdq.cc DecodeInvalidation,
// model/arch/cache.cc Covers): which cached stage-1 or stage-2 descriptor entries a TLBI_*
// command covers, by regime, VMID, ASID (global entries), and address (one address, or the
// range (NUM+1) x 2^SCALE granules with TG and TTL) [IHI0070 §4.4].
// Tests: proofs/cross/tlbi_test.cc, tests/proofs/equiv_main.cc
#pragma once

#include "../lib/bv.h"
#include "profile.h"

namespace smmuref::proofs {

// A cached walk entry as the model tags it (FetchTag for kS1Desc/kS2Desc): whether its
// StreamWorld is an EL2 one (`el2`: NS-EL2 or NS-EL2-E2H; which one is TlbiCoversTerm's
// `e2h_world`), its ASID and VMID, the input address of the walk, the level and granule of the
// entry, whether it is a leaf, and whether the leaf is global (nG=0).
struct EntryTerms {
  Bv el2, asid, vmid, va, level, granule_shift, leaf, global;
};

// The decoded address operand of a TLBI by VA/IPA (R-TLBI-004..006, R-TLBI-012).
struct TlbiAddressTerms {
  Bv addr, leaf, tg_shift, ttl, length;  // length 0: the entries holding addr
};
TlbiAddressTerms DecodeTlbiAddressTerm(const Bv* cmd, const ProfileTerms& p, bool ipa);

// Whether the command `cmd` (opcode `op`, concrete) covers the entry: stage-1 entries
// (kS1Desc) when `stage2` is false, stage-2 entries (kS2Desc) otherwise (R-TLBI-001..010).
// `cr2_e2h` is CR2.E2H when the command was consumed (1, 0, or -1 for UNKNOWN); `e2h_world`
// (0 or 1) says whether an EL2 entry belongs to NS-EL2-E2H rather than NS-EL2 (R-TLBI-008,
// C-CACHE-016).
Bool TlbiCoversTerm(uint8_t op, const Bv* cmd, const ProfileTerms& p, bool stage2,
                    const EntryTerms& e, int cr2_e2h = 0, const Bv& e2h_world = Bv(0));

// Whether an address operand reaches the entry (AddressCovers) of stage 1 or stage 2.
Bool AddressCoversTerm(const TlbiAddressTerms& inv, const EntryTerms& e, bool stage1);

}  // namespace smmuref::proofs
